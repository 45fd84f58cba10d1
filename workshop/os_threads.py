"""Calls that spend their time in C with the GIL released, in a few real OS threads.

Under eventlet one thread (the hub) serves every connection of the process, and the hub
cannot switch away from C code: an FTS5 search that marks its matches in 50 long notes is
~a second of SQLite on the hub, every other request waiting. The sqlite3 module releases
the GIL while SQLite runs a statement, so such a call can run in a real OS thread
(`eventlet.tpool`) while the hub goes on. Pure Python work would still hold the GIL there:
that goes to worker processes instead (workshop/offload.py).

In threading mode every request already has a thread of its own: the call runs in it.
Either way at most `limit` such calls run at once (they share the machine's cores with the
hub); a caller that waits longer than `wait_s` for its turn is refused with `busy`.
"""

from __future__ import annotations

import importlib
import sys
import threading
from collections.abc import Callable
from typing import TypeVar

from workshop.services.errors import ServiceError

T = TypeVar("T")

DEFAULT_LIMIT = 2
DEFAULT_WAIT_S = 10.0
BUSY = "the server is busy with other searches: try again in a moment"


def eventlet_patcher():
    """eventlet's patcher when eventlet has made this process's threads green, else None."""
    patcher = sys.modules.get("eventlet.patcher")  # only a process that imported eventlet
    if patcher is not None and patcher.is_monkey_patched("thread"):
        return patcher
    return None


def os_threading():
    """The threading module of the OS, even where eventlet has monkey-patched `threading`."""
    patcher = eventlet_patcher()
    return patcher.original("threading") if patcher else threading


def _eventlet_tpool():
    """eventlet's pool of OS threads when eventlet serves this process, else None."""
    return importlib.import_module("eventlet.tpool") if eventlet_patcher() else None


class OsThreadGate:
    """Runs GIL-releasing calls off the hub, at most `limit` at once (see the module doc)."""

    def __init__(self, limit: int = DEFAULT_LIMIT, wait_s: float = DEFAULT_WAIT_S):
        self.limit = limit
        self.wait_s = wait_s
        # Created after monkey-patching (by the app factory), so under eventlet this is a
        # green semaphore: a caller waiting for its turn yields to the hub.
        self._slots = threading.BoundedSemaphore(limit)

    def run(self, function: Callable[..., T], *args) -> T:
        """`function(*args)` in an OS thread (the caller's own in threading mode)."""
        if not self._slots.acquire(timeout=self.wait_s):
            raise ServiceError("busy", BUSY)
        try:
            tpool = _eventlet_tpool()
            return tpool.execute(function, *args) if tpool is not None else function(*args)
        finally:
            self._slots.release()
