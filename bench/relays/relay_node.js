// The reference implementation: a Node `socket.io` relay with the app's wire shape.
// Join the room named by auth.workshop, number each `op`, rebroadcast it as `event`, ack
// with {ok, seq}. Same ping settings as the app; Node sockets have TCP_NODELAY on.
//
//   PORT=5002 node bench/relays/relay_node.js
"use strict";
const http = require("http");
const { Server } = require("socket.io");

const port = Number(process.env.PORT || 5002);
const host = process.env.HOST || "127.0.0.1";
const server = http.createServer((req, res) => {
  if (req.url === "/healthz") {
    res.writeHead(200, { "Content-Type": "application/json" });
    res.end('{"status":"ok"}');
    return;
  }
  res.writeHead(404);
  res.end();
});
server.on("connection", (socket) => socket.setNoDelay(true));
const io = new Server(server, {
  pingInterval: 20000,
  pingTimeout: 20000,
  maxHttpBufferSize: 64 * 1024,
  transports: ["polling", "websocket"],
});
const seqs = new Map();

io.on("connection", (socket) => {
  const room = (socket.handshake.auth && socket.handshake.auth.workshop) || "bench";
  socket.join(room);
  socket.on("op", (payload, ack) => {
    payload = payload && typeof payload === "object" ? payload : {};
    const seq = (seqs.get(room) || 0) + 1;
    seqs.set(room, seq);
    const event = { seq, type: payload.type, actor: socket.id, at: new Date().toISOString(),
                    op_id: payload.op_id, data: payload.data };
    // To everyone else: the sender has the event in its ack, as with the app (protocol.md).
    socket.to(room).emit("event", event);
    if (typeof ack === "function") ack({ ok: true, seq, event });
  });
});

server.listen(port, host, () => {
  console.log(`Node socket.io relay on http://${host}:${port}`);
});
process.on("SIGTERM", () => process.exit(0));
