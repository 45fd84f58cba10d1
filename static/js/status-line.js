// The connection status in the top bar: seen, not heard, except when the connection drops
// or comes back (then `speak` says so in the live region).
import { plural, t } from "./messages.js";
import { showRemoved } from "./removed.js";

/** A function for Connection's `onStatus` that shows `kind` ("live", "saving", …) in `el`;
 *  an observer saves nothing, so their live connection says "Live · read only". */
export function statusLine(el, speak, { readOnly = false } = {}) {
  let wasOnline = null;
  return (kind, detail) => {
    const labels = {
      live: readOnly ? t("board.status.live_read_only") : t("board.status.live"),
      saving: plural("board.status.saving", detail),
      offline: detail ? t("board.status.offline_waiting", { n: detail }) : t("board.status.offline"),
      refused: detail || t("board.status.refused"),
      removed: t("board.status.removed"),
    };
    if (kind === "removed") showRemoved();
    el.dataset.state = kind;
    el.textContent = labels[kind];
    const online = kind === "live" || kind === "saving";
    if (kind === "offline" && wasOnline) speak(t("announce.offline"));
    if (online && wasOnline === false) speak(t("announce.online"));
    if (kind !== "refused" && kind !== "removed") wasOnline = online;
  };
}
