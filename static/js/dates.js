// Dates and moments as a person reads them: one formatter for every page, in the page's
// language (the browser's own locale in English), so one page never shows two styles.
import { locale } from "./messages.js";

const DAY = { day: "numeric", month: "short", year: "numeric" };
const TIME = { hour: "2-digit", minute: "2-digit" };

/** "14 Sep 2026" for "2026-09-14" (a calendar date, not a moment: no time zone shifts it). */
export function formatDate(iso) {
  if (!iso) return "";
  const [y, m, d] = String(iso).slice(0, 10).split("-").map(Number);
  return new Date(Date.UTC(y, m - 1, d)).toLocaleDateString(locale, { ...DAY, timeZone: "UTC" });
}

/** "14 Sep 2026, 15:04" for a moment (an ISO timestamp), in the reader's time zone. */
export function formatMoment(iso) {
  if (!iso) return "";
  return new Date(iso).toLocaleString(locale, { ...DAY, ...TIME });
}

/** "15:04" for a moment of today's session. */
export function formatTime(iso) {
  if (!iso) return "";
  return new Date(iso).toLocaleTimeString(locale, TIME);
}
