"""SQLite WAL checkpoints in an OS thread of their own, so a checkpoint never stalls the hub.

In WAL mode SQLite copies the log back into the database (a checkpoint) once the log holds
`wal_autocheckpoint` pages, and it does so inside the COMMIT that crossed the line: that
commit also fsyncs the database. Under eventlet the sqlite3 driver is C code that the hub
cannot switch away from, so every ~100 ops one op took ~7 ms instead of ~1 ms, and every
other green thread (everyone's fan-out) waited for it (docs/decisions/checkpoint-thread.md).

While served, a real OS thread checkpoints every `interval` seconds on its own connection.
The sqlite3 module releases the GIL while SQLite works, so the hub keeps running. A PASSIVE
checkpoint never waits for readers or writers; what it cannot copy yet it copies next time.
The served connections keep a high `wal_autocheckpoint` as a safety net: should this thread
ever fall behind, the log is still bounded.
"""

from __future__ import annotations

import logging
import sqlite3

from workshop.os_threads import OsThread

log = logging.getLogger(__name__)

# Pages (4 KiB) a served connection lets the log grow to before checkpointing itself.
SAFETY_NET_PAGES = 10_000


class WalCheckpointer:
    """Checkpoints one SQLite database file from an OS thread until stopped."""

    def __init__(self, path: str, interval: float = 1.0):
        self.path = path
        self.interval = interval
        self.checkpoints = 0  # completed checkpoint calls, for tests and curiosity
        self.last: tuple[int, int, int] | None = None  # what the latest one reported
        self._thread = OsThread(self._run)

    def start(self) -> WalCheckpointer:
        """Start the thread; returns self."""
        self._thread.start()
        return self

    def stop(self, timeout: float = 5.0) -> None:
        """Ask the thread to finish and wait for it."""
        self._thread.stop(timeout)

    @property
    def running(self) -> bool:
        """Whether the thread is alive."""
        return self._thread.running

    def _run(self, stopped_within) -> None:
        connection = sqlite3.connect(self.path, check_same_thread=False, isolation_level=None)
        try:
            connection.execute("PRAGMA busy_timeout=1000")
            self._use_wal(connection)
            while not stopped_within(self.interval):
                self.checkpoint(connection)
        finally:
            connection.close()

    def checkpoint(self, connection: sqlite3.Connection) -> tuple[int, int, int]:
        """One PASSIVE checkpoint: (busy, log pages, pages checkpointed), as SQLite reports."""
        try:
            result = tuple(connection.execute("PRAGMA wal_checkpoint(PASSIVE)").fetchone())
        except sqlite3.Error as error:  # e.g. the file is being restored; try again later
            log.warning("WAL checkpoint failed: %s", error)
            return (1, -1, -1)
        self.checkpoints += 1
        self.last = result
        if result[1] == -1:  # SQLite's answer where there is no WAL: see _use_wal
            self._use_wal(connection)
        return result

    @staticmethod
    def _use_wal(connection: sqlite3.Connection) -> None:
        """Put the file in WAL mode, as every served connection does, and see that it is.

        A freshly migrated file is in rollback-journal mode until the first served connection
        switches it. A connection that looked at the file before that keeps its view: its
        checkpoints answered "no WAL" for good, and commits copied 10,000 pages at a time.
        """
        try:
            connection.execute("PRAGMA journal_mode=WAL").fetchone()
        except sqlite3.Error as error:  # busy: the next turn tries again
            log.warning("could not put the database in WAL mode: %s", error)
