// The board page's entry: the store, the live connection, and the list of panels that render
// from the store (static/js/README.md says how state flows). Each panel is its own module.
import { translatedCategory } from "./categories.js";
import { createColumns } from "./columns.js";
import { Connection } from "./connection.js";
import { createAnnouncer } from "./announcer.js";
import { toaster } from "./dom.js";
import { createDataView } from "./data-view.js";
import { createDivergence } from "./divergence.js";
import { createDuplicates } from "./duplicates.js";
import { createEvidenceBoard } from "./evidence-board.js";
import { createFacilitation } from "./facilitation.js";
import { errorText } from "./messages.js";
import { createLibrary } from "./library.js";
import { createPersonaTabs } from "./persona-tabs.js";
import { createPresence } from "./presence.js";
import { createPresenter } from "./presenter.js";
import { createProgress } from "./progress.js";
import { createReconcile } from "./reconcile.js";
import { createResearchPlan } from "./research-plan.js";
import { createRoomClock } from "./room-clock.js";
import { setUpShortcuts } from "./shortcuts.js";
import { showRemoved } from "./removed.js";
import { statusLine } from "./status-line.js";
import { teamSlot } from "./state.js";
import { createStore } from "./store.js";
import { createViewSwitch } from "./view-switch.js";
import { createVoting } from "./voting.js";

const store = createStore(JSON.parse(document.getElementById("snapshot").textContent));
const { state } = store;
const me = state.me;
const toast = toaster(document.getElementById("toast"), 6000);
const eventListeners = []; // panels that react to applied events (see `ui.onEvent`)

function teamClass(team) {
  const slot = team ? teamSlot(state, team) : null;
  return slot === null ? "team-none" : `team-c${slot}`;
}

function categoryLabel(key) {
  const category = state.categories.find((c) => c.key === key);
  return category ? translatedCategory(category).label : key;
}

async function send(type, data) {
  const ack = await connection.op(type, data);
  if (!ack.ok) toast(errorText(ack.error));
  return ack;
}

// What every panel is handed: the store, sending ops, and the board's shared lookups.
const ui = {
  store, state, me, send, toast, teamClass, categoryLabel,
  sendQuietly: (type, data) => connection.op(type, data), // the caller reports a refusal itself
  onEvent: (listener) => eventListeners.push(listener),
};
const announcer = createAnnouncer(ui, document.getElementById("announcer"));
const presence = createPresence(ui);

const connection = new Connection(store, {
  onEvent: (event) => {
    if (event.type === "participant.removed" && event.data.id === me.id) showRemoved();
    announcer.announce(event);
    for (const listener of eventListeners) listener(event);
  },
  onPresence: presence.show,
  onStatus: statusLine(document.getElementById("conn-status"), announcer.speak,
    { readOnly: me.role === "observer" }),
  onError: (ack) => toast(errorText(ack.error)),
});

// ---- the panels, in the order they render ------------------------------------------

const facilitation = createFacilitation(ui);
const divergence = createDivergence(ui);
const voting = createVoting({ ...ui, measuresFor: divergence.measuresFor });
const reconcile = createReconcile({ ...ui, measuresFor: divergence.measuresFor });
const library = createLibrary(ui);
const presenter = createPresenter(ui, connection);
const evidence = createEvidenceBoard(ui, library);
const panels = [
  createPersonaTabs(ui),
  createColumns(ui, { voting, reconcile, evidence }),
  presence,
  createProgress(ui),
  facilitation,
  voting,
  createViewSwitch(ui),
  divergence,
  createResearchPlan(ui),
  reconcile,
  createDuplicates(ui),
  library,
  evidence,
  createRoomClock(ui),
  presenter,
  createDataView(ui),
];
for (const panel of panels) store.subscribe(panel.render);

// ---- facilitator: personas ---------------------------------------------------

document.getElementById("persona-add-form")?.addEventListener("submit", async (event) => {
  event.preventDefault();
  const input = event.currentTarget.elements.namedItem("name");
  const name = input.value.trim();
  if (!name) { input.focus(); return; }
  const ack = await send("persona.add", { name });
  if (ack.ok) { input.value = ""; store.selectPersona(ack.event.data.persona.id); }
});

setUpShortcuts();
store.changed();
connection.start();
presenter.attach();
