// The persona tabs above the board: one per persona, with its note count; the arrow keys
// move between them, and the chosen one is the store's active persona. The facilitator
// deletes the shown persona after a confirmation dialog (docs/protocol.md, persona.delete).
import { h } from "./dom.js";
import { plural, t } from "./messages.js";

export function createPersonaTabs({ store, send }) {
  const { state } = store;
  const el = document.getElementById("persona-tabs");
  document.getElementById("persona-delete")?.addEventListener("click", confirmDelete);

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

  /** Why the persona may not be deleted (the server's rules, said before asking), or null. */
  function refusal(id) {
    if (state.personas.length <= 1) return t("board.persona.delete_last");
    const agreed = state.versions.some((v) => v.persona_id === id && v.status === "agreed");
    return agreed ? t("board.persona.delete_agreed") : null;
  }

  function confirmDelete(event) {
    const back = event.currentTarget;
    const persona = state.personas.find((p) => p.id === store.activePersona());
    if (!persona) return;
    const why = refusal(persona.id);
    const notes = state.assumptions.filter((a) => a.persona_id === persona.id).length;
    const hasDocument = state.documents.some((d) => d.persona_id === persona.id);
    const cancel = h("button", { class: "button", type: "button", text: t(why ? "common.close" : "common.cancel") });
    const remove = h("button", { class: "button button-danger-solid", type: "button", text: t("board.persona.delete") });
    const dialog = h("dialog", { class: "help-dialog persona-delete-dialog", "aria-labelledby": "persona-delete-title" },
      h("h2", { id: "persona-delete-title", text: t("board.persona.delete_title", { name: persona.name }) }),
      h("p", { text: why ?? `${plural("board.persona.delete_notes", notes)}${
        hasDocument ? ` ${t("board.persona.delete_document")}` : ""} ${t("board.persona.delete_final")}` }),
      h("div", { class: "dialog-actions" }, cancel, ...(why ? [] : [remove])));
    cancel.addEventListener("click", () => dialog.close());
    remove.addEventListener("click", async () => {
      remove.disabled = true;
      const ack = await send("persona.delete", { id: persona.id, confirm: true });
      if (ack.ok) dialog.close(); else remove.disabled = false;
    });
    dialog.addEventListener("close", () => { dialog.remove(); if (back.isConnected) back.focus(); });
    document.body.append(dialog);
    dialog.showModal();
    cancel.focus();
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
