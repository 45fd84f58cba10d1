// The persona document's fields: each saved with the revision its editor started from, a stale
// save shown with both versions to choose from, others' saves taken in, and "X is editing".
import { fill, h } from "../dom.js";
import { errorText, plural, t } from "../messages.js";
import { announce, canWrite, current, me, nameOf, onEvent, personaId, send, signal, valueAt } from "./page.js";

const EDITING_TTL_MS = 15000;
const EDITING_REFRESH_MS = 10000;
export const fields = new Map(); // path → {el, base, conflict, wrapper}
const editing = new Map(); // path → Map(participant id → {name, until})

/** A text area as tall as its text (at least its rows), so the sheet reads like a document. */
export function autosize(el) {
  if (el.tagName !== "TEXTAREA" || !el.isConnected || el.hidden) return;
  el.style.height = "auto";
  el.style.height = `${el.scrollHeight + 2}px`; // + the borders (border-box)
}

let resizeTimer;

window.addEventListener("resize", () => {
  clearTimeout(resizeTimer);
  resizeTimer = setTimeout(() => { for (const entry of fields.values()) autosize(entry.el); }, 150);
});

/** Text as the board shows a note's: as written, line breaks kept (CSS), never as HTML. */
function plainText(read, text, editable) {
  const empty = !text.trim();
  read.classList.toggle("field-empty", empty);
  read.textContent = empty ? (editable ? t("merge.field.empty") : "—") : text;
}

/**
 * One field of the sheet. It reads as text (`render(readEl, text, editable)` draws it, plain
 * text unless told otherwise); a click on it, or its Edit button, opens the text box; leaving
 * the box saves and reads again, Escape cancels.
 */
export function fieldControl(path, label, kind, { rows = 2, cls = "", readId = null, editLabel = null,
  render = plainText, editInHead = true } = {}) {
  const id = `f-${path.replace(/[^a-z0-9]/gi, "-")}`;
  // A "line" is one line of text that wraps (the persona's name, long on a phone): a text
  // area that Enter saves, like an input, and that keeps no line breaks.
  const control = kind === "input"
    ? h("input", { id, type: "text", class: `field-input ${cls}`, maxlength: "5000", autocomplete: "off" })
    : h("textarea", { id, class: `field-input ${cls}${kind === "line" ? " field-line" : ""}`,
      rows: kind === "line" ? "1" : String(rows), maxlength: "5000" });
  control.readOnly = !canWrite;
  control.hidden = true;
  const who = h("span", { class: "field-editing", "aria-live": "polite" });
  const note = h("p", { class: "field-note", role: "status" });
  const conflict = h("div", { class: "field-conflict", hidden: true });
  const read = h("div", { class: `field-read ${cls}`, id: readId ?? `${id}-read` });
  // The board's pattern: a quiet "Edit" beside the text, named for its field, and the text
  // itself (the field's value) read out as its description.
  const edit = h("button", { class: "icon-button field-edit", type: "button", text: t("common.edit"),
    "aria-label": editLabel ?? t("merge.field.edit", { field: label }), "aria-controls": id,
    "aria-describedby": render === plainText ? read.id : false,
    onclick: (event) => openField(path, { keyboard: event.detail === 0 }) });
  // Beside the label, so the text keeps the field's whole width; a trait, whose label only
  // screen readers hear, has it beside the text.
  const view = h("div", { class: "field-view" }, read, editInHead ? null : edit);
  const wrapper = h("div", { class: "field", "data-path": path },
    h("div", { class: "field-head" }, h("label", { class: "field-label", for: id, text: label }), who,
      editInHead ? edit : null),
    view, control, note, conflict);
  const entry = { el: control, base: null, wrapper, who, note, conflict, saving: false, editing: false,
    kind, read, edit, view, render, shown: null };
  entry.refresh = () => refresh(entry);
  fields.set(path, entry);
  read.addEventListener("click", (event) => {
    // A link in the story is followed, and text being selected to copy stays selected.
    if (event.target.closest("a") || !document.getSelection()?.isCollapsed) return;
    openField(path);
  });
  let keepAlive;
  control.addEventListener("input", () => {
    if (kind === "line" && /[\r\n]/.test(control.value)) control.value = control.value.replace(/\s*[\r\n]+\s*/g, " ");
    autosize(control);
  });
  control.addEventListener("focus", () => {
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
    // Leaving reads again; a conflict keeps the box open until it is resolved.
    if (entry.conflict.hidden) closeField(entry);
  });
  control.addEventListener("keydown", (event) => {
    const submit = event.key === "Enter" && (kind !== "textarea" || event.ctrlKey || event.metaKey);
    if (submit) {
      event.preventDefault();
      if (entry.conflict.hidden) leave(entry); // the blur saves
      else save(path); // both versions stay in view until one is chosen
    }
    if (event.key === "Escape") {
      event.preventDefault();
      control.value = valueAt(current(), path) ?? "";
      entry.base = current().revisions[path]?.rev ?? 0;
      entry.note.textContent = "";
      hideConflict(entry);
      leave(entry);
    }
  });
  refresh(entry);
  return wrapper;
}

/** Whether this person may change the field now (not an observer, not a locked version). */
function editable(entry) {
  return canWrite && !entry.el.readOnly;
}

/** Open a field's text box with its current text, the caret at its end (or, reached by the
 * keyboard, a line's text selected, like an input's, ready to retype). */
export function openField(path, { keyboard = false, focus = true } = {}) {
  const entry = fields.get(path);
  if (!entry || !editable(entry)) return;
  if (!entry.editing) {
    entry.editing = true;
    refresh(entry);
  }
  if (!focus) return;
  entry.el.focus();
  const end = entry.el.value.length;
  if (keyboard && entry.kind === "line") entry.el.select();
  else entry.el.setSelectionRange(end, end);
}

/** Back to reading: focus goes to the field's Edit button, and the blur that makes saves. */
function leave(entry) {
  entry.view.hidden = false;
  entry.edit.hidden = !editable(entry);
  if (!entry.edit.hidden) entry.edit.focus();
  if (document.activeElement === entry.el) entry.el.blur();
  if (entry.conflict.hidden) closeField(entry);
}

function closeField(entry) {
  entry.editing = false;
  refresh(entry);
}

/** Show the field as it is now: its box while editing, else its text (drawn again only when
 * the text, or whether it may be edited, changed). */
function refresh(entry) {
  const may = editable(entry);
  if (!may && entry.editing && document.activeElement !== entry.el) entry.editing = false;
  entry.el.hidden = !entry.editing;
  entry.view.hidden = entry.editing;
  entry.edit.hidden = !may || entry.editing;
  entry.wrapper.classList.toggle("editable", may);
  entry.wrapper.classList.toggle("editing", entry.editing);
  if (entry.editing) { autosize(entry.el); return; }
  const key = `${may}|${entry.el.value}`;
  if (entry.shown === key) return;
  entry.shown = key;
  entry.render(entry.read, entry.el.value, may);
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
    if (!entry.editing) { entry.el.value = text; refresh(entry); } // read as saved (trimmed)
    setTimeout(() => { if (entry.note.textContent === t("merge.saved")) entry.note.textContent = ""; }, 2500);
  } else if (ack.error.code === "conflict" && ack.error.details) {
    entry.note.textContent = "";
    showConflict(path, ack.error.details);
  } else {
    entry.note.textContent = errorText(ack.error);
    openField(path, { focus: false }); // the refused text stays in its box, to fix or Escape
  }
}

function showConflict(path, details) {
  const entry = fields.get(path);
  const theirs = details.current;
  entry.conflict.hidden = false;
  openField(path, { focus: false }); // both versions beside the box, whoever left it meanwhile
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
        onclick: () => { resolve(theirs.value); entry.base = null; leave(entry); } }),
      h("button", { class: "button button-small button-primary", type: "button", text: t("merge.conflict.keep_mine"),
        onclick: () => {
          hideConflict(entry);
          entry.el.value = details.yours ?? "";
          leave(entry);
          save(path, { value: details.yours, baseRev: theirs.rev });
        } }),
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

function dropEditing(path, participantId) {
  editing.get(path)?.delete(participantId);
  renderEditing();
}

export function receiveSignal(message) {
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

onEvent((event) => {
  if (event.type === "document.saved") remoteSave(event);
});

/** The panel's render: who is editing which field. */
export const render = renderEditing;
