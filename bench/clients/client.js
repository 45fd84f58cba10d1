// Drives N real socket.io-client connections through a workshop session and measures it.
//
//   node bench/clients/client.js config.json > result.json
//
// config: {clients: [{url, cookie}], auth: {workshop, batch}, rate (ops per participant per s),
//          duration, settle, drainTimeout (s), seed, personaId, assumptionIds, addShare,
//          warmupOps}
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
const N = cfg.clients.length;
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

const known = [...(cfg.assumptionIds || [])];
const sockets = new Array(N);
const recvSeq = Array.from({ length: N }, () => []);   // per client: seq of each receipt
const recvAt = Array.from({ length: N }, () => []);    // per client: time of each receipt
const sentBySeq = new Map();                           // seq -> [sentAt, client]
const ackLatency = [];
const ackErrors = {};
let ackTimeouts = 0;
let pendingAcks = 0;
let opsSent = 0;
let presenceSignals = 0;
let presenceBytes = 0;                                 // JSON size of presence messages
let loadEnd = Infinity;
let disconnects = 0;
let messages = 0;                                      // `event` and `events` messages

function connectOne(i) {
  const c = cfg.clients[i];
  return new Promise((resolve, reject) => {
    const socket = io(c.url, {
      transports: ["websocket"], forceNew: true, reconnection: false, timeout: 20000,
      auth: cfg.auth, extraHeaders: c.cookie ? { Cookie: c.cookie } : {},
    });
    const receive = (event, at) => {
      recvAt[i].push(at);
      recvSeq[i].push(event.seq);
      if (i === 0 && event.type === "assumption.added" && event.data && event.data.assumption) {
        known.push(event.data.assumption.id);
      }
    };
    socket.on("event", (event) => { messages += 1; receive(event, performance.now()); });
    socket.on("events", (message) => {
      const at = performance.now();
      messages += 1;
      for (const event of message.events) receive(event, at);
    });
    for (const name of ["presence", "presence_delta"]) {
      socket.on(name, (message) => {
        presenceSignals += 1;
        presenceBytes += JSON.stringify(message).length;
      });
    }
    socket.on("disconnect", () => { disconnects += 1; });
    socket.once("connect", () => { sockets[i] = socket; resolve(); });
    socket.once("connect_error", (err) => reject(new Error(`client ${i}: ${err.message}`)));
  });
}

function sendOp(i, random, n) { // n: the op's number at client i, or a warm-up op's tag
  const add = known.length === 0 || random() < cfg.addShare;
  const op = add
    ? { op_id: `b${i}-${n}`, type: "assumption.add",
        data: { persona_id: cfg.personaId, category: CATEGORIES[Math.floor(random() * 10)],
                text: `Bench note ${i}-${n}: prefers short answers by chat` } }
    : { op_id: `b${i}-${n}`, type: "vote.cast",
        data: { assumption_id: known[Math.floor(random() * known.length)],
                stance: STANCES[Math.floor(random() * 3)] } };
  const sentAt = performance.now();
  pendingAcks += 1;
  opsSent += 1;
  sockets[i].timeout(cfg.drainTimeout * 1000).emit("op", op, (err, ack) => {
    pendingAcks -= 1;
    if (err) { ackTimeouts += 1; return; }
    const ackAt = performance.now();
    ackLatency.push(ackAt - sentAt);
    if (ack && ack.ok) {
      sentBySeq.set(ack.seq, [sentAt, i, ackAt, op.type]);
      // The ack carries the entry, as the board applies it (docs/protocol.md).
      recvSeq[i].push(ack.seq);
      recvAt[i].push(ackAt);
    } else {
      const code = (ack && ack.error && ack.error.code) || "unknown";
      ackErrors[code] = (ackErrors[code] || 0) + 1;
    }
  });
}

function participantLoop(i) {
  const random = rng((cfg.seed || 1) * 7919 + i);
  let n = 0;
  const next = () => {
    const delay = (-Math.log(1 - random()) / cfg.rate) * 1000;
    setTimeout(() => {
      if (performance.now() >= loadEnd) return;
      sendOp(i, random, n++);
      next();
    }, delay);
  };
  next();
}

function deliveredAll() {
  if (pendingAcks > 0) return false;
  const counts = new Map();
  for (let i = 0; i < N; i++) {
    const seen = new Set(recvSeq[i]);
    for (const seq of seen) counts.set(seq, (counts.get(seq) || 0) + 1);
  }
  for (const seq of sentBySeq.keys()) if ((counts.get(seq) || 0) < N) return false;
  return true;
}

// Sends the warm-up ops, waits for every receipt, then forgets them: the measured load starts
// from clean counters on a client (and server) that has already been through every path.
async function warmUp() {
  const count = cfg.warmupOps || 0;
  if (count === 0) return;
  const random = rng((cfg.seed || 1) * 104729);
  const stride = Math.max(1, Math.floor(N / Math.min(N, count)));
  for (let k = 0; k < count; k++) {
    sendOp((k * stride) % N, random, `w${k}`);
    await sleep(25);
  }
  const deadline = performance.now() + cfg.drainTimeout * 1000;
  while (performance.now() < deadline && !deliveredAll()) await sleep(20);
  if (!deliveredAll()) throw new Error("the warm-up ops were not all acked and delivered");
  for (let i = 0; i < N; i++) { recvSeq[i].length = 0; recvAt[i].length = 0; }
  sentBySeq.clear();
  ackLatency.length = 0;
  for (const code of Object.keys(ackErrors)) delete ackErrors[code];
  ackTimeouts = 0;
  opsSent = 0;
  messages = 0;
}

async function main() {
  const t0 = performance.now();
  const batch = cfg.connectBatch || 25;
  for (let i = 0; i < N; i += batch) {
    const ids = [];
    for (let j = i; j < Math.min(N, i + batch); j++) ids.push(j);
    await Promise.all(ids.map(connectOne));
  }
  const connectMs = performance.now() - t0;
  const connectedAt = Date.now();
  await sleep((cfg.settle || 1) * 1000);
  for (let i = 0; i < N; i++) { recvSeq[i].length = 0; recvAt[i].length = 0; }
  await warmUp();

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
  for (let i = 0; i < N; i++) participantLoop(i);
  await sleep(cfg.duration * 1000);
  const loadEndEpoch = Date.now();
  const drainDeadline = performance.now() + cfg.drainTimeout * 1000;
  while (performance.now() < drainDeadline && !deliveredAll()) await sleep(50);
  const drainMs = performance.now() - loadEnd;
  const drainEndEpoch = Date.now();
  clearInterval(lagTimer);
  const cpu = process.cpuUsage(cpu0);

  // Join receipts with sends by seq.
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
  if (cfg.rawOut) { // per op: sent, ack and every other client's receipt (ms since load start)
    const byseq = new Map();
    for (let i = 0; i < N; i++) {
      for (let k = 0; k < recvSeq[i].length; k++) {
        const sent = sentBySeq.get(recvSeq[i][k]);
        if (!sent || sent[1] === i) continue;
        if (!byseq.has(recvSeq[i][k])) byseq.set(recvSeq[i][k], []);
        byseq.get(recvSeq[i][k]).push(Math.round((recvAt[i][k] - sent[0]) * 100) / 100);
      }
    }
    const ops = [...sentBySeq].map(([seq, [sentAt, client, ackAt, type]]) => ({
      seq, client, type, sent: Math.round((sentAt - loadStart) * 100) / 100,
      ack: Math.round((ackAt - sentAt) * 100) / 100,
      fanout: (byseq.get(seq) || []).sort((a, b) => a - b) }));
    fs.writeFileSync(cfg.rawOut, JSON.stringify({ ops, lag }));
  }
  const acked = sentBySeq.size;
  const expected = acked * N;
  const span = (lastDelivery - loadStart) / 1000;
  const result = {
    participants: N, rate: cfg.rate, duration_s: cfg.duration,
    ops_sent: opsSent, ops_acked_ok: acked, ack_errors: ackErrors, ack_timeouts: ackTimeouts,
    ack_ms: summary(ackLatency), fanout_ms: summary(fanout),
    deliveries: unique, expected_deliveries: expected,
    delivered_ratio: expected ? Math.round((unique / expected) * 1e6) / 1e6 : null,
    doubled, out_of_order: outOfOrder, stray_events: stray, messages,
    deliveries_per_s: span > 0 ? Math.round(unique / span) : null,
    drained: deliveredAll(), drain_ms: Math.round(drainMs),
    connect_ms: Math.round(connectMs), disconnects, presence_signals: presenceSignals,
    presence_bytes: presenceBytes,
    client_cpu_s: Math.round(((cpu.user + cpu.system) / 1e6) * 100) / 100,
    client_loop_lag_ms: summary(lag),
    epoch: { connected: connectedAt, load_start: loadStartEpoch, load_end: loadEndEpoch,
             drain_end: drainEndEpoch },
  };
  for (const s of sockets) if (s) s.disconnect();
  process.stdout.write(JSON.stringify(result) + "\n");
  setTimeout(() => process.exit(0), 200);
}

main().catch((err) => {
  process.stderr.write(`bench client: ${err.stack || err}\n`);
  process.exit(1);
});
