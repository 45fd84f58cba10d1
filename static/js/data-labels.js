// The Data view's words for the server's keys: column kinds and roles, rule tests, claim
// kinds, check results, units and fields (each written out, so the catalogue test sees it).
import { plural, t } from "./messages.js";

export const UNIT_LABELS = { customer: t("data.unit.customer"), account: t("data.unit.account"), visitor: t("data.unit.visitor") };
export const ROLE_LABELS = { attribute: t("data.role.attribute"), sensitive: t("data.role.sensitive"), dropped: t("data.role.dropped") };
export const KIND_LABELS = {
  number: t("data.kind.number"), date: t("data.kind.date"), category: t("data.kind.category"),
  boolean: t("data.kind.boolean"), text: t("data.kind.text"), identifier: t("data.kind.identifier"),
};
export const TEST_LABELS = {
  equals: t("data.test.equals"), in: t("data.test.in"), between: t("data.test.between"),
  contains: t("data.test.contains"), is_empty: t("data.test.is_empty"),
};
export const CLAIM_KINDS = { range: t("data.kind_claim.range"), most_common: t("data.kind_claim.most_common"), more_likely: t("data.kind_claim.more_likely") };
export const STATUS_LABELS = {
  consistent: t("data.status.consistent"), contradicted: t("data.status.contradicted"),
  weak: t("data.status.weak"), not_measurable: t("data.status.not_measurable"),
};
export const FIELD_LABELS = { age_range: t("data.field.age_range"), location: t("data.field.location") };
export const MAPPING_HEADERS = [t("data.mapping.column"), t("data.mapping.kind"), t("data.mapping.preview"), t("data.mapping.role")];

/** "4,210 customers": a count in the dataset's unit. */
export function unitCount(unit, n, shown) {
  if (unit === "account") return plural("data.unit_count.account", n, { n: shown });
  if (unit === "visitor") return plural("data.unit_count.visitor", n, { n: shown });
  return plural("data.unit_count.customer", n, { n: shown });
}

/** "18% of customers": a share of the dataset's rows, in its unit. */
export function shareOf(unit, share) {
  if (unit === "account") return t("data.share_of.account", { share });
  if (unit === "visitor") return t("data.share_of.visitor", { share });
  return t("data.share_of.customer", { share });
}
