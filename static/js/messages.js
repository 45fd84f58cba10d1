// The interface text: the page embeds its language's message catalogue as
// <script type="application/json" id="messages"> (see workshop/catalogue.py); t() looks keys up.
// Plural forms are separate keys, `<key>.one` and `<key>.other` (English and Dutch agree).

const source = globalThis.document?.getElementById("messages");
const messages = source ? JSON.parse(source.textContent) : {};
const warned = new Set();
const development = ["localhost", "127.0.0.1"].includes(globalThis.location?.hostname);

/** The language of the page ("en" or "nl"). */
export const lang = globalThis.document?.documentElement.lang || "en";

/** The locale for dates and numbers: the browser's own in English, else the page's language. */
export const locale = lang === "en" ? undefined : lang;

/** The text of `key` with its `{name}` placeholders filled from `params`. */
export function t(key, params = {}) {
  const text = messages[key];
  if (text === undefined) {
    if (development && !warned.has(key)) {
      warned.add(key);
      console.warn(`i18n: no message for "${key}"`);
    }
    return key;
  }
  return text.replace(/\{(\w+)\}/g, (whole, name) => (name in params ? String(params[name]) : whole));
}

/** `<key>.one` for exactly 1, else `<key>.other`, with `{n}` set to the number. */
export function plural(key, n, params = {}) {
  return t(`${key}.${n === 1 ? "one" : "other"}`, { n, ...params });
}

// The server's refusals are English (the protocol's contract). Those that people meet on the
// board name a `reason` (docs/protocol.md), said here in the page's language with the
// numbers or names from `details`; the rest are said by their code.
const BY_REASON = {
  dots_left: ({ left, budget }) => t("error.dots_left", { left, budget }),
  waiting_signoff: ({ teams = [] }) => t("error.waiting_signoff", { teams: teams.join(", ") }),
  blind_after_votes: () => t("error.blind_after_votes"),
  reveal_votes_first: () => t("error.reveal_votes_first"),
  reveal_notes_first: () => t("error.reveal_notes_first"),
  anonymous_late: () => t("error.anonymous_late"),
  vote_needs_team: () => t("error.vote_needs_team"),
  signoff_needs_team: () => t("error.signoff_needs_team"),
  already_agreed: () => t("error.already_agreed"),
  reopen_unconfirmed: ({ number, next }) => t("error.reopen_unconfirmed", { n: number, next }),
  reopen_facilitator_only: ({ number }) => t("error.reopen_facilitator_only", { n: number }),
  not_yours: () => t("error.not_yours"),
  text_voted_on: () => t("error.text_voted_on"),
  text_decided: () => t("error.text_decided"),
  document_in_merge: () => t("error.document_in_merge"),
  last_persona: () => t("error.last_persona"),
  persona_agreed: () => t("error.persona_agreed"),
  persona_delete_unconfirmed: () => t("error.persona_delete_unconfirmed"),
  joins_from_address: () => t("error.joins_from_address"),
  joins_into_workshop: () => t("error.joins_into_workshop"),
  workshop_full: ({ max }) => t("error.workshop_full", { max: Number(max).toLocaleString(locale) }),
  teams_full: ({ max }) => t("error.teams_full", { max }),
  heavy_at_once: ({ at_once }) => t("error.heavy_at_once", { at_once }),
  review_needs_agreed: () => t("error.review_needs_agreed"),
  usage_unknown_trait: () => t("error.usage_unknown_trait"),
  question_trait_tested: () => t("error.question_trait_tested"),
  export_needs_agreed: () => t("error.export_needs_agreed"),
  too_many_shares: () => t("error.too_many_shares"),
  too_many_tokens: () => t("error.too_many_tokens"),
  nothing_agreed: () => t("error.nothing_agreed"),
  hide_data_late: () => t("error.hide_data_late"),
  reveal_data_first: () => t("error.reveal_data_first"),
  data_deleted: () => t("error.data_deleted"),
  data_changed: () => t("error.data_changed"),
  not_a_refresh: () => t("error.not_a_refresh"),
  column_dropped: () => t("error.column_dropped"),
  segment_tied: () => t("error.segment_tied"),
  weight_column: () => t("error.weight_column"),
  weight_dropped: () => t("error.weight_dropped"),
  claim_unreadable: () => t("error.claim_unreadable"),
  data_not_hidden: () => t("error.data_not_hidden"),
};

const BY_CODE = {
  invalid: () => t("error.invalid"), forbidden: () => t("error.forbidden"),
  not_found: () => t("error.not_found"), conflict: () => t("error.conflict"),
  limit: () => t("error.limit"), rate_limited: () => t("error.rate_limited"),
  too_large: () => t("error.too_large"), unauthenticated: () => t("error.unauthenticated"),
  unavailable: () => t("error.unavailable"), internal: () => t("error.unknown"),
  busy: () => t("error.busy"),
};

/** A refusal (`{code, message, reason?, details?}`) as a sentence in the page's language:
 * its reason in the page's words, else what its code means (in English, the server's own
 * message). */
export function errorText(error) {
  const byReason = BY_REASON[error?.reason];
  if (byReason) return byReason(error.details ?? {});
  const message = String(error?.message ?? "");
  const byCode = lang === "en" ? null : BY_CODE[error?.code];
  const text = byCode ? byCode() : message || t("error.unknown");
  return text.charAt(0).toUpperCase() + text.slice(1);
}
