// What a persona stands for in the customer data, in one line: "Represents: Urban families,
// 4,210 customers (18%), CRM export as of 2026-10-01". The board (above the columns and in
// the Data view) and the persona document's header both show it, from the store's state;
// a size the server suppressed (fewer than k people) or hid (beliefs first) is left out.
import { unitCount } from "./data-labels.js";
import { lang, t } from "./messages.js";

export const formatNumber = (n, digits = 0) => (n == null ? "–" : Number(n).toLocaleString(lang, { maximumFractionDigits: digits }));
export const percent = (share) => (share == null ? "–" : `${Math.round(share * 100)}%`);

/** The segment a persona stands for, and its dataset (either may be missing). */
export function tiedSegment(state, personaId) {
  const tie = state.ties.find((one) => one.persona_id === personaId);
  const segment = tie && state.segments.find((s) => s.id === tie.segment_id);
  const dataset = segment && state.datasets.find((d) => d.id === segment.dataset_id);
  return { segment, dataset };
}

/** "Represents: …", or "" when the persona stands for no segment. */
export function representsText(state, personaId) {
  const { segment, dataset } = tiedSegment(state, personaId);
  if (!segment) return "";
  const size = segment.aggregates?.size;
  const parts = [segment.name];
  if (size?.count != null) {
    parts.push(`${unitCount(dataset?.unit ?? "customer", size.count, formatNumber(size.count))} (${percent(size.share)})`);
  }
  if (dataset) parts.push(t("data.as_of", { source: dataset.source || dataset.name, date: dataset.as_of }));
  return t("data.represents", { what: parts.join(", ") });
}
