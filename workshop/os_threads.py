"""Calls that spend their time in C with the GIL released, in a few real OS threads.

Under eventlet or gevent one thread (the hub) serves every connection of the process, and
the hub cannot switch away from C code: an FTS5 search that marks its matches in 50 long
notes is ~a second of SQLite on the hub, every other request waiting. The sqlite3 module
releases the GIL while SQLite runs a statement, so such a call can run in a real OS thread
(`eventlet.tpool`, gevent's hub thread pool) while the hub goes on. Pure Python work would
still hold the GIL there: that goes to worker processes instead (workshop/offload.py).

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


def gevent_monkey():
    """gevent's monkey module when gevent has made this process's threads green, else None."""
    monkey = sys.modules.get("gevent.monkey")  # only a process that imported gevent
    if monkey is not None and monkey.is_module_patched("threading"):
        return monkey
    return None


def native(module: str, *names: str) -> list:
    """Attributes of a standard module as the OS has them, even where eventlet or gevent
    has monkey-patched it (e.g. `native("_thread", "start_new_thread")`)."""
    patcher = eventlet_patcher()
    if patcher is not None:
        original = patcher.original(module)
        return [getattr(original, name) for name in names]
    monkey = gevent_monkey()
    if monkey is not None:
        return list(monkey.get_original(module, list(names)))
    imported = importlib.import_module(module)
    return [getattr(imported, name) for name in names]


def _in_os_thread() -> Callable | None:
    """How to run a call in an OS thread from the hub, or None in threading mode."""
    if eventlet_patcher() is not None:
        tpool = importlib.import_module("eventlet.tpool")
        return lambda function, *args: tpool.execute(function, *args)
    if gevent_monkey() is not None:
        hub = importlib.import_module("gevent").get_hub()
        return lambda function, *args: hub.threadpool.apply(function, args)
    return None


class OsThread:
    """A loop in a real OS thread that can be stopped, under eventlet, gevent or neither.

    Built from `_thread`'s own primitives (`native`), since a patched `threading.Thread`
    would be a green thread that stops whenever the hub is held.
    """

    def __init__(self, target: Callable[[Callable[[float], bool]], None]):
        start_new_thread, allocate_lock = native("_thread", "start_new_thread",
                                                 "allocate_lock")
        self._start_new_thread = start_new_thread
        self._target = target
        self._stop = allocate_lock()  # held until stop(): waiting on it is the loop's sleep
        self._stop.acquire()
        self._done = allocate_lock()  # held while the thread runs
        self._alive = False

    def start(self) -> OsThread:
        """Start the thread; returns self."""
        self._done.acquire()
        self._alive = True
        self._start_new_thread(self._run, ())
        return self

    def _run(self) -> None:
        try:
            self._target(self.stopped_within)
        finally:
            self._alive = False
            self._done.release()

    def stopped_within(self, seconds: float) -> bool:
        """Wait up to `seconds`; whether stop() was called (the loop's test and sleep)."""
        if self._stop.acquire(timeout=seconds):
            self._stop.release()  # stays stopped for every later test
            return True
        return False

    def stop(self, timeout: float = 5.0) -> None:
        """Ask the loop to finish and wait up to `timeout` for it."""
        if self._stop.locked():
            self._stop.release()
        if self._alive and self._done.acquire(timeout=timeout):
            self._done.release()

    @property
    def running(self) -> bool:
        """Whether the thread is still running."""
        return self._alive


class OsThreadGate:
    """Runs GIL-releasing calls off the hub, at most `limit` at once (see the module doc)."""

    def __init__(self, limit: int = DEFAULT_LIMIT, wait_s: float = DEFAULT_WAIT_S):
        self.limit = limit
        self.wait_s = wait_s
        # Created after monkey-patching (by the app factory), so under eventlet or gevent
        # this is a green semaphore: a caller waiting for its turn yields to the hub.
        self._slots = threading.BoundedSemaphore(limit)

    def run(self, function: Callable[..., T], *args) -> T:
        """`function(*args)` in an OS thread (the caller's own in threading mode)."""
        if not self._slots.acquire(timeout=self.wait_s):
            raise ServiceError("busy", BUSY)
        try:
            elsewhere = _in_os_thread()
            return elsewhere(function, *args) if elsewhere is not None else function(*args)
        finally:
            self._slots.release()
