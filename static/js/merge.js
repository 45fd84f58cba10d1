// The merge view: the persona document, edited live by several people. Each field is saved
// with the revision its editor started from; a stale save comes back with both versions, so
// nothing is overwritten unseen. Versions, sign-off, agreement, diff and exports sit beside it.
import { postJSON } from "./api.js";
import { translatedCategory } from "./categories.js";
import { Connection, newOpId } from "./connection.js";
import { capital, fill, h, toaster } from "./dom.js";
import { boardItems, linksByTarget, requiredCategories, researchPending } from "./evidence.js";
import { errorText, locale, plural, t } from "./i18n.js";
import { showRemoved } from "./removed.js";
import { statusLine } from "./status-line.js";
import { createStore } from "./store.js";

const store = createStore(JSON.parse(document.getElementById("snapshot").textContent));
const { state } = store;
const me = state.me;
const personaId = document.querySelector(".merge-layout").dataset.persona;
const isFacilitator = me.role === "facilitator";
const canWrite = me.role !== "observer";
const base = `/api/workshops/${state.workshop.id}/personas/${personaId}`;

const IDENTITY = [
  ["name", t("merge.identity.name"), "line"], ["quote", t("merge.identity.quote"), "textarea"],
  ["role", t("merge.identity.role"), "input"], ["age_range", t("merge.identity.age_range"), "input"],
  ["location", t("merge.identity.location"), "input"], ["story", t("merge.identity.story"), "textarea"],
];
const STATE_LABELS = {
  validated: t("evidence.validated"), contradicted: t("evidence.contradicted"), untested: t("evidence.untested"),
};
const DECISION_LABELS = {
  accepted: t("decision.accepted"), rejected: t("decision.rejected"), parked: t("decision.parked"),
  reworded: t("decision.reworded"),
};
const STATUS_LABELS = { draft: t("merge.status.draft"), agreed: t("merge.status.agreed") };
const CREATE_PHASES = ["merge", "agreed"]; // where the server creates the persona document
const EDITING_TTL_MS = 15000;
const EDITING_REFRESH_MS = 10000;

const els = {
  document: document.getElementById("merge-document"),
  version: document.getElementById("version-panel"),
  fit: document.getElementById("fit"),
  exports: document.getElementById("export-panel"),
  history: document.getElementById("history-panel"),
  research: document.getElementById("research-panel"),
  researchPanel: document.getElementById("research-section"),
  status: document.getElementById("conn-status"),
  toast: document.getElementById("toast"),
  announcer: document.getElementById("announcer"),
};
const showToast = toaster(els.toast, 7000);

const fields = new Map(); // path → {el, base, conflict, wrapper}
const editing = new Map(); // path → Map(participant id → {name, until})
let built = null; // the version id and item ids the form was built for
let fitTimer;
let pictureStatus = ""; // the last upload's outcome, shown under the portrait
// Reopening an agreed version starts the next one and clears its sign-offs, so the page asks
// first: "ask" while the question is shown, "yes" once confirmed (for that version number).
let reopen = { number: null, step: null };

// ---- helpers ---------------------------------------------------------------------

const toast = (message) => showToast(capital(message));

function announce(text) {
  els.announcer.textContent = text;
}

function nameOf(id) {
  return state.participants.find((p) => p.id === id)?.name ?? t("merge.someone");
}

function current() {
  return state.documents.find((d) => d.persona_id === personaId) ?? null;
}

function valueAt(version, path) {
  const [kind, key] = [path.slice(0, path.indexOf(".")), path.slice(path.indexOf(".") + 1)];
  if (kind === "identity") return version.document.identity[key];
  for (const section of version.document.sections) {
    for (const item of section.items) if (item.id === key) return item.text;
  }
  return undefined;
}

/** An agreed version nobody here has chosen to reopen: its fields are read only. */
function locked(version) {
  if (version.status !== "agreed") return false;
  if (state.workshop.settings.reopen_facilitator_only && !isFacilitator) return true;
  return !(reopen.number === version.number && reopen.step === "yes");
}

function percent(share) {
  return share == null ? "–" : `${Math.round(share * 100)}%`;
}

// ---- the connection ----------------------------------------------------------------

const connection = new Connection(store, {
  onEvent: (event) => {
    if (event.type === "participant.removed" && event.data.id === me.id) showRemoved();
    if (event.data?.persona_id !== personaId) return;
    if (event.type === "document.saved") {
      remoteSave(event);
      scheduleFit();
    }
    if (event.type === "document.agreed") announce(t("merge.announce.agreed", { n: event.data.number }));
    if (event.type === "document.signed") announce(t("merge.announce.signed", { team: event.data.team }));
    if (event.type === "document.created") scheduleFit();
  },
  onPresence: () => {},
  onStatus: statusLine(els.status, announce),
  onError: (ack) => toast(errorText(ack.error)),
});

async function send(type, data, { quiet = false } = {}) {
  const ack = await connection.op(type, data);
  if (!ack.ok && !quiet) toast(errorText(ack.error));
  return ack;
}

function signal(path) {
  if (!canWrite || !connection.socket?.connected) return;
  connection.socket.emit("signal", { type: "editing", persona_id: personaId, path });
}

// ---- editing fields ----------------------------------------------------------------

/** A text area as tall as its text (at least its rows), so the sheet reads like a document. */
function autosize(el) {
  if (el.tagName !== "TEXTAREA" || !el.isConnected) return;
  el.style.height = "auto";
  el.style.height = `${el.scrollHeight + 2}px`; // + the borders (border-box)
}

let resizeTimer;
window.addEventListener("resize", () => {
  clearTimeout(resizeTimer);
  resizeTimer = setTimeout(() => { for (const entry of fields.values()) autosize(entry.el); }, 150);
});

function fieldControl(path, label, kind, { rows = 2, cls = "" } = {}) {
  const id = `f-${path.replace(/[^a-z0-9]/gi, "-")}`;
  // A "line" is one line of text that wraps (the persona's name, long on a phone): a text
  // area that Enter saves, like an input, and that keeps no line breaks.
  const control = kind === "input"
    ? h("input", { id, type: "text", class: `field-input ${cls}`, maxlength: "5000", autocomplete: "off" })
    : h("textarea", { id, class: `field-input ${cls}${kind === "line" ? " field-line" : ""}`,
      rows: kind === "line" ? "1" : String(rows), maxlength: "5000" });
  control.readOnly = !canWrite;
  const who = h("span", { class: "field-editing", "aria-live": "polite" });
  const note = h("p", { class: "field-note", role: "status" });
  const conflict = h("div", { class: "field-conflict", hidden: true });
  const wrapper = h("div", { class: "field", "data-path": path },
    h("div", { class: "field-head" }, h("label", { class: "field-label", for: id, text: label }), who),
    control, note, conflict);
  const entry = { el: control, base: null, wrapper, who, note, conflict, saving: false };
  fields.set(path, entry);
  let keepAlive;
  control.addEventListener("input", () => {
    if (kind === "line" && /[\r\n]/.test(control.value)) control.value = control.value.replace(/\s*[\r\n]+\s*/g, " ");
    autosize(control);
  });
  // Like an input, a line reached by the keyboard has its text selected, ready to retype.
  let pointed = false;
  control.addEventListener("pointerdown", () => { pointed = true; });
  control.addEventListener("focus", () => {
    if (kind === "line" && !pointed) control.select();
    pointed = false;
    // The revision this text rests on; a text pinned to a revision ("Merge both") keeps it,
    // so a save made since is not overwritten unseen.
    if (entry.base == null) entry.base = current().revisions[path]?.rev ?? 0;
    signal(path);
    keepAlive = setInterval(() => signal(path), EDITING_REFRESH_MS);
  });
  control.addEventListener("blur", () => {
    clearInterval(keepAlive);
    signal(null);
    save(path);
  });
  control.addEventListener("keydown", (event) => {
    const submit = event.key === "Enter" && (kind !== "textarea" || event.ctrlKey || event.metaKey);
    if (submit) { event.preventDefault(); save(path); }
    if (event.key === "Escape") {
      event.preventDefault();
      control.value = valueAt(current(), path) ?? "";
      entry.base = current().revisions[path]?.rev ?? 0;
      autosize(control);
      entry.note.textContent = "";
    }
  });
  return wrapper;
}

async function save(path, { value, baseRev } = {}) {
  const entry = fields.get(path);
  const version = current();
  if (!entry || !version || !canWrite) return;
  const text = (value ?? entry.el.value).trim();
  const rev = baseRev ?? entry.base ?? version.revisions[path]?.rev ?? 0;
  if (text === (valueAt(version, path) ?? "").trim() && baseRev == null) {
    // Nothing to save: the text is the current one, so it rests on the current revision.
    entry.base = document.activeElement === entry.el ? version.revisions[path]?.rev ?? 0 : null;
    return;
  }
  entry.saving = true;
  entry.note.textContent = version.status === "agreed"
    ? t("merge.saving_new_version", { n: version.number, next: version.number + 1 })
    : t("merge.saving");
  const ack = await send("document.save", { persona_id: personaId, path, value: text,
    base_rev: rev, reopen: version.status === "agreed" }, { quiet: true });
  entry.saving = false;
  if (ack.ok) {
    entry.base = document.activeElement === entry.el ? ack.event.data.revision.rev : null;
    entry.note.textContent = t("merge.saved");
    hideConflict(entry);
    setTimeout(() => { if (entry.note.textContent === t("merge.saved")) entry.note.textContent = ""; }, 2500);
  } else if (ack.error.code === "conflict" && ack.error.details) {
    entry.note.textContent = "";
    showConflict(path, ack.error.details);
  } else {
    entry.note.textContent = errorText(ack.error);
  }
}

function showConflict(path, details) {
  const entry = fields.get(path);
  const theirs = details.current;
  entry.conflict.hidden = false;
  const resolve = (value) => {
    hideConflict(entry);
    entry.el.value = value;
    autosize(entry.el);
    entry.base = theirs.rev;
  };
  fill(entry.conflict, 
    h("p", { class: "conflict-title", role: "alert",
      text: t("merge.conflict", { name: nameOf(theirs.by) }) }),
    h("div", { class: "conflict-sides" },
      h("figure", { class: "conflict-side" }, h("figcaption", { text: t("merge.conflict.theirs", { name: nameOf(theirs.by) }) }),
        h("p", { text: typeof theirs.value === "string" ? theirs.value : t("merge.conflict.picture") })),
      h("figure", { class: "conflict-side mine" }, h("figcaption", { text: t("merge.conflict.yours") }),
        h("p", { text: details.yours ?? "" }))),
    h("div", { class: "button-row" },
      h("button", { class: "button button-small", type: "button", text: t("merge.conflict.use_theirs"),
        onclick: () => { resolve(theirs.value); entry.base = null; } }),
      h("button", { class: "button button-small button-primary", type: "button", text: t("merge.conflict.keep_mine"),
        onclick: () => { hideConflict(entry); save(path, { value: details.yours, baseRev: theirs.rev }); } }),
      h("button", { class: "button button-small", type: "button", text: t("merge.conflict.merge_both"),
        onclick: () => { resolve(`${theirs.value} ${details.yours}`); entry.el.focus(); } })));
  entry.conflict.querySelector("button")?.focus();
}

function hideConflict(entry) {
  entry.conflict.hidden = true;
  entry.conflict.replaceChildren();
}

/** Someone's save arrived: show it, unless the field is being typed in here. */
function remoteSave(event) {
  const { path, revision } = event.data;
  const entry = fields.get(path);
  if (!entry || event.actor === me.id) return;
  const focused = document.activeElement === entry.el;
  if (focused && entry.el.value === (event.data.previous ?? "")) {
    // Nothing typed here yet: take their text and build on it.
    entry.el.value = typeof event.data.value === "string" ? event.data.value : entry.el.value;
    autosize(entry.el);
    entry.base = revision.rev;
    entry.note.textContent = t("merge.updated_by", { name: nameOf(revision.by) });
  } else if (focused) {
    entry.note.textContent = t("merge.just_saved", { name: nameOf(revision.by) });
  } else {
    announce(t("merge.announce.changed", { name: nameOf(revision.by),
      field: entry.wrapper.querySelector(".field-label").textContent }));
  }
  dropEditing(path, event.actor);
}

// ---- "X is editing" ------------------------------------------------------------------

function dropEditing(path, participantId) {
  editing.get(path)?.delete(participantId);
  renderEditing();
}

function receiveSignal(message) {
  if (message.type !== "editing" || message.persona_id !== personaId) return;
  for (const people of editing.values()) people.delete(message.participant_id);
  if (message.path) {
    if (!editing.has(message.path)) editing.set(message.path, new Map());
    editing.get(message.path).set(message.participant_id,
      { name: message.name, until: Date.now() + EDITING_TTL_MS });
  }
  renderEditing();
}

function renderEditing() {
  const now = Date.now();
  for (const [path, entry] of fields) {
    const people = [...(editing.get(path)?.entries() ?? [])].filter(([, v]) => v.until > now);
    entry.who.textContent = people.length
      ? plural("merge.editing", people.length, { names: people.map(([, v]) => v.name).join(", ") })
      : "";
    entry.wrapper.classList.toggle("being-edited", people.length > 0);
  }
}
setInterval(renderEditing, 3000);

// ---- the document ----------------------------------------------------------------

function evidenceBadge(stateName) {
  return h("span", { class: `evidence-badge ev-${stateName}`, text: STATE_LABELS[stateName] });
}

// The parts of a trait's record, labelled and worded as workshop/domain/provenance.py words
// them for every export: the original wording, the rewording, the votes as cast and on which
// wording, the minority view, the decision and the facilitator's reason, each apart.
const PART_LABELS = {
  original: t("merge.provenance.part.original"), author: t("merge.provenance.part.author"),
  sources: t("merge.provenance.part.sources"),
  rewording: t("merge.provenance.part.rewording"), votes: t("merge.provenance.part.votes"),
  votes_original: t("merge.provenance.part.votes_original"),
  votes_grouped: t("merge.provenance.part.votes_grouped"),
  believers: t("merge.provenance.part.believers"), dissent: t("merge.provenance.part.dissent"),
  decision: t("merge.provenance.part.decision"), reason: t("merge.provenance.part.reason"),
  research: t("merge.provenance.part.research"), evidence: t("merge.provenance.part.evidence"),
};
const STANCE_COUNTS = {
  agree: (n) => t("merge.provenance.stance.agree", { n }),
  disagree: (n) => t("merge.provenance.stance.disagree", { n }),
  unsure: (n) => t("merge.provenance.stance.unsure", { n }),
};

function votesText(votes) {
  const teams = Object.entries(votes.tally)
    .map(([team, counts]) => [team, Object.keys(STANCE_COUNTS).filter((s) => counts[s])
      .map((s) => STANCE_COUNTS[s](counts[s])).join(", ")])
    .filter(([, counts]) => counts).map(([team, counts]) => `${team} ${counts}`).join("; ");
  return [teams || t("merge.provenance.no_votes"), t("merge.provenance.agreement", { share: percent(votes.agreement) }),
    t("merge.provenance.consensus", { share: percent(votes.consensus) }),
    plural("merge.provenance.voters", votes.voters), plural("merge.provenance.dots", votes.dots)].join(" · ");
}

function provenance(item) {
  const p = item.provenance;
  const d = p.decision;
  const reworded = p.original !== item.text;
  const list = (items) => h("ul", {}, ...items);
  const part = (key, label, ...content) => [h("dt", { text: label }), h("dd", { class: `prov-${key}` }, ...content)];
  const teams = p.dissent ? p.dissent.teams.map((team) => t("merge.provenance.dissent_team", team))
    .join(", ") || t("merge.provenance.some_teams") : "";
  return h("details", { class: "provenance" },
    h("summary", {}, `${t("merge.provenance")} `, evidenceBadge(p.evidence_state),
      p.contested ? h("span", { class: "contested-badge", text: t("vote.contested") }) : null),
    h("dl", {},
      ...(reworded ? part("original", PART_LABELS.original, p.original) : []),
      ...(p.kind === "group" ? part("sources", PART_LABELS.sources, list(p.sources.map((s) => h("li", {}, `“${s.text}”`,
        s.team ? h("span", { class: "muted", text: ` · ${s.team}` }) : null))))
        : part("author", PART_LABELS.author, p.sources.find((s) => s.team)?.team ?? t("merge.provenance.no_team"))),
      ...(d.decision === "reworded" && d.text && d.text !== item.text ? part("rewording", PART_LABELS.rewording, d.text) : []),
      ...part("votes", PART_LABELS[p.kind === "group" ? "votes_grouped" : reworded ? "votes_original" : "votes"],
        votesText(p.votes)),
      ...part("believers", PART_LABELS.believers, p.believers.length ? p.believers.join(", ") : t("merge.provenance.no_believers")),
      ...(p.dissent ? part("dissent", PART_LABELS.dissent, reworded ? t("merge.provenance.disagreed_original", { teams })
        : t("merge.provenance.disagreed", { teams })) : []),
      ...part("decision", PART_LABELS.decision, t("merge.provenance.decided", {
        decision: DECISION_LABELS[d.decision] ?? capital(d.decision),
        name: d.by_name ?? t("merge.provenance.the_facilitator"), date: d.at ? d.at.slice(0, 10) : "–" })),
      ...(d.reason ? part("reason", PART_LABELS.reason, d.reason) : []),
      // Shown while the item needs research now (renderResearch keeps it current).
      h("dt", { class: "research-row", hidden: true, text: PART_LABELS.research }),
      h("dd", { class: "prov-research research-row", hidden: true, text: t("merge.provenance.research_pending") }),
      ...part("evidence", PART_LABELS.evidence, p.evidence.length ? list(p.evidence.map((e) => h("li", { class: `ev-${e.relation}` },
        h("strong", { text: `${e.relation === "supports" ? t("evidence.supports") : t("evidence.contradicts")}: ` }),
        `“${e.quote}” — ${e.note_title}`, h("span", { class: "muted", text: ` (${e.source_type}${e.date ? `, ${e.date}` : ""})` }))))
        : h("span", { class: "muted", text: t("merge.provenance.untested") }))));
}

function portrait(version) {
  const picture = version.document.identity.picture;
  const box = h("div", { class: "portrait" });
  if (picture) {
    box.append(h("img", { src: `data:${picture.media_type};base64,${picture.data}`,
      alt: t("merge.picture_of", { name: version.document.identity.name }) }));
  } else {
    // As the exports' avatar (workshop/domain/avatar.py): the first and the last word.
    const words = (version.document.identity.name || "").split(/\s+/).filter((w) => /^[\p{L}\p{N}]/u.test(w));
    const initials = words.length
      ? (words[0][0] + (words.length > 1 ? words[words.length - 1][0] : "")).toUpperCase() : "?";
    box.append(h("span", { class: "avatar-initials", "aria-hidden": "true", text: initials }));
  }
  if (!canWrite || locked(version)) return box;
  const input = h("input", { type: "file", id: "picture-file", accept: "image/png,image/jpeg,image/webp", class: "sr-only" });
  const progress = h("span", { class: "picture-progress", role: "status", text: pictureStatus });
  input.addEventListener("change", () => uploadPicture(input, progress));
  return h("div", { class: "portrait-box" }, box,
    h("div", { class: "portrait-actions" },
      h("label", { class: "button button-small", for: "picture-file", text: t("merge.picture.upload") }), input,
      picture ? h("button", { class: "button button-small", type: "button", id: "picture-avatar", text: t("merge.picture.avatar"),
        onclick: () => send("document.picture", { persona_id: personaId, picture: null,
          base_rev: current().revisions["identity.picture"]?.rev ?? 0,
          reopen: current().status === "agreed" }) }) : null,
      progress));
}

async function uploadPicture(input, progress) {
  const file = input.files?.[0];
  input.value = "";
  if (!file) return;
  if (!["image/png", "image/jpeg", "image/webp"].includes(file.type)) {
    showPictureStatus(t("merge.picture.type"));
    return;
  }
  if (file.size > 2 * 1024 * 1024) {
    showPictureStatus(t("merge.picture.size"));
    return;
  }
  const bar = h("progress", { max: "100", class: "picture-bar", "aria-label": t("library.import.uploading_dots") });
  pictureStatus = "";
  fill(progress, bar, ` ${t("library.import.uploading_dots")}`);
  const data = await new Promise((resolve) => {
    const reader = new FileReader();
    reader.onload = () => resolve(String(reader.result).split(",", 2)[1]);
    reader.readAsDataURL(file);
  });
  try {
    const ack = await postWithProgress(`${base}/picture`, { content_base64: data, op_id: newOpId(),
      base_rev: current().revisions["identity.picture"]?.rev ?? 0, reopen: current().status === "agreed" },
    (share) => { bar.value = share * 100; });
    showPictureStatus(ack.ok ? t("merge.picture.saved") : errorText(ack.error));
    if (ack.ok) connection.receive(ack.event);
  } catch (error) {
    showPictureStatus(error.message);
  }
}

/** The upload's outcome, kept for the portrait that a new picture (or name) re-renders. */
function showPictureStatus(text) {
  pictureStatus = text;
  const shown = els.document.querySelector(".picture-progress");
  if (shown) shown.textContent = text;
}

/** postJSON through XMLHttpRequest, whose upload reports progress (fetch's does not). */
function postWithProgress(url, body, onProgress) {
  return new Promise((resolve, reject) => {
    const request = new XMLHttpRequest();
    request.open("POST", url);
    request.setRequestHeader("Content-Type", "application/json");
    request.upload.addEventListener("progress", (event) => {
      if (event.lengthComputable) onProgress(event.loaded / event.total);
    });
    request.addEventListener("error", () => reject(new Error(t("api.unreachable"))));
    request.addEventListener("load", () => {
      let payload = {};
      try { payload = JSON.parse(request.responseText); } catch { /* not JSON: use the status */ }
      if (request.status >= 200 && request.status < 300) { resolve(payload); return; }
      reject(new Error(payload.error ? errorText(payload.error) : t("api.status", { status: request.status })));
    });
    request.send(JSON.stringify(body));
  });
}

function buildDocument(version) {
  fields.clear();
  const identity = h("header", { class: "persona-hero" }, portrait(version),
    h("div", { class: "persona-who" },
      ...IDENTITY.map(([key, label, kind]) => fieldControl(`identity.${key}`, label, kind,
        { rows: key === "story" ? 3 : 1, cls: `field-${key}` }))));
  const sections = version.document.sections.map((section) => {
    const label = translatedCategory({ key: section.category, label: section.label }).label;
    return h("section", {
      class: `persona-section cat-${section.category}`, "aria-labelledby": `sec-${section.category}` },
    h("h3", { id: `sec-${section.category}`, text: label }),
    h("ol", { class: "persona-items" }, ...section.items.map((item) => h("li", { class: "persona-item", "data-item": item.id },
      fieldControl(`items.${item.id}`, t("merge.trait", { category: label }), "textarea", { rows: 1, cls: "field-item" }),
      h("p", { class: "research-flag", hidden: true }, h("strong", { text: `${PART_LABELS.research}: ` }),
        t("merge.provenance.research_pending")),
      provenance(item)))));
  });
  const empty = version.document.sections.length ? null : h("p", { class: "empty-hint",
    text: t("merge.no_accepted") });
  fill(els.document, h("article", { class: "persona-sheet" }, identity, ...sections, empty));
  delete els.document.dataset.empty;
  built = { id: version.id, items: itemIds(version) };
}

function itemIds(version) {
  return version.document.sections.flatMap((s) => s.items.map((i) => i.id)).join(",");
}

function fillFields(version) {
  for (const entry of fields.values()) entry.el.readOnly = !canWrite || locked(version);
  for (const [path, entry] of fields) {
    if (document.activeElement === entry.el || !entry.conflict.hidden) continue;
    const value = valueAt(version, path) ?? "";
    if (entry.el.value !== value) { entry.el.value = value; entry.base = null; autosize(entry.el); }
  }
  const identity = version.document.identity;
  const look = `${identity.name}|${identity.picture?.data?.length ?? 0}|${identity.picture?.data?.slice(-16) ?? ""}|${locked(version)}`;
  const hero = els.document.querySelector(".portrait-box, .portrait");
  if (hero && built?.look !== look) {
    const focused = hero.contains(document.activeElement) ? document.activeElement.id : null;
    hero.replaceWith(portrait(version)); // only when the picture or the name changed
    built.look = look;
    if (focused) { // keyboard users stay where they were (the avatar button may be gone)
      (document.getElementById(focused) ?? document.getElementById("picture-file"))?.focus();
    }
  }
}

function renderEmpty() {
  const accepted = [...state.assumptions.filter((a) => !a.group_id), ...state.groups]
    .filter((i) => i.persona_id === personaId && ["accepted", "reworded"].includes(i.decision?.decision)).length;
  // The server creates the document in the merge and agreed phases only; before that the
  // facilitator is told so and offered the move to merge (as the board's phase steps do).
  const ready = CREATE_PHASES.includes(state.workshop.phase);
  let action;
  if (isFacilitator && ready) {
    action = h("button", { class: "button button-primary", type: "button", id: "create-document",
      text: plural("merge.create", accepted),
      onclick: () => send("document.create", { persona_id: personaId }) });
  } else if (isFacilitator) {
    action = h("div", { class: "empty-action", id: "create-not-yet" },
      h("p", { class: "phase-note", text: t("merge.create.not_yet") }),
      h("button", { class: "button button-primary", type: "button", id: "move-to-merge",
        text: t("merge.create.move_to_merge"),
        onclick: () => send("phase.set", { phase: "merge" }) }));
  } else {
    action = h("p", { class: "muted", id: "create-not-yet",
      text: ready ? t("merge.create.wait") : t("merge.create.not_yet") });
  }
  const key = JSON.stringify([ready, accepted, isFacilitator]);
  if (built === null && els.document.dataset.empty === key) return; // the same: keep the focus
  const focused = els.document.contains(document.activeElement);
  fill(els.document, h("div", { class: "empty-state" },
    h("h3", { text: t("merge.empty.title") }),
    h("p", { text: t("merge.empty.text") }),
    action));
  els.document.dataset.empty = key;
  built = null;
  if (focused) (els.document.querySelector("#create-document, #move-to-merge"))?.focus();
}

/** The phase pill in the top bar follows the workshop's phase. */
function renderPhasePill() {
  const pill = document.querySelector(".phase-pill");
  if (!pill) return;
  const phase = state.workshop.phase;
  pill.textContent = t(`phase.${phase}`);
  pill.dataset.phase = phase;
  document.body.dataset.phase = phase;
}

// ---- versions, sign-off, exports, history ------------------------------------------------

function teamsWithMembers() {
  const teams = new Set(state.participants.filter((p) => p.team && !p.removed).map((p) => p.team));
  return state.workshop.teams.filter((team) => teams.has(team));
}

function renderVersion(version) {
  if (!version) { fill(els.version, h("p", { class: "muted", text: t("merge.version.none") })); return; }
  const draft = version.status === "draft";
  const teams = teamsWithMembers();
  const required = state.workshop.settings.require_signoff;
  const mine = me.team && version.signoffs[me.team];
  // With required sign-off the button says, before anyone presses it, who still has to sign.
  const missing = required ? teams.filter((team) => !version.signoffs[team]) : [];
  fill(els.version,
    h("p", { class: `version-chip ${draft ? "draft" : "agreed"}`, id: "version-chip",
      text: draft ? t("merge.version.draft", { n: version.number }) : t("merge.version.agreed", { n: version.number }) }),
    draft ? null : h("p", { class: "muted", text: t("merge.version.frozen", { name: nameOf(version.agreed_by),
      when: new Date(version.agreed_at).toLocaleString(locale), next: version.number + 1 }) }),
    draft ? null : phaseNote(),
    h("h3", { class: "panel-sub", text: required ? t("merge.signoff.required") : t("merge.signoff") }),
    h("ul", { class: "signoffs" }, ...teams.map((team) => {
      const signed = version.signoffs[team];
      return h("li", { class: signed ? "signed" : "" },
        h("span", { class: "signoff-mark", "aria-hidden": "true", text: signed ? "✓" : "·" }),
        h("span", { text: signed ? `${team} — ${signed.name}` : t("merge.signoff.not_yet", { team }) }));
    })),
    draft && canWrite && me.team && !mine ? h("button", { class: "button button-small", type: "button",
      id: "sign-off", text: t("merge.signoff.button", { team: me.team }),
      onclick: () => send("document.sign", { persona_id: personaId, number: version.number }) }) : null,
    draft ? h("p", { class: "muted small", text: t("merge.signoff.cleared") }) : null,
    draft && isFacilitator ? h("button", { class: "button button-primary", type: "button", id: "mark-agreed",
      text: t("merge.mark_agreed", { n: version.number }), disabled: missing.length > 0,
      "aria-describedby": missing.length ? "agree-waiting" : null,
      onclick: () => send("document.agree", { persona_id: personaId, number: version.number }) }) : null,
    draft && missing.length ? h("p", { class: "agree-waiting", id: "agree-waiting",
      text: t("merge.agree.waiting", { teams: missing.join(", ") }) }) : null,
    draft ? null : reopenControl(version));
}

/** Under an agreed version: whether the workshop reached Agreed, or which personas keep it in Merge. */
function phaseNote() {
  if (state.workshop.phase === "agreed") return h("p", { class: "agreed-phase", id: "phase-note", text: t("merge.phase.agreed") });
  const drafts = state.documents.filter((d) => d.status === "draft")
    .map((d) => state.personas.find((p) => p.id === d.persona_id)?.name).filter(Boolean);
  return drafts.length ? h("p", { class: "agreed-phase waiting", id: "phase-note",
    text: t("merge.phase.waiting", { names: drafts.join(", ") }) }) : null;
}

/** Reopening an agreed version: asked for, saying what it does, and perhaps the facilitator's alone. */
function reopenControl(version) {
  if (!canWrite) return null;
  const next = version.number + 1;
  if (state.workshop.settings.reopen_facilitator_only && !isFacilitator) {
    return h("p", { class: "muted small", id: "reopen-restricted", text: t("merge.reopen.restricted", { next }) });
  }
  const asking = reopen.number === version.number ? reopen.step : null;
  const setReopen = (step) => { reopen = { number: step ? version.number : null, step }; render(); };
  if (asking === "yes") {
    return h("div", { class: "reopen-box", id: "reopen-open" },
      h("p", { text: t("merge.reopen.open", { next }) }),
      h("button", { class: "button button-small", type: "button", text: t("common.cancel"), onclick: () => setReopen(null) }));
  }
  if (asking === "ask") {
    const signed = Object.keys(version.signoffs).length;
    return h("div", { class: "reopen-box", id: "reopen-confirm-box", role: "group", "aria-labelledby": "reopen-question" },
      h("p", { class: "reopen-question", id: "reopen-question", text: t("merge.reopen.question", { next }) }),
      h("p", { text: t("merge.reopen.explain", { n: version.number, next }) }),
      h("p", { text: signed ? plural("merge.reopen.signoffs", signed) : t("merge.reopen.no_signoffs") }),
      h("div", { class: "button-row" },
        h("button", { class: "button button-small button-primary", type: "button", id: "reopen-confirm",
          text: t("merge.reopen.confirm", { next }),
          onclick: () => { setReopen("yes"); els.document.querySelector(".field-input")?.focus(); } }),
        h("button", { class: "button button-small", type: "button", text: t("common.cancel"), onclick: () => setReopen(null) })));
  }
  return h("button", { class: "button button-small", type: "button", id: "reopen",
    text: t("merge.reopen.button", { next }),
    onclick: () => { setReopen("ask"); document.getElementById("reopen-confirm")?.focus(); } });
}

// Exports are fetched here rather than followed as plain links: the PDF takes a few seconds
// to typeset, so the page says it is working (a status line and a spinner), then hands the
// file over as a download, or says in words why it could not.
const EXPORT_FORMATS = { md: "Markdown", json: "JSON", pdf: "PDF", csv: "CSV" };

function renderExports(version) {
  const suffix = version ? `?version=${version.number}` : "";
  const status = h("p", { class: "export-status small", id: "export-status", role: "status" });
  const link = (href, text, format = null) => h("li", {}, h("a", { href, text,
    download: format ? "" : null, "data-format": format,
    target: format ? null : "_blank", rel: format ? null : "noopener",
    onclick: format ? (event) => { event.preventDefault(); downloadExport(event.currentTarget, status); } : null }));
  fill(els.exports,
    h("p", { class: "muted small", text: version && version.status === "draft" ? t("merge.export.draft") : "" }),
    h("ul", { class: "export-links" },
      link(`${base}/export.md${suffix}`, t("merge.export.md"), "md"),
      link(`${base}/export.json${suffix}`, t("merge.export.json"), "json"),
      link(`/w/${state.workshop.id}/persona/${personaId}/onepager${suffix}`, t("merge.export.onepager")),
      link(`${base}/export.pdf${suffix}`, t("merge.export.pdf"), "pdf"),
      link(`/api/workshops/${state.workshop.id}/export/assumptions.csv`, t("merge.export.csv"), "csv")),
    status,
    isFacilitator ? importForm() : null);
}

/** The file name the server gives in Content-Disposition, or a plain one. */
function filenameFrom(response, format) {
  const header = response.headers.get("Content-Disposition") ?? "";
  const match = header.match(/filename\*=UTF-8''([^;]+)/i) ?? header.match(/filename="?([^";]+)"?/i);
  if (!match) return `persona.${format}`;
  try { return decodeURIComponent(match[1]); } catch { return match[1]; }
}

async function downloadExport(link, status) {
  if (link.getAttribute("aria-disabled") === "true") return; // one at a time per format
  const format = EXPORT_FORMATS[link.dataset.format];
  link.setAttribute("aria-disabled", "true");
  link.classList.add("busy");
  fill(status, h("span", { class: "spinner", "aria-hidden": "true" }),
    h("span", { text: t("merge.export.preparing", { format }) }));
  status.dataset.state = "busy";
  try {
    let response;
    try {
      response = await fetch(link.href, { credentials: "same-origin" });
    } catch {
      throw new Error(t("api.unreachable"));
    }
    if (!response.ok) {
      const payload = await response.json().catch(() => ({}));
      throw new Error(payload.error ? errorText(payload.error) : t("api.status", { status: response.status }));
    }
    const blob = await response.blob();
    const filename = filenameFrom(response, link.dataset.format);
    const url = URL.createObjectURL(blob);
    const anchor = h("a", { href: url, download: filename, hidden: true });
    document.body.append(anchor);
    anchor.click();
    anchor.remove();
    setTimeout(() => URL.revokeObjectURL(url), 60000);
    status.dataset.state = "done";
    fill(status, h("span", { text: t("merge.export.ready", { file: filename }) }));
  } catch (error) {
    status.dataset.state = "error";
    fill(status, h("span", { text: t("merge.export.failed", { format, reason: error.message }) }));
  } finally {
    link.removeAttribute("aria-disabled");
    link.classList.remove("busy");
  }
}

function importForm() {
  const input = h("input", { type: "file", id: "import-json", accept: "application/json,.json" });
  const result = h("p", { class: "small", role: "status" });
  input.addEventListener("change", async () => {
    const file = input.files?.[0];
    input.value = "";
    if (!file) return;
    try {
      const exported = JSON.parse(await file.text());
      result.textContent = t("library.import.importing");
      const ack = await postJSON(`/api/workshops/${state.workshop.id}/personas/import`, { export: exported, op_id: newOpId() });
      connection.receive(ack.event);
      // Open the imported persona, and say there what came in (showImported).
      const { persona, source } = ack.event.data;
      result.textContent = t("merge.import.done", { name: persona.name });
      sessionStorage.setItem(`imported:${persona.id}`, JSON.stringify({ name: persona.name, ...source }));
      window.location.assign(`/w/${state.workshop.id}/persona/${persona.id}`);
    } catch (error) {
      result.textContent = error.message;
    }
  });
  return h("div", { class: "import-json" }, h("label", { for: "import-json", text: t("merge.import") }), input, result);
}

function renderHistory() {
  const versions = state.versions.filter((v) => v.persona_id === personaId);
  if (!versions.length) { fill(els.history, h("p", { class: "muted", text: t("merge.history.none") })); return; }
  const select = (id, chosen) => h("select", { id }, ...versions.map((v) => {
    const option = h("option", { value: String(v.number),
      text: t("merge.history.option", { n: v.number, status: STATUS_LABELS[v.status] ?? v.status }) });
    if (v.number === chosen) option.selected = true;
    return option;
  }));
  const last = versions[versions.length - 1].number;
  const from = select("diff-from", Math.max(1, last - 1));
  const to = select("diff-to", last);
  const output = document.getElementById("diff-output")
    ?? h("div", { class: "diff-output", id: "diff-output", "aria-live": "polite" });
  fill(els.history, 
    h("ol", { class: "history" }, ...versions.map((v) => h("li", {},
      h("span", { class: `version-dot ${v.status}`, "aria-hidden": "true" }),
      `${t("merge.history.item", { n: v.number, status: STATUS_LABELS[v.status] ?? v.status })}`
        + `${v.agreed_at ? ` · ${new Date(v.agreed_at).toLocaleDateString(locale)}` : ""}`))),
    versions.length > 1 ? h("div", { class: "diff-controls" },
      h("label", { for: "diff-from", text: t("merge.diff.compare") }), from,
      h("label", { for: "diff-to", text: t("merge.diff.with") }), to,
      h("button", { class: "button button-small", type: "button", id: "show-diff", text: t("merge.diff.show"),
        onclick: () => showDiff(from.value, to.value, output) })) : null,
    output);
}

async function showDiff(from, to, output) {
  output.textContent = t("merge.diff.comparing");
  const response = await fetch(`${base}/diff?from=${from}&to=${to}`, { credentials: "same-origin" });
  const body = await response.json();
  if (!response.ok) { output.textContent = body.error ? errorText(body.error) : t("merge.diff.error"); return; }
  const changed = body.rows.filter((r) => r.status !== "same");
  const table = h("table", { class: "diff-table" },
    h("caption", { text: plural("merge.diff.caption", changed.length,
      { from, to, same: body.rows.length - changed.length }) }),
    h("thead", {}, h("tr", {}, h("th", { scope: "col", text: t("merge.diff.field") }),
      h("th", { scope: "col", text: t("merge.diff.version", { n: from }) }),
      h("th", { scope: "col", text: t("merge.diff.version", { n: to }) }))),
    h("tbody", {}, ...changed.map((row) => {
      const old = h("td", { class: "diff-old" });
      const neu = h("td", { class: "diff-new" });
      old.innerHTML = row.old_html; // escaped by the server, changed words in <del>/<ins>
      neu.innerHTML = row.new_html;
      return h("tr", { class: `diff-${row.status}` }, h("th", { scope: "row", text: row.label }), old, neu);
    })));
  output.replaceChildren(table);
}

// ---- the A4 check ----------------------------------------------------------------

function scheduleFit() {
  clearTimeout(fitTimer);
  fitTimer = setTimeout(checkFit, 1200);
}

async function checkFit() {
  if (!current()) return;
  try {
    const response = await fetch(`${base}/fit`, { credentials: "same-origin" });
    const body = await response.json();
    els.fit.dataset.fits = String(body.fits);
    els.fit.textContent = body.fits ? t("merge.fit.yes")
      : t("merge.fit.no", { pages: body.pages });
  } catch {
    els.fit.textContent = t("merge.fit.error");
  }
}

// ---- render ----------------------------------------------------------------------

// ---- needs research: accepted before its category required research -------------------

/** The persona's items that need research now (the rule of workshop/domain/evidence.py):
 * accepted board items, and document items (support counted from today's links while the
 * item is on the board, else from the evidence it carries, as the exports count it). */
function needingResearch(version) {
  const required = requiredCategories(state);
  const index = linksByTarget(state.evidence);
  const entries = boardItems(state, personaId, index);
  const byId = new Map(entries.map((e) => [`${e.kind === "group" ? "g" : "a"}:${e.item.id}`, e]));
  const pending = new Map();
  for (const [id, e] of byId) {
    if (researchPending(e.item, e.category, e.links, required)) {
      pending.set(id, { id, entry: e, category: e.category,
        text: e.item.decision.decision === "reworded" ? e.item.decision.text : e.item.text ?? e.item.title });
    }
  }
  for (const section of version?.document.sections ?? []) {
    for (const item of section.items) {
      const links = byId.get(item.id)?.links ?? item.provenance.evidence;
      if (researchPending({ decision: { decision: "accepted" } }, section.category, links, required)) {
        pending.set(item.id, { id: item.id, entry: pending.get(item.id)?.entry, category: section.category,
          text: item.text, inDocument: true });
      }
    }
  }
  return [...pending.values()];
}

function renderResearch(version) {
  const pending = needingResearch(version);
  const ids = new Set(pending.filter((p) => p.inDocument).map((p) => p.id));
  for (const li of els.document.querySelectorAll(".persona-item[data-item]")) {
    const on = ids.has(li.dataset.item);
    li.classList.toggle("research-pending", on);
    for (const el of li.querySelectorAll(".research-flag, .research-row")) el.hidden = !on;
  }
  els.researchPanel.hidden = pending.length === 0;
  redraw(els.research, JSON.stringify([pending.map((p) => [p.id, p.text, !!p.entry]), isFacilitator]), () => {
    const category = (key) => translatedCategory(state.categories.find((c) => c.key === key) ?? { key, label: key }).label;
    fill(els.research,
      h("p", { class: "muted small", text: t("merge.research.intro") }),
      h("ul", { class: "research-list" }, ...pending.map((p) => h("li", { "data-item": p.id },
        h("span", { class: "research-text", text: p.text }),
        h("span", { class: "muted small", text: ` · ${category(p.category)}` }),
        isFacilitator && p.entry ? h("span", { class: "research-actions" },
          h("button", { class: "button button-small", type: "button", text: t("merge.research.park"),
            onclick: () => send("decision.set", { target_type: p.entry.kind, target_id: p.entry.item.id,
              decision: "parked", reason: t("merge.research.park_reason") }) }),
          h("a", { class: "button button-small", href: `/w/${state.workshop.id}`, text: t("merge.research.link") }))
          : null))),
      isFacilitator ? null : h("p", { class: "muted small", text: t("merge.research.wait") }));
  });
}

const drawn = new Map(); // panel element → the key it was last drawn for

/** Redraw a side panel only when what it shows changed, so a remote save elsewhere does not
 * take away a chosen diff, an import's result or the keyboard focus; focus comes back when
 * the panel does change. */
function redraw(el, key, draw) {
  if (drawn.get(el) === key) return;
  drawn.set(el, key);
  const focused = el.contains(document.activeElement) ? document.activeElement.id : null;
  draw();
  if (focused) document.getElementById(focused)?.focus();
}

function render() {
  const version = current();
  renderPhasePill();
  if (!version) renderEmpty();
  else if (!built || built.items !== itemIds(version)) {
    buildDocument(version);
    fillFields(version);
    for (const entry of fields.values()) autosize(entry.el);
  }
  else fillFields(version);
  redraw(els.version, JSON.stringify([version && [version.number, version.status, version.signoffs,
    version.agreed_by, version.agreed_at], teamsWithMembers(), state.workshop.settings.require_signoff,
  state.participants.map((p) => p.name), state.workshop.phase, state.workshop.settings.reopen_facilitator_only,
  state.documents.map((d) => d.status), reopen]), () => renderVersion(version));
  redraw(els.exports, JSON.stringify(version && [version.number, version.status]),
    () => renderExports(version));
  redraw(els.history, JSON.stringify(state.versions.filter((v) => v.persona_id === personaId)),
    renderHistory);
  renderResearch(version);
  renderEditing();
}

/** After an import, the imported persona's page says what was imported, and from where. */
function showImported() {
  const key = `imported:${personaId}`;
  let source;
  try { source = JSON.parse(sessionStorage.getItem(key) ?? "null"); } catch { source = null; }
  sessionStorage.removeItem(key);
  if (!source) return;
  const notice = document.getElementById("import-notice");
  notice.textContent = t("merge.import.notice", { name: source.name, workshop: source.workshop_title ?? "?",
    version: source.version ?? "?", status: STATUS_LABELS[source.status] ?? source.status ?? "" });
  notice.hidden = false;
}

showImported();
store.subscribe(render);
store.changed();
connection.start();
connection.socket.on("signal", receiveSignal);
checkFit();
