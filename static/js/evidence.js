// Evidence rules: an item's evidence state, and a persona's coverage and assumption debt.
// Pure functions of the board state — the same rules as workshop/domain/evidence.py:
//   state: any contradicting link → contradicted, else any supporting → validated, else untested;
//   coverage: accepted items (accepted or reworded) with a supporting link / accepted items,
//             null when nothing is accepted; debt: accepted items with no supporting link.
// A group's evidence is its own links plus its member notes' links. Data checks count as
// links too (dataLinks below).
//   research pending: accepted, in a category of the `require_evidence` setting, no supporting
//   link (accepted before research was required, no evidence yet).
import { t } from "./messages.js";

export const SOURCE_TYPES = [
  ["interview", t("source.interview")],
  ["survey", t("source.survey")],
  ["analytics", t("source.analytics")],
  ["support", t("source.support")],
  ["desk", t("source.desk")],
  ["other", t("source.other")],
];

export const SOURCE_LABELS = Object.fromEntries(SOURCE_TYPES);

export const EVIDENCE_STATES = ["validated", "contradicted", "untested"];

const ACCEPTED = new Set(["accepted", "reworded"]);

/** "contradicted" | "validated" | "untested" for a list of links. */
export function evidenceState(links) {
  if (links.some((link) => link.relation === "contradicts")) return "contradicted";
  if (links.some((link) => link.relation === "supports")) return "validated";
  return "untested";
}

/** Whether an item's decision counts it in the persona (accepted or reworded). */
export function isAccepted(item) {
  return ACCEPTED.has(item?.decision?.decision);
}

/** Whether any of the links supports. */
export function hasSupport(links) {
  return links.some((link) => link.relation === "supports");
}

/** Whether an accepted item lacks the supporting research its category now requires
 * (`research_pending` in workshop/domain/evidence.py). */
export function researchPending(item, category, links, required) {
  return isAccepted(item) && required.includes(category) && !hasSupport(links);
}

/** The categories whose items need supporting research (the `require_evidence` setting). */
export function requiredCategories(state) {
  return state.workshop.settings.require_evidence ?? [];
}

// A data check's status → the relation of the evidence link it counts as.
const DATA_RELATIONS = { consistent: "supports", contradicted: "contradicts" };

/**
 * The data checks of the claims on notes and groups as evidence links (`data_links` in
 * workshop/domain/evidence.py): consistent supports, contradicted contradicts, weak and not
 * measurable are evidence neither way; a claim without a visible result is none.
 */
export function dataLinks(state) {
  const ties = new Map((state.ties ?? []).map((tie) => [tie.persona_id, tie.segment_id]));
  const segments = new Map((state.segments ?? []).map((s) => [s.id, s]));
  const datasets = new Map((state.datasets ?? []).map((d) => [d.id, d]));
  const links = [];
  for (const claim of state.claims ?? []) {
    const relation = DATA_RELATIONS[claim.result?.status];
    if (!relation || claim.target_type === "field") continue;
    const segment = segments.get(ties.get(claim.persona_id)) ?? {};
    const dataset = datasets.get(segment.dataset_id) ?? {};
    links.push({
      id: `data:${claim.id}`, note_id: dataset.id ?? null, target_type: claim.target_type,
      target_id: claim.target_id, relation, quote: claim.result.summary ?? "", author_id: null,
      seq: claim.updated_seq, source_type: "data",
      note_title: `${dataset.name ?? "Data"}: ${segment.name ?? ""}`.trim(), date: dataset.as_of ?? null,
    });
  }
  return links;
}

/** Research links and data checks together: everything that counts as evidence. */
export function allEvidence(state) {
  return [...state.evidence, ...dataLinks(state)];
}

/** Links by the id of the item they are on: Map target_id → [link]. */
export function linksByTarget(evidence) {
  const index = new Map();
  for (const link of evidence) {
    if (!index.has(link.target_id)) index.set(link.target_id, []);
    index.get(link.target_id).push(link);
  }
  return index;
}

/** The links that count for an item: a note's own; a group's own plus its members'. */
export function linksFor(state, kind, id, index = linksByTarget(allEvidence(state))) {
  const own = index.get(id) ?? [];
  if (kind !== "group") return own;
  const members = state.assumptions.filter((a) => a.group_id === id);
  return [...own, ...members.flatMap((member) => index.get(member.id) ?? [])];
}

/**
 * The items of a persona as they stand on the board: notes outside groups, and groups.
 * Each entry: {kind: "assumption"|"group", item, category, links}.
 */
export function boardItems(state, personaId, index = linksByTarget(allEvidence(state))) {
  const notes = state.assumptions
    .filter((a) => a.persona_id === personaId && !a.group_id)
    .map((item) => ({ kind: "assumption", item, category: item.category,
      links: linksFor(state, "assumption", item.id, index) }));
  const groups = state.groups
    .filter((g) => g.persona_id === personaId)
    .map((item) => ({ kind: "group", item, category: item.category,
      links: linksFor(state, "group", item.id, index) }));
  return [...notes, ...groups];
}

/**
 * Coverage of some board items: {accepted, supported, debt, coverage (0…1 or null),
 * contradicted (accepted items whose state is contradicted; they may be supported too)}.
 */
export function coverageOf(entries) {
  const accepted = entries.filter((entry) => isAccepted(entry.item));
  const supported = accepted.filter((entry) => hasSupport(entry.links)).length;
  return {
    accepted: accepted.length,
    supported,
    debt: accepted.length - supported,
    coverage: accepted.length ? supported / accepted.length : null,
    contradicted: accepted.filter((entry) => evidenceState(entry.links) === "contradicted").length,
  };
}

/** How many items are validated, contradicted and untested. */
export function stateCounts(entries) {
  const counts = { validated: 0, contradicted: 0, untested: 0 };
  for (const entry of entries) counts[evidenceState(entry.links)] += 1;
  return counts;
}

/**
 * A persona's evidence picture: overall coverage and state counts, and the same per category
 * (in the order of `categoryKeys`).
 */
export function personaEvidence(state, personaId, categoryKeys) {
  const entries = boardItems(state, personaId);
  return {
    ...coverageOf(entries),
    states: stateCounts(entries),
    items: entries.length,
    categories: categoryKeys.map((key) => {
      const inCategory = entries.filter((entry) => entry.category === key);
      return { key, items: inCategory.length, ...coverageOf(inCategory), states: stateCounts(inCategory) };
    }),
  };
}

// ---- finding a quoted passage in rendered text ---------------------------------------------

/**
 * Where a quote sits in a sequence of text pieces, ignoring case and runs of white space
 * (as the server does when it checks a quote). `pieces` are strings; a null piece stands
 * for a boundary between blocks, read as white space. `loose` ignores white space
 * altogether ("phone , usually" finds "phone, usually").
 * Returns [{piece, start, end}] (character offsets within each piece), or null.
 */
export function locateQuote(pieces, quote, { loose = false } = {}) {
  const wanted = loose ? normalise(quote).replace(/ /g, "") : normalise(quote);
  if (!wanted) return null;
  let text = "";
  const origin = []; // for each character of `text`: [piece index, offset] or null
  let lastSpace = true;
  pieces.forEach((piece, p) => {
    if (piece === null) {
      if (!lastSpace && !loose) { text += " "; origin.push(null); lastSpace = true; }
      return;
    }
    for (let i = 0; i < piece.length; i += 1) {
      const ch = piece[i];
      if (/\s/.test(ch)) {
        if (!lastSpace && !loose) { text += " "; origin.push([p, i]); lastSpace = true; }
      } else {
        text += lower(ch);
        origin.push([p, i]);
        lastSpace = false;
      }
    }
  });
  const at = text.indexOf(wanted);
  if (at < 0) return null;
  const spans = new Map();
  for (let k = at; k < at + wanted.length; k += 1) {
    const where = origin[k];
    if (!where) continue;
    const [p, i] = where;
    const span = spans.get(p);
    if (span) span.end = i + 1;
    else spans.set(p, { piece: p, start: i, end: i + 1 });
  }
  return [...spans.values()];
}

function lower(ch) {
  const lowered = ch.toLowerCase();
  return lowered.length === 1 ? lowered : ch; // keep one character per character
}

/** A quote as compared: white space collapsed, trimmed, lower case. */
export function normalise(text) {
  return Array.from(text.replace(/\s+/g, " ").trim(), lower).join("");
}
