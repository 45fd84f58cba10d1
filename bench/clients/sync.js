// `sync` round trips from a socket.io-client, as the browser board makes them.
//   node bench/clients/sync.js '{"url", "cookie", "workshop", "since", "repeats"}'
// Prints {"ms": [...], "events": n}: the time from sending `sync` to having the parsed ack.
"use strict";
const { performance } = require("perf_hooks");
const { io } = require("socket.io-client");

const cfg = JSON.parse(process.argv[2]);
const socket = io(cfg.url, { transports: ["websocket"], forceNew: true, reconnection: false,
                             auth: { workshop: cfg.workshop },
                             extraHeaders: { Cookie: cfg.cookie } });
socket.once("connect_error", (err) => { console.error(err.message); process.exit(1); });
socket.once("connect", async () => {
  const ms = [];
  let events = 0;
  for (let i = 0; i < cfg.repeats; i++) {
    const t = performance.now();
    const ack = await socket.timeout(30000).emitWithAck("sync", { since: cfg.since });
    ms.push(performance.now() - t);
    events = (ack.events || []).length;
  }
  socket.disconnect();
  process.stdout.write(JSON.stringify({ ms, events }) + "\n");
  process.exit(0);
});
