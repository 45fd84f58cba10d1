// The live connection: ops out with acks, events in by seq, sync after a gap that stays open or a
// reconnect, and an outbox so an op sent while offline is retried with the same op id.
import { io } from "/static/vendor/socket.io.esm.min.js";
import { t } from "./messages.js";
import { applyPresenceDelta } from "./presence_list.js";
import { SeqOrder } from "./seq_order.js";

const ACK_TIMEOUT_MS = 10000;
const RATE_LIMIT_RETRY_MS = 1500;
const MAX_MESSAGE_CHARS = 60000; // the server refuses Socket.IO messages over 64 KiB

/** An op id that is unique without needing a secure context. */
export function newOpId() {
  const bytes = crypto.getRandomValues(new Uint8Array(16));
  return Array.from(bytes, (b) => b.toString(16).padStart(2, "0")).join("");
}

export class Connection {
  /** `store` (store.js) holds the state this connection keeps current; its panels render
   *  after each change. */
  constructor(store, { onEvent, onPresence, onStatus, onError }) {
    this.store = store;
    this.state = store.state;
    this.onError = onError ?? (() => {});
    this.onEvent = onEvent;
    this.onPresence = onPresence;
    this.present = []; // who is connected, from `presence` and `presence_delta`
    this.onStatus = onStatus;
    this.outbox = new Map(); // op_id → {envelope, resolve}
    // Kept in localStorage too, so a reload or a closed tab loses nothing unacknowledged:
    // those ops are sent again with the same op id, and the server applies each once.
    this.storageKey = `outbox:${this.state.workshop.id}:${this.state.me.id}`;
    for (const envelope of this.loadOutbox()) {
      this.outbox.set(envelope.op_id, { envelope, resolve: (ack) => { if (!ack.ok) this.onError(ack); } });
    }
    this.syncing = null;
    this.syncAgain = false;
    this.socket = null;
    this.order = new SeqOrder({
      current: () => this.state.seq,
      apply: (event) => {
        if (this.store.apply(event) === "applied") this.onEvent(event);
      },
      onGap: () => this.resync(),
    });
  }

  start() {
    // batch: under load the server sends what piled up as one `events` message, so a busy
    // board applies and renders a burst once instead of once per event.
    this.socket = io({ auth: { workshop: this.state.workshop.id, batch: true },
                       transports: ["websocket"] });
    this.socket.on("connect", async () => {
      this.report();
      await this.resync();
      this.flush();
    });
    this.socket.on("disconnect", (reason) => {
      this.report();
      // The server closed the connection (e.g. the facilitator removed us): the client does
      // not reconnect by itself, so ask again; a refusal then says why.
      if (reason === "io server disconnect") this.socket.connect();
    });
    this.socket.on("connect_error", (error) => {
      if (error.data?.code === "unauthenticated") {
        this.socket.disconnect();
        this.onStatus(error.data.reason === "removed" ? "removed" : "refused", error.data.message);
      } else {
        this.report();
      }
    });
    this.socket.on("event", (event) => this.receive(event));
    this.socket.on("events", (message) => this.receive(...message.events));
    // The whole list once, on connecting; then only who arrived or left.
    this.socket.on("presence", (message) => this.showPresence(message.present));
    this.socket.on("presence_delta", (message) =>
      this.showPresence(applyPresenceDelta(this.present, message)));
  }

  /** Keep the presence list and show it. */
  showPresence(present) {
    this.present = present;
    this.onPresence(present);
  }

  /** Tell the page whether we are live, saving, or offline. */
  report() {
    const pending = this.outbox.size;
    if (!this.socket.connected) this.onStatus("offline", pending);
    else if (pending) this.onStatus("saving", pending);
    else this.onStatus("live", 0);
  }

  receive(...events) {
    const before = this.state.seq;
    for (const event of events) this.order.offer(event); // in seq order; a lasting gap syncs
    if (this.state.seq !== before) this.store.changed();
  }

  /** Catch up from our seq: the missed events, or a fresh snapshot. */
  resync() {
    if (this.syncing) {
      // A gap seen while a sync is under way may lie beyond its answer: sync once more after.
      this.syncAgain = true;
      return this.syncing;
    }
    this.syncing = (async () => {
      try {
        const ack = await this.socket.timeout(ACK_TIMEOUT_MS)
          .emitWithAck("sync", { since: this.state.seq });
        if (!ack.ok) return;
        if (ack.snapshot) {
          this.store.replace(ack.snapshot);
        } else {
          for (const event of ack.events) this.store.apply(event);
        }
        this.order.release(); // live events that arrived ahead of the answer
        this.store.changed();
      } catch {
        // No answer in time: the next reconnect or gap tries again.
      } finally {
        this.syncing = null;
        if (this.syncAgain && this.socket.connected) {
          this.syncAgain = false;
          this.resync();
        }
      }
    })();
    return this.syncing;
  }

  loadOutbox() {
    try {
      const saved = JSON.parse(localStorage.getItem(this.storageKey) || "[]");
      return Array.isArray(saved) ? saved : [];
    } catch {
      return [];
    }
  }

  saveOutbox() {
    try {
      const pending = [...this.outbox.values()].map((entry) => entry.envelope);
      if (pending.length) localStorage.setItem(this.storageKey, JSON.stringify(pending));
      else localStorage.removeItem(this.storageKey);
    } catch {
      // Storage full or blocked: the in-memory outbox still covers a dropped connection.
    }
  }

  /** Send an op; resolves with its ack. Kept in the outbox until acknowledged. */
  op(type, data) {
    const envelope = { op_id: newOpId(), type, data };
    if (JSON.stringify(envelope).length > MAX_MESSAGE_CHARS) {
      return Promise.resolve({ ok: false, error: { code: "too_large",
        message: t("connection.too_large") } });
    }
    return new Promise((resolve) => {
      this.outbox.set(envelope.op_id, { envelope, resolve });
      this.saveOutbox();
      this.send(envelope.op_id);
      this.report();
    });
  }

  send(opId) {
    const entry = this.outbox.get(opId);
    if (!entry || !this.socket.connected) return;
    this.socket.timeout(ACK_TIMEOUT_MS).emit("op", entry.envelope, (timedOut, ack) => {
      if (timedOut) {
        // Still in the outbox: retry with the same op id (the server applies it once).
        if (this.outbox.has(opId)) this.send(opId);
        return;
      }
      if (!ack.ok && ack.error.code === "rate_limited") {
        // Not applied, and not an answer about the change itself: keep it and try again,
        // e.g. when a long offline stretch is flushed all at once.
        setTimeout(() => this.send(opId), RATE_LIMIT_RETRY_MS);
        return;
      }
      this.outbox.delete(opId);
      this.saveOutbox();
      if (ack.ok) this.receive(ack.event);
      this.report();
      entry.resolve(ack);
    });
  }

  /** Retry everything not yet acknowledged, in the order it was sent. */
  flush() {
    for (const opId of this.outbox.keys()) this.send(opId);
    this.report();
  }
}
