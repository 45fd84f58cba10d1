// The board's keyboard shortcuts (listed in help.js): N a new note, a stance on the note in
// focus by the first letter of its word in the page's language (A / D / U in English, E / O / W
// in Dutch: the catalogue's help.letter.*), J / K the next and previous note, T its thread.
// None fires while someone types in a field, with a modifier held, or over a dialog.

import { t } from "./messages.js";

/** Each stance with its key in the page's language (upper case) and what the key does. */
function stanceLetters() {
  return [
    ["agree", t("help.letter.agree"), t("help.key.agree")],
    ["disagree", t("help.letter.disagree"), t("help.key.disagree")],
    ["unsure", t("help.letter.unsure"), t("help.key.unsure")],
  ].map(([stance, letter, text]) => [stance, letter.toUpperCase(), text]);
}

/** The stance keys of the page's language, lower case: { letter: stance }. */
function stanceKeys() {
  return Object.fromEntries(stanceLetters().map(([stance, letter]) => [letter.toLowerCase(), stance]));
}

/** The keys and what they do, in help order: [keys, description]. */
export function boardShortcuts() {
  return [
    ["N", t("help.key.new_note")],
    ...stanceLetters().map(([, letter, text]) => [letter, text]),
    ["J / K", t("help.key.next_note")], ["T", t("help.key.thread")],
  ];
}

const typing = (el) => el && (el.isContentEditable || /^(INPUT|TEXTAREA|SELECT)$/.test(el.tagName));

/** The note element that holds the focus (the note itself, or a control inside it). */
function focusedNote() {
  return document.activeElement?.closest?.("li.note") ?? null;
}

/** The notes a person can see now, in reading order (columns, then top to bottom). */
function visibleNotes() {
  return [...document.querySelectorAll("#columns li.note")].filter((el) => el.offsetParent !== null);
}

function moveFocus(step) {
  const notes = visibleNotes();
  if (!notes.length) return;
  const at = notes.indexOf(focusedNote());
  const next = at < 0 ? (step > 0 ? 0 : notes.length - 1) : Math.min(notes.length - 1, Math.max(0, at + step));
  notes[next].focus();
  notes[next].scrollIntoView({ block: "nearest" });
}

function newNote() {
  const button = document.getElementById("new-note");
  if (button && button.offsetParent !== null) { button.click(); return; }
  // The box of the column in focus, else the first column's.
  const column = focusedNote()?.closest("section.column") ?? document.querySelector("#columns section.column");
  const box = column?.querySelector("form.add-note textarea");
  if (box) { box.focus(); box.scrollIntoView({ block: "nearest" }); }
}

function press(selector) {
  const note = focusedNote();
  const button = note?.querySelector(selector);
  if (!button || button.disabled) return;
  button.click();
  // The note is rebuilt after its event: keep the focus on it (by id), for the next key.
  const id = note.dataset.id;
  requestAnimationFrame(() => {
    if (!document.activeElement || document.activeElement === document.body) {
      document.querySelector(`li.note[data-id="${id}"]`)?.focus();
    }
  });
}

/** Listen for the board's shortcuts on `root` (the document). */
export function setUpShortcuts(root = document) {
  const stances = stanceKeys();
  root.addEventListener("keydown", (event) => {
    if (event.ctrlKey || event.metaKey || event.altKey || event.defaultPrevented) return;
    if (typing(event.target) || document.querySelector("dialog[open]")) return;
    if (document.getElementById("columns")?.hidden) return; // another view is open
    const key = event.key.toLowerCase();
    if (key === "n") newNote();
    else if (Object.hasOwn(stances, key)) press(`.stance-button.stance-${stances[key]}`);
    else if (key === "j") moveFocus(1);
    else if (key === "k") moveFocus(-1);
    else if (key === "t") press(".thread-toggle");
    else return;
    event.preventDefault();
  });
}
