// Drives N real socket.io-client connections through a workshop session and measures it.
//
//   node bench/clients/client.js config.json > result.json
//
// config: {clients: [{url, cookie}], auth: {workshop, batch}, rate (ops per participant per s),
//          duration, settle, drainTimeout (s), seed, personaId, assumptionIds, addShare,
//          warmupOps, rawOut}
// or, for several workshops driven from this one process (one clock, one core's worth of
// clients instead of a process per workshop): {sessions: [{clients, auth, seed, personaId,
// assumptionIds, rawOut}, ...], rate, duration, settle, drainTimeout, addShare, warmupOps};
// the answer is then {sessions: [a result per workshop], client_cpu_s, client_loop_lag_ms}.
//
// Every participant sends `op`s as a Poisson process (seeded, so every server gets the same
// schedule): `assumption.add` with probability addShare, otherwise `vote.cast` on a note it
// knows. All clients live in this one process, so one clock times everything:
//   ack latency     = ack received - op sent (by the sender)
//   fan-out latency = event received by another client - op sent, joined by seq afterwards
//                     (an event can reach others before its ack reaches the sender)
// Clients ask for batches as the board does (auth.batch): events come one per `event`
// message, or several per `events` message when they pile up; "messages" counts both.
// Delivered ratio = distinct (client, seq) receipts / (acked ops x clients): every client
// counts, the sender by the event in its ack (every server here sends the event to everyone
// but the sending connection, as docs/protocol.md says). A second copy of a seq at a client
// other than the op's sender is "doubled" (a batch that holds others' entries too may bring
// the sender its own again, which is not counted).
// Before the load, `warmupOps` ops (from different clients, 25 ms apart) go through the same
// send and receive code and are not measured: the first ops of a fresh Node process run its
// handlers unoptimised and were the slowest of a run for every server alike.
"use strict";
const fs = require("fs");
const { performance } = require("perf_hooks");
const { io } = require("socket.io-client");

const cfg = JSON.parse(fs.readFileSync(process.argv[2], "utf8"));
const CATEGORIES = ["goals", "needs", "motivations", "fears", "desires", "behaviours",
                    "channels", "identity", "tone", "messages"];
const STANCES = ["agree", "disagree", "unsure"];

function rng(seed) { // mulberry32
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

function pct(values, p) {
  if (values.length === 0) return null;
  const i = Math.min(values.length - 1, Math.max(0, Math.ceil((p / 100) * values.length) - 1));
  return values[i];
}

function summary(list) {
  const v = Float64Array.from(list).sort();
  const r = (x) => (x === null ? null : Math.round(x * 100) / 100);
  return { n: v.length, p50: r(pct(v, 50)), p90: r(pct(v, 90)), p99: r(pct(v, 99)),
           max: r(v.length ? v[v.length - 1] : null) };
}


const sleep = (ms) => new Promise((resolve) => setTimeout(resolve, ms));
let loadEnd = Infinity;                                // shared: every session stops together

// One workshop's participants and what they sent and received.
class Session {
  constructor(spec) {
    this.spec = spec;
    this.N = spec.clients.length;
    this.known = [...(spec.assumptionIds || [])];
    this.sockets = new Array(this.N);
    this.recvSeq = Array.from({ length: this.N }, () => []); // per client: seq of each receipt
    this.recvAt = Array.from({ length: this.N }, () => []);  // per client: time of each receipt
    this.sentBySeq = new Map();                              // seq -> [sentAt, client, ackAt, type]
    this.ackLatency = [];
    this.ackErrors = {};
    this.ackTimeouts = 0;
    this.pendingAcks = 0;
    this.opsSent = 0;
    this.presenceSignals = 0;
    this.presenceBytes = 0;                                  // JSON size of presence messages
    this.disconnects = 0;
    this.messages = 0;                                       // `event` and `events` messages
  }

  connectOne(i) {
    const c = this.spec.clients[i];
    return new Promise((resolve, reject) => {
      const socket = io(c.url, {
        transports: ["websocket"], forceNew: true, reconnection: false, timeout: 20000,
        auth: this.spec.auth, extraHeaders: c.cookie ? { Cookie: c.cookie } : {},
      });
      const receive = (event, at) => {
        this.recvAt[i].push(at);
        this.recvSeq[i].push(event.seq);
        if (i === 0 && event.type === "assumption.added" && event.data && event.data.assumption) {
          this.known.push(event.data.assumption.id);
        }
      };
      socket.on("event", (event) => { this.messages += 1; receive(event, performance.now()); });
      socket.on("events", (message) => {
        const at = performance.now();
        this.messages += 1;
        for (const event of message.events) receive(event, at);
      });
      for (const name of ["presence", "presence_delta"]) {
        socket.on(name, (message) => {
          this.presenceSignals += 1;
          this.presenceBytes += JSON.stringify(message).length;
        });
      }
      socket.on("disconnect", () => { this.disconnects += 1; });
      socket.once("connect", () => { this.sockets[i] = socket; resolve(); });
      socket.once("connect_error", (err) => reject(new Error(`client ${i}: ${err.message}`)));
    });
  }

  sendOp(i, random, n) { // n: the op's number at client i, or a warm-up op's tag
    const add = this.known.length === 0 || random() < cfg.addShare;
    const op = add
      ? { op_id: `b${i}-${n}`, type: "assumption.add",
          data: { persona_id: this.spec.personaId,
                  category: CATEGORIES[Math.floor(random() * 10)],
                  text: `Bench note ${i}-${n}: prefers short answers by chat` } }
      : { op_id: `b${i}-${n}`, type: "vote.cast",
          data: { assumption_id: this.known[Math.floor(random() * this.known.length)],
                  stance: STANCES[Math.floor(random() * 3)] } };
    const sentAt = performance.now();
    this.pendingAcks += 1;
    this.opsSent += 1;
    this.sockets[i].timeout(cfg.drainTimeout * 1000).emit("op", op, (err, ack) => {
      this.pendingAcks -= 1;
      if (err) { this.ackTimeouts += 1; return; }
      const ackAt = performance.now();
      this.ackLatency.push(ackAt - sentAt);
      if (ack && ack.ok) {
        this.sentBySeq.set(ack.seq, [sentAt, i, ackAt, op.type]);
        // The ack carries the entry, as the board applies it (docs/protocol.md).
        this.recvSeq[i].push(ack.seq);
        this.recvAt[i].push(ackAt);
      } else {
        const code = (ack && ack.error && ack.error.code) || "unknown";
        this.ackErrors[code] = (this.ackErrors[code] || 0) + 1;
      }
    });
  }

  participantLoop(i) {
    const random = rng((this.spec.seed || 1) * 7919 + i);
    let n = 0;
    const next = () => {
      const delay = (-Math.log(1 - random()) / cfg.rate) * 1000;
      setTimeout(() => {
        if (performance.now() >= loadEnd) return;
        this.sendOp(i, random, n++);
        next();
      }, delay);
    };
    next();
  }

  deliveredAll() {
    if (this.pendingAcks > 0) return false;
    const counts = new Map();
    for (let i = 0; i < this.N; i++) {
      const seen = new Set(this.recvSeq[i]);
      for (const seq of seen) counts.set(seq, (counts.get(seq) || 0) + 1);
    }
    for (const seq of this.sentBySeq.keys()) if ((counts.get(seq) || 0) < this.N) return false;
    return true;
  }

  forgetReceipts() {
    for (let i = 0; i < this.N; i++) { this.recvSeq[i].length = 0; this.recvAt[i].length = 0; }
  }

  // Sends the warm-up ops, waits for every receipt, then forgets them: the measured load
  // starts from clean counters on a client (and server) that has already been through every
  // path.
  async warmUp() {
    const count = cfg.warmupOps || 0;
    if (count === 0) return;
    const random = rng((this.spec.seed || 1) * 104729);
    const stride = Math.max(1, Math.floor(this.N / Math.min(this.N, count)));
    for (let k = 0; k < count; k++) {
      this.sendOp((k * stride) % this.N, random, `w${k}`);
      await sleep(25);
    }
    const deadline = performance.now() + cfg.drainTimeout * 1000;
    while (performance.now() < deadline && !this.deliveredAll()) await sleep(20);
    if (!this.deliveredAll()) throw new Error("the warm-up ops were not all acked and delivered");
    this.forgetReceipts();
    this.sentBySeq.clear();
    this.ackLatency.length = 0;
    for (const code of Object.keys(this.ackErrors)) delete this.ackErrors[code];
    this.ackTimeouts = 0;
    this.opsSent = 0;
    this.messages = 0;
  }

  start() { for (let i = 0; i < this.N; i++) this.participantLoop(i); }

  // Joins receipts with sends by seq; the session's figures.
  result(loadStart) {
    const { N, recvSeq, recvAt, sentBySeq } = this;
    const fanout = [];
    let unique = 0, doubled = 0, outOfOrder = 0, stray = 0, lastDelivery = loadStart;
    for (let i = 0; i < N; i++) {
      const seen = new Set();
      let maxSeq = -1;
      for (let k = 0; k < recvSeq[i].length; k++) {
        const seq = recvSeq[i][k];
        const sent = sentBySeq.get(seq);
        if (!sent) { stray += 1; continue; }
        if (seen.has(seq)) { if (sent[1] !== i) doubled += 1; continue; }
        seen.add(seq);
        unique += 1;
        lastDelivery = Math.max(lastDelivery, recvAt[i][k]);
        if (sent[1] === i) continue; // its own form may come just ahead of a batch (protocol.md)
        if (seq < maxSeq) outOfOrder += 1;
        maxSeq = Math.max(maxSeq, seq);
        fanout.push(recvAt[i][k] - sent[0]);
      }
    }
    const acked = sentBySeq.size;
    const expected = acked * N;
    const span = (lastDelivery - loadStart) / 1000;
    return {
      participants: N, rate: cfg.rate, duration_s: cfg.duration,
      ops_sent: this.opsSent, ops_acked_ok: acked, ack_errors: this.ackErrors,
      ack_timeouts: this.ackTimeouts,
      ack_ms: summary(this.ackLatency), fanout_ms: summary(fanout),
      deliveries: unique, expected_deliveries: expected,
      delivered_ratio: expected ? Math.round((unique / expected) * 1e6) / 1e6 : null,
      doubled, out_of_order: outOfOrder, stray_events: stray, messages: this.messages,
      deliveries_per_s: span > 0 ? Math.round(unique / span) : null,
      drained: this.deliveredAll(), disconnects: this.disconnects,
      presence_signals: this.presenceSignals, presence_bytes: this.presenceBytes,
    };
  }

  // Per op: sent, ack and every other client's receipt (ms since load start).
  writeRaw(loadStart, lag) {
    const byseq = new Map();
    for (let i = 0; i < this.N; i++) {
      for (let k = 0; k < this.recvSeq[i].length; k++) {
        const sent = this.sentBySeq.get(this.recvSeq[i][k]);
        if (!sent || sent[1] === i) continue;
        if (!byseq.has(this.recvSeq[i][k])) byseq.set(this.recvSeq[i][k], []);
        byseq.get(this.recvSeq[i][k]).push(Math.round((this.recvAt[i][k] - sent[0]) * 100) / 100);
      }
    }
    const ops = [...this.sentBySeq].map(([seq, [sentAt, client, ackAt, type]]) => ({
      seq, client, type, sent: Math.round((sentAt - loadStart) * 100) / 100,
      ack: Math.round((ackAt - sentAt) * 100) / 100,
      fanout: (byseq.get(seq) || []).sort((a, b) => a - b) }));
    fs.writeFileSync(this.spec.rawOut, JSON.stringify({ ops, lag }));
  }

  close() { for (const s of this.sockets) if (s) s.disconnect(); }
}

async function main() {
  const sessions = (cfg.sessions || [cfg]).map((spec) => new Session(spec));
  const t0 = performance.now();
  const batch = cfg.connectBatch || 25;
  for (const session of sessions) { // a crowd of browsers: `batch` connections at a time
    for (let i = 0; i < session.N; i += batch) {
      const ids = [];
      for (let j = i; j < Math.min(session.N, i + batch); j++) ids.push(j);
      await Promise.all(ids.map((j) => session.connectOne(j)));
    }
  }
  const connectMs = performance.now() - t0;
  const connectedAt = Date.now();
  await sleep((cfg.settle || 1) * 1000);
  for (const session of sessions) session.forgetReceipts();
  await Promise.all(sessions.map((session) => session.warmUp()));

  // Event-loop lag of this client process: if it is high, the client, not the server,
  // is the bottleneck and the latencies below are inflated.
  const lag = [];
  let tick = performance.now();
  const lagTimer = setInterval(() => {
    const now = performance.now();
    lag.push(Math.max(0, now - tick - 10));
    tick = now;
  }, 10);
  const cpu0 = process.cpuUsage();
  const loadStart = performance.now();
  const loadStartEpoch = Date.now();
  loadEnd = loadStart + cfg.duration * 1000;
  for (const session of sessions) session.start();
  await sleep(cfg.duration * 1000);
  const loadEndEpoch = Date.now();
  const drainDeadline = performance.now() + cfg.drainTimeout * 1000;
  const drained = () => sessions.every((session) => session.deliveredAll());
  while (performance.now() < drainDeadline && !drained()) await sleep(50);
  const drainMs = performance.now() - loadEnd;
  const drainEndEpoch = Date.now();
  clearInterval(lagTimer);
  const cpu = process.cpuUsage(cpu0);
  const wall = (drainEndEpoch - loadStartEpoch) / 1000;

  const shared = {
    drain_ms: Math.round(drainMs), connect_ms: Math.round(connectMs),
    client_cpu_s: Math.round(((cpu.user + cpu.system) / 1e6) * 100) / 100,
    // Near 100, this one-threaded client is the bottleneck, not the server.
    client_cpu_pct: wall > 0 ? Math.round(((cpu.user + cpu.system) / 1e4) / wall) : null,
    client_loop_lag_ms: summary(lag),
    epoch: { connected: connectedAt, load_start: loadStartEpoch, load_end: loadEndEpoch,
             drain_end: drainEndEpoch },
  };
  const results = sessions.map((session) => {
    if (session.spec.rawOut) session.writeRaw(loadStart, lag);
    return { ...session.result(loadStart), ...shared };
  });
  for (const session of sessions) session.close();
  const answer = cfg.sessions ? { sessions: results, ...shared } : results[0];
  process.stdout.write(JSON.stringify(answer) + "\n");
  setTimeout(() => process.exit(0), 200);
}

main().catch((err) => {
  process.stderr.write(`bench client: ${err.stack || err}\n`);
  process.exit(1);
});
