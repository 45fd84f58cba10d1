// The persona document as a sheet of fields (identity, then a section per category), or,
// before it exists, what it will be and how to create it.
import { translatedCategory } from "../categories.js";
import { postJSON } from "../api.js";
import { fill, h } from "../dom.js";
import { plural, t } from "../messages.js";
import { fieldControl, fields } from "./fields.js";
import { canWrite, current, els, isFacilitator, locked, personaId, send, state, valueAt } from "./page.js";
import { portrait } from "./portrait.js";
import { PART_LABELS, provenance } from "./provenance.js";
import { phase } from "../registry.js";
import { representsText } from "../represents.js";

const IDENTITY = [
  ["name", t("merge.identity.name"), "line"], ["quote", t("merge.identity.quote"), "textarea"],
  // Lines, not inputs: a long location or role wraps instead of being cut at the box's edge.
  ["role", t("merge.identity.role"), "line"], ["age_range", t("merge.identity.age_range"), "line"],
  ["location", t("merge.identity.location"), "line"], ["story", t("merge.identity.story"), "textarea"],
];

let built = null; // the version id and item ids the form was built for

function buildDocument(version) {
  fields.clear();
  const identity = h("header", { class: "persona-hero" }, portrait(version),
    h("div", { class: "persona-who" },
      // The segment it stands for, as the board's persona tab says it (kept current below).
      h("p", { class: "persona-represents", id: "persona-represents", hidden: true }),
      ...IDENTITY.map(([key, label, kind]) => fieldControl(`identity.${key}`, label, kind,
        key === "story" ? STORY : { rows: 1, cls: `field-${key}` }))));
  const sections = version.document.sections.map((section) => {
    const label = translatedCategory({ key: section.category, label: section.label }).label;
    return h("section", {
      class: `persona-section cat-${section.category}`, "aria-labelledby": `sec-${section.category}` },
    h("h3", { id: `sec-${section.category}`, text: label }),
    h("ol", { class: "persona-items" }, ...section.items.map((item) => h("li", { class: "persona-item", "data-item": item.id },
      // A trait reads as the board shows its note: the text as written, never as HTML.
      fieldControl(`items.${item.id}`, t("merge.trait", { category: label }), "textarea",
        { rows: 1, cls: "field-item", editLabel: t("merge.trait.edit", { category: label }), editInHead: false }),
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

// ---- the story: read as rendered Markdown, edited on request -----------------------------

let storyShown = null; // the Markdown the story's reading shows, or is being rendered from
let storyHtml = { markdown: null, html: "" }; // the last rendering, reused when only locking changed

const STORY = { rows: 3, cls: "field-story", readId: "story-read", editLabel: t("merge.story.edit"),
  render: renderStory };

/** The server's sanitised HTML of the story (one request per change of its text, not per
 * render); the empty story says so to those who may write it. */
async function renderStory(read, markdown, editable) {
  storyShown = markdown;
  read.classList.add("prose");
  read.classList.toggle("field-empty", !markdown.trim());
  if (!markdown.trim()) {
    read.replaceChildren(h("p", { class: "story-empty", text: editable ? t("merge.story.empty") : "—" }));
    return;
  }
  if (storyHtml.markdown === markdown) { read.innerHTML = storyHtml.html; return; } // sanitised, below
  try {
    const answer = await postJSON(`/api/workshops/${encodeURIComponent(state.workshop.id)}/preview`,
      { body: markdown });
    storyHtml = { markdown, html: answer.html };
    if (storyShown === markdown) read.innerHTML = answer.html; // rendered and sanitised by the server
  } catch {
    // Offline or refused: the text as written (never as HTML), until it changes again.
    if (storyShown === markdown) read.textContent = markdown;
  }
}

function itemIds(version) {
  return version.document.sections.flatMap((s) => s.items.map((i) => i.id)).join(",");
}

function fillFields(version) {
  for (const [path, entry] of fields) {
    entry.el.readOnly = !canWrite || locked(version);
    // Others' saves reach the text being read, never the text being typed or saved here.
    if (!entry.editing && !entry.saving && entry.conflict.hidden) {
      const value = valueAt(version, path) ?? "";
      if (entry.el.value !== value) { entry.el.value = value; entry.base = null; }
    }
    entry.refresh();
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
  const ready = Boolean(phase(state.workshop.phase).document);
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

/** "Represents: Urban families, 4,210 customers (18%), …", live as ties and sizes change. */
function showRepresents() {
  const line = els.document.querySelector("#persona-represents");
  if (!line) return;
  const text = representsText(state, personaId);
  if (line.textContent !== text) line.textContent = text;
  line.hidden = !text;
}

export function render() {
  const version = current();
  if (!version) renderEmpty();
  else if (!built || built.items !== itemIds(version)) {
    buildDocument(version);
    fillFields(version);
  }
  else fillFields(version);
  showRepresents();
}
