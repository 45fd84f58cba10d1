// The merge page's entry: the persona document, edited live by several people. Each field is
// saved with the revision its editor started from; a stale save comes back with both versions,
// so nothing is overwritten unseen. Versions, sign-off, agreement, diff and exports sit beside
// it. The parts live in merge/ (static/js/README.md); this module lists the panels.
import { t } from "./messages.js";
import * as afterPanel from "./merge/after.js";
import * as documentPanel from "./merge/document.js";
import * as exportPanel from "./merge/exports.js";
import * as editingPanel from "./merge/fields.js";
import { receiveSignal } from "./merge/fields.js";
import { checkFit } from "./merge/fit.js";
import * as historyPanel from "./merge/history.js";
import { connection, personaId, STATUS_LABELS, store } from "./merge/page.js";
import * as phasePill from "./merge/phase-pill.js";
import * as researchPanel from "./merge/research.js";
import * as versionPanel from "./merge/version.js";
import { createRoomClock } from "./room-clock.js";

// The panels, in the order they render after every change.
const panels = [phasePill, documentPanel, versionPanel, exportPanel, historyPanel, researchPanel, editingPanel,
  afterPanel,
  createRoomClock({ state: store.state })];
for (const panel of panels) store.subscribe(panel.render);

/** After an import, the imported persona's page says what was imported, and from where. */
function showImported() {
  const key = `imported:${personaId}`;
  let source;
  try { source = JSON.parse(sessionStorage.getItem(key) ?? "null"); } catch { source = null; }
  sessionStorage.removeItem(key);
  if (!source) return;
  const notice = document.getElementById("import-notice");
  const values = { name: source.name, workshop: source.workshop_title ?? "?", version: source.version ?? "?",
    status: STATUS_LABELS[source.status] ?? source.status ?? "" };
  // Version 0 is the board's draft, exported before that persona had a document.
  notice.textContent = source.version === 0 ? t("merge.import.notice_board", values)
    : t("merge.import.notice", values);
  notice.hidden = false;
}

showImported();
store.changed();
connection.start();
connection.socket.on("signal", receiveSignal);
checkFit();
