// The live board: persona tabs, category columns of sticky notes, presence by team.
// Phases, voting and the divergence view live in their own modules, wired in below.
import { translatedCategory } from "./categories.js";
import { Connection } from "./connection.js";
import { h, toaster } from "./dom.js";
import { createDivergence } from "./divergence.js";
import { createEvidenceBoard } from "./evidence-board.js";
import { createFacilitation } from "./facilitation.js";
import { errorText, plural, t } from "./i18n.js";
import { createLibrary } from "./library.js";
import { createReconcile } from "./reconcile.js";
import { showRemoved } from "./removed.js";
import { statusLine } from "./status-line.js";
import { teamSlot } from "./state.js";
import { createVoting } from "./voting.js";

const state = JSON.parse(document.getElementById("snapshot").textContent);
const PHASE_NAMES = {
  collect: t("phase.collect"), vote: t("phase.vote"), reconcile: t("phase.reconcile"),
  merge: t("phase.merge"), agreed: t("phase.agreed"),
};
const me = state.me;
const canWrite = me.role !== "observer";
const isFacilitator = me.role === "facilitator";

const els = {
  tabs: document.getElementById("persona-tabs"),
  columns: document.getElementById("columns"),
  presence: document.getElementById("presence"),
  presenceCount: document.getElementById("presence-count"),
  legend: document.getElementById("team-legend"),
  status: document.getElementById("conn-status"),
  toast: document.getElementById("toast"),
  announcer: document.getElementById("announcer"),
  meChip: document.getElementById("me-chip"),
};

const storageKey = `persona:${state.workshop.id}`;
let activePersona = sessionStorage.getItem(storageKey);
let present = [];
const noteElements = new Map();
const eventListeners = []; // modules that react to applied events (see `ui.onEvent`)

const connection = new Connection(state, {
  onChange: render,
  onEvent: (event) => {
    if (event.type === "participant.removed" && event.data.id === me.id) showRemoved();
    announce(event);
    for (const listener of eventListeners) listener(event);
  },
  onPresence: (list) => { present = list; renderPresence(); },
  onStatus: statusLine(els.status, speak),
  onError: (ack) => toast(errorText(ack.error)),
});

// ---- helpers ---------------------------------------------------------------

function participant(id) {
  return state.participants.find((p) => p.id === id);
}

function teamClass(team) {
  const slot = team ? teamSlot(state, team) : null;
  return slot === null ? "team-none" : `team-c${slot}`;
}

function categoryLabel(key) {
  const category = state.categories.find((c) => c.key === key);
  return category ? translatedCategory(category).label : key;
}

const toast = toaster(els.toast, 6000);

async function send(type, data) {
  const ack = await connection.op(type, data);
  if (!ack.ok) toast(errorText(ack.error));
  return ack;
}

// Screen readers hear others' changes through the polite live region, batched so a busy
// board does not flood them: what arrives within a second is said at once, and a steady
// stream is summed up at most every few seconds (votes always as one count, never one by one).
const ANNOUNCE_QUIET_MS = 1000;
const ANNOUNCE_MAX_WAIT_MS = 4000;
const MAX_SPOKEN_ITEMS = 3;
let pending = { texts: [], votes: 0 };
let announceTimer;
let announceDeadline = 0;

/** A note's or group's words, short enough to be said in passing. */
function targetText(type, id) {
  const item = type === "group" ? state.groups.find((g) => g.id === id)
    : state.assumptions.find((a) => a.id === id);
  const text = (item?.decision?.text ?? (type === "group" ? item?.title : item?.text)) ?? "";
  return text.length > 60 ? `${text.slice(0, 57).trimEnd()}…` : text;
}

const DECISION_ANNOUNCEMENTS = {
  accepted: (params) => t("announce.decision.accepted", params),
  rejected: (params) => t("announce.decision.rejected", params),
  parked: (params) => t("announce.decision.parked", params),
  reworded: (params) => t("announce.decision.reworded", params),
};

function announcement(event) {
  const who = participant(event.actor)?.name ?? t("common.someone");
  const data = event.data;
  const text = {
    "assumption.added": () => t("announce.note_added", { who, category: categoryLabel(data.assumption.category) }),
    "assumption.edited": () => t("announce.note_edited", { who }),
    "assumption.deleted": () => t("announce.note_removed", { who }),
    "participant.joined": () => t("announce.joined", { name: data.participant.name }),
    "persona.added": () => t("announce.persona_added", { who, name: data.persona.name }),
    "phase.changed": () => t("announce.phase", {
      phase: (PHASE_NAMES[data.phase] ?? data.phase).toLowerCase() }),
    "notes.revealed": () => t("announce.notes_revealed"),
    "votes.revealed": () => t("announce.votes_revealed"),
    "decision.made": () => {
      const params = { who, item: targetText(data.target_type, data.target_id) };
      return (DECISION_ANNOUNCEMENTS[data.decision?.decision] ?? ((p) => t("announce.decision.reopened", p)))(params);
    },
    "comment.added": () => t("announce.comment", {
      who: participant(data.comment.author_id)?.name ?? who,
      item: targetText(data.comment.target_type, data.comment.target_id) }),
    "note.added": () => t("announce.research_added", { who, title: data.note.title }),
    "notes.imported": () => plural("announce.research_imported", data.notes.length, { who }),
    "note.edited": () => t("announce.research_edited", { who, title: data.note.title }),
    "note.deleted": () => t("announce.research_deleted", { who, title: data.previous.title }),
    "evidence.linked": () => (data.link.relation === "contradicts"
      ? t("announce.linked_contradicts", { who }) : t("announce.linked_supports", { who })),
    "evidence.unlinked": () => t("announce.unlinked", { who }),
  }[event.type];
  return text ? text() : null;
}

function announce(event) {
  if (event.actor && event.actor === me.id) return;
  if (event.type === "vote.cast") {
    // Others' votes come without an actor; one's own carries `my_vote`. Blind votes stay unsaid.
    const settings = state.workshop.settings;
    if ("my_vote" in event.data || (settings.blind_voting && !settings.votes_revealed)) return;
    pending.votes += 1;
  } else {
    const text = announcement(event);
    if (!text) return;
    pending.texts.push(text);
  }
  const now = Date.now();
  if (!announceDeadline) announceDeadline = now + ANNOUNCE_MAX_WAIT_MS;
  clearTimeout(announceTimer);
  announceTimer = setTimeout(flushAnnouncements, Math.max(0, Math.min(ANNOUNCE_QUIET_MS, announceDeadline - now)));
}

function flushAnnouncements() {
  const { texts, votes } = pending;
  pending = { texts: [], votes: 0 };
  announceDeadline = 0;
  const parts = texts.length > MAX_SPOKEN_ITEMS ? [t("announce.many", { n: texts.length })] : [...texts];
  if (votes) parts.push(plural("announce.votes", votes));
  if (parts.length) speak(parts.join(". "));
}

/** Say something now in the polite live region. */
function speak(text) {
  els.announcer.textContent = text;
}

// ---- persona tabs ----------------------------------------------------------

function renderTabs() {
  if (!state.personas.some((p) => p.id === activePersona)) activePersona = state.personas[0]?.id;
  els.tabs.replaceChildren(...state.personas.map((persona) => {
    const selected = persona.id === activePersona;
    const count = state.assumptions.filter((a) => a.persona_id === persona.id).length;
    return h("button", {
      class: "persona-tab", role: "tab", type: "button", "aria-selected": String(selected),
      tabindex: selected ? "0" : "-1", "data-id": persona.id,
      onclick: () => selectPersona(persona.id),
      onkeydown: tabKeys,
    }, h("span", { class: "persona-tab-name", text: persona.name }),
    h("span", { class: "count", text: String(count), "aria-label": plural("board.notes_count", count) }));
  }));
  // The merge view of the persona shown: its document, versions and exports.
  const docLink = document.getElementById("persona-doc-link");
  if (docLink && activePersona) docLink.href = `/w/${state.workshop.id}/persona/${activePersona}`;
}

function selectPersona(id) {
  activePersona = id;
  sessionStorage.setItem(storageKey, id);
  render();
}

function tabKeys(event) {
  const index = state.personas.findIndex((p) => p.id === activePersona);
  const step = { ArrowRight: 1, ArrowLeft: -1 }[event.key];
  if (!step) return;
  const next = state.personas[(index + step + state.personas.length) % state.personas.length];
  selectPersona(next.id);
  els.tabs.querySelector(`[data-id="${next.id}"]`)?.focus();
}

// ---- columns and notes -----------------------------------------------------

function buildColumn(serverCategory) {
  const category = translatedCategory(serverCategory);
  const list = h("ul", { class: "notes", "aria-label": t("board.column_notes", { category: category.label }) });
  const column = h("section", { class: "column", "data-category": category.key,
    "aria-labelledby": `col-${category.key}` },
  h("header", { class: "column-head" },
    h("h3", { id: `col-${category.key}`, text: category.label }),
    h("span", { class: "count" })),
  h("p", { class: "column-prompt", text: category.prompt }),
  list);
  if (canWrite) column.append(buildAddForm(category));
  return column;
}

function buildAddForm(category) {
  const textarea = h("textarea", { name: "text", rows: "2", maxlength: "500",
    placeholder: t("board.add.placeholder"), "aria-label": t("board.add.label", { category: category.label }) });
  const form = h("form", { class: "add-note", "data-category": category.key },
    textarea,
    h("div", { class: "add-note-actions" },
      h("button", { class: "button button-small button-primary", type: "submit", text: t("board.add.submit") }),
      h("span", { class: "hint", text: t("board.add.hint") })));
  form.addEventListener("submit", (event) => {
    event.preventDefault();
    const text = textarea.value.trim();
    if (!text) { textarea.focus(); return; }
    textarea.value = "";
    send("assumption.add", { persona_id: activePersona, category: category.key, text })
      .then((ack) => { if (!ack.ok && !textarea.value) textarea.value = text; });
  });
  textarea.addEventListener("keydown", (event) => {
    if (event.key === "Enter" && !event.shiftKey && !event.isComposing) {
      event.preventDefault();
      form.requestSubmit();
    }
  });
  return form;
}

function buildNote(note) {
  const el = h("li", { class: "note", "data-id": note.id, tabindex: "-1" },
    h("p", { class: "note-text" }),
    h("footer", { class: "note-meta" },
      h("span", { class: "note-author" }),
      h("span", { class: "note-actions" })));
  noteElements.set(note.id, el);
  return el;
}

function mayChange(note) {
  return isFacilitator || (me.role === "participant" && note.author_id === me.id);
}

function updateNote(el, note) {
  if (el.classList.contains("editing")) return; // never clobber what someone is typing
  const author = participant(note.author_id);
  el.className = `note ${teamClass(author?.team)}${note.author_id === me.id ? " mine" : ""}`;
  el.querySelector(".note-text").textContent = note.text;
  const authorLabel = author ? (author.team ? `${author.name} · ${author.team}` : author.name) : "";
  el.querySelector(".note-author").textContent = authorLabel;
  const actions = el.querySelector(".note-actions");
  const fixed = mayChange(note) ? textFixed(note) : "";
  if (mayChange(note) && (!actions.childElementCount || actions.dataset.fixed !== fixed)) {
    actions.dataset.fixed = fixed;
    el.querySelector(".note-fixed")?.remove();
    actions.replaceChildren(
      h("button", { class: "icon-button", type: "button", text: t("common.edit"),
        "aria-label": t("board.note.edit"), "aria-disabled": fixed ? "true" : false,
        title: fixed ? FIXED_TEXT[fixed] : false,
        onclick: () => (fixed ? explainFixed(el, fixed) : startEdit(el, note.id)) }),
      h("button", { class: "icon-button danger", type: "button", text: t("common.delete"),
        "aria-label": t("board.note.delete"), onclick: (event) => confirmDelete(event.currentTarget, note.id) }));
  } else if (!mayChange(note)) {
    actions.replaceChildren();
  }
  voting.decorate(el, note);
  reconcile.decorateNote(el, note);
  evidence.decorateNote(el, note);
}

const FIXED_TEXT = { voted: t("board.note.fixed.voted"), decided: t("board.note.fixed.decided") };

/** Why a note's text may no longer be edited ("voted", "decided"), or "" (docs/protocol.md:
 * the text people voted on and the text decided on never change; the facilitator rewords). */
function textFixed(note) {
  const group = note.group_id ? state.groups.find((g) => g.id === note.group_id) : null;
  if (note.decision || group?.decision) return "decided";
  return note.votes?.voters ? "voted" : "";
}

function explainFixed(el, fixed) {
  el.querySelector(".note-fixed")?.remove();
  el.append(h("p", { class: "note-fixed", role: "status",
    text: `${FIXED_TEXT[fixed]} ${isFacilitator ? t("board.note.fixed.reword") : t("board.note.fixed.ask")}` }));
}

function startEdit(el, id) {
  const note = state.assumptions.find((a) => a.id === id);
  if (!note) return;
  el.classList.add("editing");
  const textarea = h("textarea", { rows: "3", maxlength: "500", "aria-label": t("board.note.text") });
  textarea.value = note.text;
  const finish = () => { el.classList.remove("editing"); editor.remove(); render(); };
  const save = async () => {
    const text = textarea.value.trim();
    if (!text || text === note.text) { finish(); return; }
    const ack = await send("assumption.edit", { id, text });
    if (ack.ok) finish();
  };
  const editor = h("div", { class: "note-editor" }, textarea,
    h("div", { class: "add-note-actions" },
      h("button", { class: "button button-small button-primary", type: "button", text: t("common.save"), onclick: save }),
      h("button", { class: "button button-small", type: "button", text: t("common.cancel"), onclick: finish })));
  textarea.addEventListener("keydown", (event) => {
    if (event.key === "Enter" && !event.shiftKey) { event.preventDefault(); save(); }
    if (event.key === "Escape") { event.preventDefault(); finish(); el.focus(); }
  });
  el.append(editor);
  textarea.focus();
  textarea.select();
}

function confirmDelete(button, id) {
  if (button.dataset.armed) {
    send("assumption.delete", { id });
    return;
  }
  button.dataset.armed = "1";
  button.textContent = t("common.sure");
  setTimeout(() => { delete button.dataset.armed; button.textContent = t("common.delete"); }, 3000);
}

function renderColumns() {
  if (!els.columns.childElementCount) {
    els.columns.append(...state.categories.map(buildColumn));
  }
  const visible = state.assumptions.filter((a) => a.persona_id === activePersona);
  const groups = state.groups.filter((g) => g.persona_id === activePersona);
  const seen = new Set();
  const placeNote = (list, note, index) => {
    const el = noteElements.get(note.id) ?? buildNote(note);
    updateNote(el, note);
    if (list.children[index] !== el) list.insertBefore(el, list.children[index] ?? null);
    seen.add(note.id);
  };
  for (const column of els.columns.children) {
    const key = column.dataset.category;
    // A group stands in its column as one card holding its notes, wherever they came from.
    const entries = [
      ...visible.filter((a) => a.category === key && !a.group_id),
      ...groups.filter((g) => g.category === key),
    ].sort((a, b) => a.seq - b.seq);
    const list = column.querySelector(".notes");
    entries.forEach((entry, index) => {
      if (!("group_id" in entry)) {
        const card = reconcile.groupCard(entry);
        evidence.decorateGroup(card, entry);
        if (list.children[index] !== card) list.insertBefore(card, list.children[index] ?? null);
        seen.add(entry.id);
        const members = visible.filter((a) => a.group_id === entry.id);
        members.forEach((note, i) => placeNote(card.querySelector(".group-notes"), note, i));
      } else {
        placeNote(list, entry, index);
      }
    });
    while (list.children.length > entries.length) list.lastElementChild.remove();
    column.querySelector(".count").textContent = entries.length ? String(entries.length) : "";
    column.classList.toggle("empty", entries.length === 0);
  }
  for (const [id, el] of noteElements) {
    if (!seen.has(id)) { el.remove(); noteElements.delete(id); }
  }
  const empty = document.getElementById("board-empty");
  if (empty) empty.hidden = visible.length > 0;
}

// ---- presence and teams ----------------------------------------------------

function renderPresence() {
  const groups = new Map();
  for (const person of present) {
    const key = person.team || (person.role === "observer" ? t("board.presence.observers") : t("board.facilitation"));
    if (!groups.has(key)) groups.set(key, []);
    groups.get(key).push(person);
  }
  els.presenceCount.textContent = String(present.length);
  els.presence.replaceChildren(...[...groups].map(([team, people]) =>
    h("section", { class: "presence-group" },
      h("h3", { class: "presence-team" },
        h("span", { class: `swatch ${teamClass(people[0].team)}`, "aria-hidden": "true" }), team),
      h("ul", {}, ...people.map((person) => h("li", { class: "presence-person" },
        h("span", { class: "avatar", "aria-hidden": "true", text: person.name.charAt(0).toUpperCase() }),
        h("span", { text: person.id === me.id ? t("board.presence.you", { name: person.name }) : person.name })))))));
}

function renderLegend() {
  els.legend.replaceChildren(...state.workshop.teams.map((team) =>
    h("li", {}, h("span", { class: `swatch ${teamClass(team)}`, "aria-hidden": "true" }), team)));
}

function render() {
  renderTabs();
  renderColumns();
  renderLegend();
  renderPresence();
  facilitation.render();
  voting.render();
  divergence.render();
  reconcile.render();
  library.render(); // after divergence: the research view hides the board and divergence
  evidence.render();
}

// ---- modules: phases and facilitation, voting, divergence -----------------------

const ui = {
  state, me, send, toast, teamClass, categoryLabel,
  sendQuietly: (type, data) => connection.op(type, data), // the caller reports a refusal itself
  activePersona: () => activePersona,
  onEvent: (listener) => eventListeners.push(listener),
  rerender: () => render(),
};
const facilitation = createFacilitation(ui);
const divergence = createDivergence(ui);
const voting = createVoting({ ...ui, measuresFor: divergence.measuresFor });
const reconcile = createReconcile({ ...ui, measuresFor: divergence.measuresFor });
const library = createLibrary(ui);
const evidence = createEvidenceBoard(ui, library);

// ---- facilitator: personas ---------------------------------------------------

document.getElementById("persona-add-form")?.addEventListener("submit", async (event) => {
  event.preventDefault();
  const input = event.currentTarget.elements.namedItem("name");
  const name = input.value.trim();
  if (!name) { input.focus(); return; }
  const ack = await send("persona.add", { name });
  if (ack.ok) { input.value = ""; selectPersona(ack.event.data.persona.id); }
});

render();
connection.start();
