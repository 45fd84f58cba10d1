// The page's one store: the server's state, kept current by the reducer (state.js) from the
// snapshot and the events, and a small UI state (the open view, the active persona). Panels
// subscribe and render from it; only the entry module (board.js, merge.js) lists the panels.
import { applyEvent } from "./state.js";

/** The board page's views, one open at a time (the switch in the toolbar). */
export const VIEWS = ["board", "divergence", "research", "data", "plan"];

/** A store over `snapshot` (the page's embedded state, kept and updated in place). The UI
 *  state outlives a reload in `storage` (sessionStorage: per tab, like the view someone chose). */
export function createStore(snapshot, { storage = globalThis.sessionStorage } = {}) {
  const state = snapshot;
  const keys = { view: `view:${state.workshop.id}`, persona: `persona:${state.workshop.id}` };
  const read = (key) => {
    try { return storage?.getItem(key) ?? null; } catch { return null; }
  };
  const write = (key, value) => {
    try { storage?.setItem(key, value); } catch { /* blocked storage: the choice lasts this page */ }
  };
  const ui = { view: VIEWS.includes(read(keys.view)) ? read(keys.view) : "board", persona: read(keys.persona) };
  const listeners = [];

  const store = {
    state,

    /** The view open on the board page: "board", "divergence", "research", "data" or "plan". */
    get view() { return ui.view; },

    /** The persona shown: the one chosen while it exists, else the first one (or undefined). */
    activePersona() {
      if (!state.personas.some((p) => p.id === ui.persona)) ui.persona = state.personas[0]?.id;
      return ui.persona;
    },

    /** Open a view; `render: false` when the caller renders itself right after. */
    setView(view, { render = true } = {}) {
      if (!VIEWS.includes(view) || view === ui.view) return;
      ui.view = view;
      write(keys.view, view);
      if (render) store.changed();
    },

    selectPersona(id) {
      ui.persona = id;
      write(keys.persona, id);
      store.changed();
    },

    /** Call `listener()` after every change, in the order subscribed. */
    subscribe(listener) {
      listeners.push(listener);
    },

    /** Something changed (server state or UI state): every panel renders. */
    changed() {
      for (const listener of listeners) listener();
    },

    /** Apply one server event in place: "applied", "old" or "gap" (see state.js). */
    apply(event) {
      return applyEvent(state, event);
    },

    /** Take a fresh snapshot from a sync, keeping who we are. */
    replace(snapshot) {
      Object.assign(state, snapshot, { me: state.me });
    },
  };
  return store;
}
