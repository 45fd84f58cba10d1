// The validation backlog's 2×2 as a picture: each trait on importance × evidence. The placement
// is the server's (GET …/review, workshop/domain/backlog.py); the persona page (merge/after.js)
// and the board's research-plan view (research-plan.js) both draw it with this one function.
import { h } from "./dom.js";
import { t } from "./messages.js";

/** The quadrants in reading order: top row (more important) first, untested on the left. */
export const QUADRANTS = ["research_now", "rely_on", "watch", "fine"];
// Each label written out, so the catalogue test sees every key in use.
const QUADRANT_LABELS = { research_now: t("after.quadrant.research_now"), rely_on: t("after.quadrant.rely_on"),
  watch: t("after.quadrant.watch"), fine: t("after.quadrant.fine") };
const EVIDENCE_LABELS = { validated: t("after.evidence.validated"), contradicted: t("after.evidence.contradicted"),
  untested: t("after.evidence.untested") };

/** The backlog's entries sorted into their quadrants: {quadrant: [entry, …]}. */
export function byQuadrant(placed) {
  return Object.fromEntries(QUADRANTS.map((q) => [q, placed.filter((p) => p.quadrant === q)]));
}

function quadrantCell(quadrant, entries, prefix) {
  const heading = `${prefix}-q-${quadrant}`;
  return h("div", { class: `quadrant quadrant-${quadrant}`, role: "group", "aria-labelledby": heading,
    "data-quadrant": quadrant },
  h("h3", { id: heading, text: `${QUADRANT_LABELS[quadrant]} (${entries.length})` }),
  entries.length ? h("ul", {}, ...entries.map((entry) => h("li", { class: `evidence-${entry.evidence}` },
    h("span", { class: "state-dot", "aria-hidden": "true" }),
    h("span", { text: entry.text }),
    h("span", { class: "sr-only", text: ` (${EVIDENCE_LABELS[entry.evidence]})` }))))
    : h("p", { class: "quadrant-empty", text: t("after.quadrant.empty") }));
}

/** The figure for `placed` (the review answer's `backlog`), its caption the text alternative:
 *  how many traits are in each quadrant. `id` names the figure and prefixes its headings' ids. */
export function backlogFigure(placed, { id = "backlog-figure" } = {}) {
  const cells = byQuadrant(placed);
  const summary = t("after.backlog.summary", Object.fromEntries(QUADRANTS.map((q) => [q, cells[q].length])));
  return h("figure", { class: "backlog-figure", id },
    h("div", { class: "backlog-axes" },
      h("span", { class: "axis axis-y", "aria-hidden": "true", text: t("after.axis.importance") }),
      h("div", { class: "backlog-grid" }, ...QUADRANTS.map((q) => quadrantCell(q, cells[q], id)))),
    h("p", { class: "axis axis-x", "aria-hidden": "true", text: t("after.axis.evidence") }),
    h("figcaption", { text: summary }));
}
