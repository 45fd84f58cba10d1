// The phases and the export formats, as the server lists them (workshop/domain/phases.py,
// workshop/domain/export/formats.py). The page embeds both in
// <script type="application/json" id="registry">, so the browser keeps no copy of either.
import { t } from "./messages.js";

const source = globalThis.document?.getElementById("registry");
const registry = source ? JSON.parse(source.textContent) : { phases: [], exports: [] };

/** The phases in order: { key, label, prompt, voting, document }; label and prompt are
 * catalogue keys, `voting` puts stances forward, `document` allows creating the document. */
export const PHASES = registry.phases;

/** The export formats in order: { extension, label, link, scope, viewed }; `link` is the
 * catalogue key of its link, `scope` "persona" or "workshop", `viewed` opens it as a page. */
export const EXPORTS = registry.exports;

/** The phase called `key` (an empty one for a key the page does not know). */
export function phase(key) {
  return PHASES.find((p) => p.key === key) ?? { key };
}

/** The phase's name in the page's language (its key when it has none). */
export function phaseLabel(key) {
  const { label } = phase(key);
  return label ? t(label) : key;
}

/** Whether the phase `current` is `key` or comes after it (an unknown key: false). */
export function reached(current, key) {
  const at = PHASES.findIndex((p) => p.key === key);
  return at >= 0 && PHASES.findIndex((p) => p.key === current) >= at;
}
