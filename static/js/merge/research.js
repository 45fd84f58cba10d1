// "Needs research": the persona's accepted items whose category requires research they lack,
// flagged in the document and listed in a panel (parking one is the facilitator's).
import { translatedCategory } from "../categories.js";
import { fill, h } from "../dom.js";
import { boardItems, linksByTarget, requiredCategories, researchPending } from "../evidence.js";
import { t } from "../messages.js";
import { current, els, isFacilitator, personaId, redraw, send, state } from "./page.js";

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

export function render() {
  renderResearch(current());
}
