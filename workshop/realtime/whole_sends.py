"""Every WebSocket frame written whole, where simple-websocket serves (gevent, threading).

simple-websocket 1.1.0 writes a frame with one `socket.send`, which may send only part of it:
gevent's cooperative socket does so whenever a frame is larger than the socket's buffer. The
rest of that frame is lost and the connection is out of step for good, so a `sync` answer or
a snapshot of a few megabytes never arrived (the client timed out). Upstream fixed it after
1.1.0 (miguelgrinberg/simple-websocket#45); until a release carries the fix, each socket
simple-websocket is given is wrapped so `send` writes the whole frame, one frame at a time:
its reader task also writes (pongs, the closing frame), and two writers must not interleave.
"""

from __future__ import annotations

import threading


class WholeSends:
    """A socket whose `send` writes all it is given, under a lock; the rest is the socket's."""

    def __init__(self, sock):
        self._sock = sock
        # Made after monkey-patching, so under gevent this is a green lock.
        self._lock = threading.Lock()

    def send(self, data) -> int:
        """Write the whole of `data`; returns its length, as a full `socket.send` would."""
        with self._lock:
            self._sock.sendall(data)
        return len(data)

    def __getattr__(self, name):
        return getattr(self._sock, name)


def write_whole_frames() -> None:
    """Make simple-websocket wrap each socket it is given in WholeSends (once per process)."""
    from simple_websocket import ws

    original = ws.Base.__init__
    if getattr(original, "wraps_sockets", False):
        return

    def __init__(self, sock=None, *args, **kwargs):
        original(self, WholeSends(sock) if sock is not None else None, *args, **kwargs)

    __init__.wraps_sockets = True
    ws.Base.__init__ = __init__
