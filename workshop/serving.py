"""Serving the app: eventlet's WSGI server (default), gevent's, or threading, with TCP_NODELAY."""

from __future__ import annotations

import gc
import os
import socket

from flask import Flask
from flask_socketio import SocketIO

from workshop.config import ServingLimits
from workshop.connection_limits import (
    connection_slots,
    gevent_header_deadline_handler,
    header_deadline_protocol,
)
from workshop.realtime import socketio


def set_nodelay(sock: socket.socket) -> None:
    """Send small frames at once instead of waiting ~40 ms for a delayed ACK (Nagle)."""
    sock.setsockopt(socket.IPPROTO_TCP, socket.TCP_NODELAY, 1)


def _websocket_compression() -> bool:
    """WORKSHOP_WEBSOCKET_COMPRESSION=1 lets clients negotiate permessage-deflate again."""
    return os.environ.get("WORKSHOP_WEBSOCKET_COMPRESSION", "") in ("1", "true", "yes")


class NoDelayListener:
    """Wraps a listening socket so every accepted connection has TCP_NODELAY set."""

    def __init__(self, listener):
        self._listener = listener

    def accept(self):
        """Accept a connection and disable Nagle's algorithm on it."""
        conn, address = self._listener.accept()
        set_nodelay(conn)
        return conn, address

    def __getattr__(self, name):
        return getattr(self._listener, name)


class WithoutWebSocketCompression:
    """WSGI middleware that declines permessage-deflate on WebSocket upgrades.

    eventlet accepts permessage-deflate whenever a client offers it (browsers always do).
    Then every event is deflated once per connection: with 200 people in a room that is 200
    compressions per event, and each connection keeps a zlib context of ~300 KiB. Events are
    a few hundred bytes, so the bandwidth saved is small next to the CPU and memory spent
    (docs/performance.md, "Fan-out"). simple-websocket (threading mode) never compresses.
    """

    def __init__(self, wsgi_app):
        self.wsgi_app = wsgi_app

    def __call__(self, environ, start_response):
        environ.pop("HTTP_SEC_WEBSOCKET_EXTENSIONS", None)
        return self.wsgi_app(environ, start_response)


# Connections the kernel queues before they are accepted (capped by net.core.somaxconn).
LISTEN_BACKLOG = 1024

# Allocations (net of frees) between two young-generation collections; CPython's default is
# 700. A served board allocates thousands of short-lived container objects per second (a
# message to each of 200 connections), so at 700 the collector ran ~20 times a second and
# promoted messages still in flight to older generations, whose collections then walked
# every connection's objects: 10-20 ms pauses of the whole hub. At 10,000 it runs a few
# times in 8 seconds, with fewer promotions; the young generation stays a few MiB at most.
YOUNG_GENERATION_THRESHOLD = 10_000


def tune_garbage_collector() -> None:
    """Exclude what exists at startup from the cyclic GC, and collect the young less often.

    Modules, the app and its compiled statements live as long as the process, yet every
    full (generation 2) collection walked all ~150,000 of them: a 50-70 ms pause of the
    whole hub, so every event in flight waited (docs/decisions/gc-freeze.md). Frozen, a full
    collection only walks what was made since: ~10 ms with 200 people connected, and with
    the threshold above it seldom runs during a session.
    """
    gc.collect()
    gc.freeze()
    _, middle, old = gc.get_threshold()
    gc.set_threshold(YOUNG_GENERATION_THRESHOLD, middle, old)


def serve(app: Flask, host: str | None = None, port: int | None = None,
          server: SocketIO | None = None, name: str = "Persona Workshop",
          limits: ServingLimits | None = None) -> None:
    """Serve until interrupted, in the async mode Socket.IO was bound with.

    `server` defaults to the app's Socket.IO extension; the benchmark's bare relay passes its
    own, so the framework floor is served with exactly the same socket settings. `limits`
    (default: from the environment) bound the connections and the time a request's head may
    take (workshop/connection_limits.py).
    """
    server = server or socketio
    limits = limits or ServingLimits.from_env()
    slots = connection_slots(limits.max_connections)
    tune_garbage_collector()
    if not _websocket_compression():
        app.wsgi_app = WithoutWebSocketCompression(app.wsgi_app)
    host = host or os.environ.get("HOST", "127.0.0.1")
    port = port or int(os.environ.get("PORT", "5000"))
    if server.async_mode == "eventlet":
        import eventlet
        import eventlet.wsgi

        # A deep accept queue: after a restart, everyone's board reconnects at once.
        listener = NoDelayListener(eventlet.listen((host, port), backlog=LISTEN_BACKLOG))
        print(f"{name} on http://{host}:{port} (eventlet, up to {slots:,} connections)",
              flush=True)
        eventlet.wsgi.server(listener, app, log_output=False, max_size=slots,
                             protocol=header_deadline_protocol(limits.header_timeout))
    elif server.async_mode == "gevent":
        from gevent.pool import Pool
        from gevent.pywsgi import WSGIServer

        print(f"{name} on http://{host}:{port} (gevent, up to {slots:,} connections)",
              flush=True)
        # A full pool stops accepting until a connection closes, as eventlet's max_size does.
        WSGIServer((host, port), app, backlog=LISTEN_BACKLOG, spawn=Pool(slots), log=None,
                   handler_class=gevent_header_deadline_handler(limits.header_timeout)
                   ).serve_forever()
    else:
        from werkzeug.serving import WSGIRequestHandler

        class NoDelayHandler(WSGIRequestHandler):
            """Werkzeug's handler with TCP_NODELAY on the accepted socket."""

            def setup(self):
                set_nodelay(self.request)
                super().setup()

            def handle_one_request(self):
                # Werkzeug runs a thread per connection (no connection limit); the request
                # line and each header line must still come within the header timeout.
                self.connection.settimeout(limits.header_timeout)
                super().handle_one_request()

            def parse_request(self):
                try:
                    return super().parse_request()
                finally:
                    self.connection.settimeout(None)

        print(f"{name} on http://{host}:{port} ({server.async_mode})", flush=True)
        server.run(app, host=host, port=port, allow_unsafe_werkzeug=True,
                   request_handler=NoDelayHandler, log_output=False)
