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
