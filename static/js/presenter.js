// The presenter view (?present, for the wall display) follows the facilitator: the
// facilitator's board sends a "view" signal (persona and view) whenever either changes, and
// every 10 s for presenters that open later; a presenter board shows what it names. Signals
// are ephemeral: nothing is logged, and a participant's own view is never sent.
import { t } from "./messages.js";

const REFRESH_MS = 10000;

export function createPresenter(ui, connection) {
  const { store, me, state } = ui;
  const present = document.body.classList.contains("present-mode");
  const status = document.getElementById("present-status");
  let sent = null;

  function sendView(force = false) {
    const persona = store.activePersona();
    if (!persona || !connection.socket?.connected) return;
    const key = `${persona}|${store.view}`;
    if (key === sent && !force) return;
    sent = key;
    connection.socket.emit("signal", { type: "view", persona_id: persona, view: store.view });
  }

  /** Listen and send once the connection has its socket (after `connection.start()`). */
  function attach() {
    if (me.role === "facilitator" && !present) {
      setInterval(() => sendView(true), REFRESH_MS);
      connection.socket.on("connect", () => sendView(true));
    }
    if (!present) return;
    connection.socket.on("signal", (signal) => {
      if (signal.type !== "view") return;
      if (state.personas.some((p) => p.id === signal.persona_id) && store.activePersona() !== signal.persona_id) {
        store.selectPersona(signal.persona_id);
      }
      store.setView(signal.view);
      if (status) status.textContent = t("present.banner", { name: signal.name });
    });
  }

  return {
    attach,
    render() {
      if (me.role === "facilitator" && !present) sendView();
    },
  };
}
