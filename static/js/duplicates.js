// Likely duplicates while reconciling: pairs of notes the server finds alike (GET …/duplicates,
// computed in its worker pool), each with "Group them" (the grouping op, or merging two groups)
// and "Skip". Shown to the facilitator on the board in the reconcile phase.
import { h } from "./dom.js";
import { t } from "./messages.js";

const REFETCH_MS = 800;
const GROUPING = new Set(["assumption.added", "assumption.edited", "assumption.deleted",
  "assumptions.grouped", "assumptions.ungrouped", "assumptions.revealed", "persona.deleted"]);

export function createDuplicates(ui) {
  const { state, me, send } = ui;
  const root = document.getElementById("duplicates");
  if (!root || me.role !== "facilitator") return { render() {} };
  const skipped = new Set(); // "id|id" of pairs skipped on this page
  let answer = null;
  let timer = null;
  let loadedFor = null;
  let collapsed = true; // a one-line bar until asked: the notes stay above the fold
  let renderedKey = null;

  async function load() {
    timer = null;
    const persona = ui.store.activePersona();
    if (!persona) return;
    try {
      const response = await fetch(`/api/workshops/${encodeURIComponent(state.workshop.id)}/duplicates`
        + `?persona=${encodeURIComponent(persona)}`, { credentials: "same-origin" });
      if (!response.ok) return;
      answer = await response.json();
      loadedFor = persona;
      ui.store.changed();
    } catch {
      // Offline: the next change fetches again.
    }
  }

  function schedule(delay = REFETCH_MS) {
    if (!timer) timer = setTimeout(load, delay);
  }
  ui.onEvent((event) => { if (wanted() && GROUPING.has(event.type)) schedule(); });

  function wanted() {
    return state.workshop.phase === "reconcile" && ui.store.view === "board";
  }

  const pairKey = (s) => s.notes.map((n) => n.id).sort().join("|");
  const quote = (text) => (text.length > 90 ? `${text.slice(0, 88)}…` : text);

  async function accept(suggestion) {
    const [first, second] = suggestion.notes;
    let ack;
    if (first.group_id && second.group_id) {
      ack = await send("group.merge", { id: second.group_id, onto_id: first.group_id });
    } else if (second.group_id) {
      ack = await send("group.add", { assumption_id: first.id, onto_id: second.id });
    } else {
      ack = await send("group.add", { assumption_id: second.id, onto_id: first.id });
    }
    if (ack.ok) skipped.add(pairKey(suggestion)); // gone from the list at once; the refetch agrees
    ui.store.changed();
  }

  function item(suggestion) {
    const [first, second] = suggestion.notes;
    const both = first.group_id && second.group_id;
    const side = (note) => h("blockquote", { class: "dup-note" },
      h("span", { class: "dup-text", text: quote(note.text) }),
      note.group_id ? h("span", { class: "dup-tag", text: t("dup.in_group") }) : null);
    return h("li", { class: "dup-pair", "data-pair": pairKey(suggestion) },
      h("div", { class: "dup-notes" }, side(first), h("span", { class: "dup-same", "aria-hidden": "true", text: "≈" }),
        side(second)),
      h("div", { class: "dup-actions" },
        h("button", { class: "button button-small button-primary", type: "button",
          text: both ? t("dup.merge_groups") : t("dup.group"),
          "aria-label": t("dup.group_label", { first: quote(first.text), second: quote(second.text) }),
          onclick: () => accept(suggestion) }),
        h("button", { class: "button button-small", type: "button", text: t("dup.skip"),
          "aria-label": t("dup.skip_label", { first: quote(first.text), second: quote(second.text) }),
          onclick: () => { skipped.add(pairKey(suggestion)); ui.store.changed(); } })));
  }

  function render() {
    const show = wanted();
    const persona = ui.store.activePersona();
    if (show && (loadedFor !== persona || answer === null)) schedule(0);
    const open = show && answer && loadedFor === persona
      ? answer.suggestions.filter((s) => !skipped.has(pairKey(s))) : [];
    root.hidden = !show || !answer || loadedFor !== persona || (!open.length && collapsed);
    if (root.hidden) return;
    const key = JSON.stringify([open.map(pairKey), collapsed]);
    if (key === renderedKey) return;
    renderedKey = key;
    const toggle = h("button", { class: "button button-small dup-toggle", type: "button",
      "aria-expanded": String(!collapsed), "aria-controls": "dup-list",
      text: collapsed ? t("dup.show") : t("dup.hide"),
      onclick: () => { collapsed = !collapsed; ui.store.changed(); } });
    root.classList.toggle("collapsed", collapsed);
    root.replaceChildren(
      h("div", { class: "dup-head" },
        h("h2", { id: "duplicates-heading", text: `${t("dup.heading")} (${open.length})` }), toggle),
      collapsed ? "" : h("p", { class: "dup-intro", text: open.length ? t("dup.intro") : t("dup.none") }),
      collapsed ? "" : h("ul", { class: "dup-list", id: "dup-list" }, ...open.map(item)));
  }

  return { render };
}
