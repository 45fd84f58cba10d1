"""Serving the app: eventlet's WSGI server (default) or threading, with TCP_NODELAY."""

from __future__ import annotations

import os
import socket

from flask import Flask

from workshop.realtime import socketio


def set_nodelay(sock: socket.socket) -> None:
    """Send small frames at once instead of waiting ~40 ms for a delayed ACK (Nagle)."""
    sock.setsockopt(socket.IPPROTO_TCP, socket.TCP_NODELAY, 1)


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


def serve(app: Flask, host: str | None = None, port: int | None = None) -> None:
    """Serve until interrupted, in the async mode Socket.IO was bound with."""
    host = host or os.environ.get("HOST", "127.0.0.1")
    port = port or int(os.environ.get("PORT", "5000"))
    if socketio.async_mode == "eventlet":
        import eventlet
        import eventlet.wsgi

        listener = NoDelayListener(eventlet.listen((host, port)))
        print(f"Persona Workshop on http://{host}:{port} (eventlet)", flush=True)
        eventlet.wsgi.server(listener, app, log_output=False)
    else:
        from werkzeug.serving import WSGIRequestHandler

        class NoDelayHandler(WSGIRequestHandler):
            """Werkzeug's handler with TCP_NODELAY on the accepted socket."""

            def setup(self):
                set_nodelay(self.request)
                super().setup()

        print(f"Persona Workshop on http://{host}:{port} ({socketio.async_mode})", flush=True)
        socketio.run(app, host=host, port=port, allow_unsafe_werkzeug=True,
                     request_handler=NoDelayHandler, log_output=False)
