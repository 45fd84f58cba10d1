// What every part of the merge page shares: the store, the persona shown, the connection and
// sending ops, the page's elements, and small lookups into the persona document.
import { Connection } from "../connection.js";
import { capital, toaster } from "../dom.js";
import { errorText, t } from "../messages.js";
import { showRemoved } from "../removed.js";
import { statusLine } from "../status-line.js";
import { createStore } from "../store.js";

export const store = createStore(JSON.parse(document.getElementById("snapshot").textContent));
export const { state } = store;
export const me = state.me;
export const personaId = document.querySelector(".merge-layout").dataset.persona;
export const isFacilitator = me.role === "facilitator";
export const canWrite = me.role !== "observer";
export const base = `/api/workshops/${state.workshop.id}/personas/${personaId}`;
export const STATUS_LABELS = { draft: t("merge.status.draft"), agreed: t("merge.status.agreed") };

export const els = {
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

// Reopening an agreed version starts the next one and clears its sign-offs, so the page asks
// first: "ask" while the question is shown, "yes" once confirmed (for that version number).
export const reopen = { number: null, step: null };

const toast = (message) => showToast(capital(message));

export function announce(text) {
  els.announcer.textContent = text;
}

export function nameOf(id) {
  return state.participants.find((p) => p.id === id)?.name ?? t("merge.someone");
}

export function current() {
  return state.documents.find((d) => d.persona_id === personaId) ?? null;
}

export function valueAt(version, path) {
  const [kind, key] = [path.slice(0, path.indexOf(".")), path.slice(path.indexOf(".") + 1)];
  if (kind === "identity") return version.document.identity[key];
  for (const section of version.document.sections) {
    for (const item of section.items) if (item.id === key) return item.text;
  }
  return undefined;
}

/** An agreed version nobody here has chosen to reopen: its fields are read only. */
export function locked(version) {
  if (version.status !== "agreed") return false;
  if (state.workshop.settings.reopen_facilitator_only && !isFacilitator) return true;
  return !(reopen.number === version.number && reopen.step === "yes");
}

export const connection = new Connection(store, {
  onEvent: (event) => {
    if (event.type === "participant.removed" && event.data.id === me.id) showRemoved();
    if (event.data?.persona_id !== personaId) return;
    if (event.type === "document.agreed") announce(t("merge.announce.agreed", { n: event.data.number }));
    if (event.type === "document.signed") announce(t("merge.announce.signed", { team: event.data.team }));
    for (const listener of eventListeners) listener(event);
  },
  onPresence: () => {},
  onStatus: statusLine(els.status, announce, { readOnly: !canWrite }),
  onError: (ack) => toast(errorText(ack.error)),
});

export async function send(type, data, { quiet = false } = {}) {
  const ack = await connection.op(type, data);
  if (!ack.ok && !quiet) toast(errorText(ack.error));
  return ack;
}

export function signal(path) {
  if (!canWrite || !connection.socket?.connected) return;
  connection.socket.emit("signal", { type: "editing", persona_id: personaId, path });
}

const drawn = new Map(); // panel element → the key it was last drawn for

/** Redraw a side panel only when what it shows changed, so a remote save elsewhere does not
 * take away a chosen diff, an import's result or the keyboard focus; focus comes back when
 * the panel does change. */
export function redraw(el, key, draw) {
  if (drawn.get(el) === key) return;
  drawn.set(el, key);
  const focused = el.contains(document.activeElement) ? document.activeElement.id : null;
  draw();
  if (focused) document.getElementById(focused)?.focus();
}

const eventListeners = []; // the parts that react to this persona's events (see onEvent)

/** Call `listener(event)` for each applied event about this persona. */
export function onEvent(listener) {
  eventListeners.push(listener);
}
