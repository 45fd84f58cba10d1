// The interface text: the page embeds its language's message catalogue as
// <script type="application/json" id="messages"> (see workshop/i18n.py); t() looks keys up.
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

// The server's refusals are English (the protocol's contract). A few that people meet on the
// board are recognised by their words and said in the page's language; the rest by their code.
const KNOWN_REFUSALS = [
  [/^you have (\d+) of (\d+) dots left$/, ([, left, budget]) => t("error.dots_left", { left, budget })],
  [/^waiting for sign-off from (.+)$/, ([, teams]) => t("error.waiting_signoff", { teams })],
  [/^blind voting must be switched on before anyone votes$/, () => t("error.blind_after_votes")],
  [/^reveal the votes before switching blind voting off$/, () => t("error.reveal_votes_first")],
  [/^reveal the private notes before switching private collect off$/, () => t("error.reveal_notes_first")],
  [/^anonymous mode is chosen before the first note is written$/, () => t("error.anonymous_late")],
  [/^votes count per team: join with a team to vote$/, () => t("error.vote_needs_team")],
  [/^sign-off is per team: join with a team to sign off$/, () => t("error.signoff_needs_team")],
  [/^this version is already agreed$/, () => t("error.already_agreed")],
  [/^only its author or the facilitator may /, () => t("error.not_yours")],
  [/^the persona document is created in the merge phase/, () => t("error.document_in_merge")],
];

const BY_CODE = {
  invalid: () => t("error.invalid"), forbidden: () => t("error.forbidden"),
  not_found: () => t("error.not_found"), conflict: () => t("error.conflict"),
  limit: () => t("error.limit"), rate_limited: () => t("error.rate_limited"),
  too_large: () => t("error.too_large"), unauthenticated: () => t("error.unauthenticated"),
};

/** A refusal (`{code, message}`) as a sentence in the page's language: a known refusal's own
 * words, else what its code means (in English the server's own, more precise message). */
export function errorText(error) {
  const message = String(error?.message ?? "");
  for (const [pattern, say] of KNOWN_REFUSALS) {
    const match = message.match(pattern);
    if (match) return say(match);
  }
  const byCode = lang === "en" ? null : BY_CODE[error?.code];
  const text = byCode ? byCode() : message || t("error.unknown");
  return text.charAt(0).toUpperCase() + text.slice(1);
}
