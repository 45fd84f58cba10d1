// The persona tabs above the board: one per persona, with its note count; the arrow keys
// move between them, and the chosen one is the store's active persona.
import { h } from "./dom.js";
import { plural } from "./messages.js";

export function createPersonaTabs({ store }) {
  const { state } = store;
  const el = document.getElementById("persona-tabs");

  function render() {
    const activePersona = store.activePersona();
    el.replaceChildren(...state.personas.map((persona) => {
      const selected = persona.id === activePersona;
      const count = state.assumptions.filter((a) => a.persona_id === persona.id).length;
      return h("button", {
        class: "persona-tab", role: "tab", type: "button", "aria-selected": String(selected),
        tabindex: selected ? "0" : "-1", "data-id": persona.id,
        onclick: () => store.selectPersona(persona.id),
        onkeydown: tabKeys,
      }, h("span", { class: "persona-tab-name", text: persona.name }),
      h("span", { class: "count", text: String(count), "aria-label": plural("board.notes_count", count) }));
    }));
    // The merge view of the persona shown: its document, versions and exports.
    const docLink = document.getElementById("persona-doc-link");
    if (docLink && activePersona) docLink.href = `/w/${state.workshop.id}/persona/${activePersona}`;
  }

  function tabKeys(event) {
    const index = state.personas.findIndex((p) => p.id === store.activePersona());
    const step = { ArrowRight: 1, ArrowLeft: -1 }[event.key];
    if (!step) return;
    const next = state.personas[(index + step + state.personas.length) % state.personas.length];
    store.selectPersona(next.id);
    el.querySelector(`[data-id="${next.id}"]`)?.focus();
  }

  return { render };
}
