"""Heavy work in a small pool of worker processes, so it never holds the serving hub.

Under eventlet one thread (the hub) serves every connection of the process. PDF layout
(WeasyPrint), YAML and CSV parsing are mostly pure Python: in a thread (`eventlet.tpool`)
they would still hold the GIL and stall the hub, so they run in other processes instead.

- The workers start with the `spawn` method: a fresh interpreter that inherits neither
  eventlet's monkey-patching nor the server's sockets and database connections.
- They run at a lower CPU priority (`os.nice`), so on a small machine the hub keeps its
  core while a PDF is laid out beside it.
- Concurrency is bounded three times: `workers` processes run jobs, and at most `waiting`
  jobs are accepted at once; one more is refused at once with `busy` (HTTP 503) rather than
  queued without end behind a flood of heavy requests. And one `owner` (a participant) has
  at most `per_owner` jobs accepted at once, refused past that with `rate_limited` (429):
  one person in several tabs cannot take every slot and leave everyone else `busy`.
- The caller waits on a `concurrent.futures` Future. Under eventlet its lock is green, so
  the waiting request yields to the hub; in threading mode it blocks its own thread only.
- Jobs travel to the workers through a pipe. Under eventlet or gevent, a green thread writes
  them: were the pipe blocking, a job larger than the pipe's buffer (an import of
  megabytes) would hold the hub until a worker read it all, seconds when the worker is
  still busy with the job before. The pipe is made non-blocking then, and eventlet's green
  `os.write` (gevent's `nb_write`) waits for room by yielding to the hub.
- A worker exits as soon as the server process is gone (even after SIGKILL), so no
  worker outlives the server; `close` shuts the pool down in tests and at exit.
"""

from __future__ import annotations

import atexit
import functools
import multiprocessing
import os
import threading
from collections.abc import Callable, Hashable
from concurrent.futures import CancelledError, Future, ProcessPoolExecutor
from concurrent.futures import TimeoutError as FutureTimeout
from concurrent.futures.process import BrokenProcessPool
from multiprocessing.connection import Connection
from multiprocessing.connection import wait as wait_for_ready
from typing import TypeVar

from workshop.os_threads import gevent_monkey
from workshop.services.errors import ServiceError

T = TypeVar("T")

# Niceness added to a worker: the scheduler then favours the serving process's hub. (19 was
# measured against 10 beside imports and stayed inside the run-to-run spread:
# docs/performance.md, "Customer data imports beside a live workshop".)
WORKER_NICENESS = 10
# Jobs accepted at once per worker process (running or queued for it): enough for a room
# exporting at the end of a session (each waits its turn), not a queue without end.
WAITING_PER_WORKER = 8
# Longest a request waits for its job; a job that takes longer is abandoned (its worker
# restarted), so a pathological input cannot hold a worker for ever.
DEFAULT_TIMEOUT_S = 60.0
BUSY = "the server is busy with other heavy requests (PDFs, imports): try again in a moment"
# Jobs one participant may have accepted at once: a PDF and an A4 check side by side.
DEFAULT_PER_OWNER = 2
AT_ONCE = ("you already have {n} heavy requests (PDFs, imports, pictures) running: wait for "
           "them to finish")


def default_workers() -> int:
    """One process per core but one (the hub's), at least one, at most four."""
    return max(1, min(4, (os.cpu_count() or 2) - 1))


def _start_worker(niceness: int) -> None:
    """In each worker: lower its priority, and exit once the server process is gone."""
    if niceness:
        os.nice(niceness)
    parent = multiprocessing.parent_process()
    if parent is not None:
        threading.Thread(target=_exit_with, args=(parent.sentinel,), daemon=True,
                         name="exit-with-server").start()


def _exit_with(sentinel: int) -> None:
    """Block until the parent's sentinel is ready (it exited), then leave at once."""
    wait_for_ready([sentinel])
    os._exit(0)


class WorkerPool:
    """Runs functions in worker processes with bounded concurrency (see the module doc)."""

    def __init__(self, workers: int | None = None, waiting: int | None = None,
                 timeout: float = DEFAULT_TIMEOUT_S, niceness: int = WORKER_NICENESS,
                 per_owner: int | None = None):
        self.workers = workers or default_workers()
        self.waiting = waiting or self.workers * WAITING_PER_WORKER
        self.per_owner = per_owner or DEFAULT_PER_OWNER
        self._owned: dict[Hashable, int] = {}  # owner -> its jobs accepted and not yet done
        self.timeout = timeout
        self.niceness = niceness
        self._slots = threading.BoundedSemaphore(self.waiting)
        self._lock = threading.Lock()
        self._executor: ProcessPoolExecutor | None = None
        self._closed = False
        self._shared: dict[Hashable, tuple] = {}  # key -> (executor, Future) of a shared job
        self._shared_lock = threading.Lock()

    def run(self, function: Callable[..., T], *args, owner: Hashable | None = None,
            **kwargs) -> T:
        """`function(*args, **kwargs)` in a worker; its exception, if any, is raised here.

        The function and its arguments must pickle (a module-level function, plain data).
        Raises ServiceError('busy') when `waiting` jobs are already accepted, or when the
        job runs past the timeout or its worker dies; ServiceError('rate_limited') when
        `owner` already has `per_owner` jobs accepted.
        """
        self._take(owner)
        try:
            executor, future = self._submit(function, args, kwargs)
            try:
                return self._result(executor, future)
            finally:
                self._slots.release()
        finally:
            self._give_back(owner)

    def run_shared(self, key: Hashable, function: Callable[..., T], *args,
                   owner: Hashable | None = None) -> T:
        """Like `run`, but callers asking for the same `key` while its job runs wait for that
        one job instead of sending another (every editor of a document asks for its A4 check
        after the same save); only the caller that sends the job counts for its `owner`."""
        with self._shared_lock:
            shared = self._shared.get(key)
            sender = shared is None
            if sender:
                self._take(owner)
                try:
                    shared = self._shared[key] = self._submit(function, args, {})
                except BaseException:
                    self._give_back(owner)
                    raise
        try:
            return self._result(*shared)
        finally:
            if sender:
                with self._shared_lock:
                    del self._shared[key]
                self._slots.release()
                self._give_back(owner)

    def _take(self, owner: Hashable | None) -> None:
        """Count one more job of `owner`, or refuse it with `rate_limited` past `per_owner`."""
        if owner is None:
            return
        with self._lock:
            running = self._owned.get(owner, 0)
            if running >= self.per_owner:
                raise ServiceError("rate_limited", AT_ONCE.format(n=running),
                                   {"at_once": self.per_owner}, reason="heavy_at_once")
            self._owned[owner] = running + 1

    def _give_back(self, owner: Hashable | None) -> None:
        """One job of `owner` is done (answered, refused or failed)."""
        if owner is None:
            return
        with self._lock:
            left = self._owned.pop(owner) - 1
            if left:
                self._owned[owner] = left

    def _submit(self, function: Callable, args: tuple, kwargs: dict) -> tuple:
        """Take a slot and send the job: (its executor, its Future); busy without a slot."""
        if not self._slots.acquire(blocking=False):
            raise ServiceError("busy", BUSY)
        executor = self._started()
        try:
            return executor, executor.submit(function, *args, **kwargs)
        except BrokenProcessPool:  # a worker died since the last job: start afresh
            self._slots.release()
            self._restart(executor)
            raise ServiceError("busy", BUSY) from None
        except BaseException:
            self._slots.release()
            raise

    def _result(self, executor: ProcessPoolExecutor, future: Future):
        """The job's result, waiting at most `timeout`; a stuck or broken pool is restarted."""
        try:
            return future.result(self.timeout)
        except FutureTimeout:
            if future.done():  # the job itself raised a TimeoutError
                raise
            self._restart(executor)
            raise ServiceError("busy", "this took too long and was stopped: make it smaller, "
                                       "or try again later") from None
        except (BrokenProcessPool, CancelledError):  # a worker died (killed, out of memory)
            self._restart(executor)
            raise ServiceError("busy", BUSY) from None

    def _started(self) -> ProcessPoolExecutor:
        """The executor, started on first use (most processes never need one)."""
        with self._lock:
            if self._closed:
                raise RuntimeError("this worker pool is closed")
            if self._executor is None:
                self._executor = ProcessPoolExecutor(
                    self.workers, mp_context=multiprocessing.get_context("spawn"),
                    initializer=_start_worker, initargs=(self.niceness,))
                if _green_pipe_writes():
                    os.set_blocking(_job_pipe(self._executor).fileno(), False)
                elif gevent_monkey() is not None:
                    _write_through_gevent(_job_pipe(self._executor))
                atexit.register(self.close)
            return self._executor

    def _restart(self, executor: ProcessPoolExecutor) -> None:
        """Stop a broken or stuck executor (killing its workers); the next job starts anew.

        Several jobs may fail with the same executor: only the first replaces it, so a
        later one never stops the new executor that other jobs already use.
        """
        with self._lock:
            if self._executor is executor:
                self._executor = None
        _terminate(executor)

    @property
    def started(self) -> bool:
        """Whether worker processes may be running."""
        return self._executor is not None

    def pids(self) -> list[int]:
        """The worker processes' ids (for tests and the benchmark)."""
        executor = self._executor
        processes = getattr(executor, "_processes", None) or {}
        return sorted(processes)

    def close(self) -> None:
        """Stop the workers and wait for them; the pool refuses work afterwards."""
        with self._lock:
            self._closed = True
            executor, self._executor = self._executor, None
        if executor is not None:
            _terminate(executor)
        atexit.unregister(self.close)


def _green_pipe_writes() -> bool:
    """Whether multiprocessing writes pipes with eventlet's green `os.write` (monkey-patched
    before multiprocessing was imported, as wsgi.py does)."""
    return getattr(Connection._write, "__module__", "") == "eventlet.green.os"


def _write_through_gevent(pipe: Connection) -> None:
    """Under gevent, make a pipe's writes wait for room by yielding to the hub.

    gevent patches neither `os.write` nor multiprocessing, so the job pipe is made
    non-blocking and its connection writes with gevent's `nb_write`, which waits on the hub
    whenever the pipe is full (the same effect as eventlet's green `os.write`, above).
    """
    from gevent.os import nb_write

    os.set_blocking(pipe.fileno(), False)
    pipe._send = functools.partial(Connection._send, pipe, write=nb_write)


def _job_pipe(executor: ProcessPoolExecutor) -> Connection:
    """The writing end of the pipe that carries jobs to the workers (a private attribute of
    ProcessPoolExecutor, which offers no way to configure it)."""
    return executor._call_queue._writer


def _terminate(executor: ProcessPoolExecutor) -> None:
    """Shut an executor down without waiting for running jobs: its workers are killed."""
    processes = list((getattr(executor, "_processes", None) or {}).values())
    for process in processes:
        if process.is_alive():
            process.terminate()
    executor.shutdown(wait=True, cancel_futures=True)
    for process in processes:
        process.join(5)
