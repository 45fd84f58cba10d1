"""The lock every server holds on its SQLite file while it serves, so a restore can tell.

A restore that swapped the file under a running server lost what the server acknowledged
afterwards: it went on writing into the replaced file (issue 25). So each serving process
holds a shared `flock` on `<database>.lock` for its whole life, and a restore takes it
exclusively, without waiting: it is refused while any server holds it, and a server that
starts meanwhile waits for the restore to finish. The kernel drops the lock with the
process, however it ends (a SIGKILL included), so a crashed server leaves nothing stale.
The file itself stays: removing it would let a server and a restore lock different files.
"""

from __future__ import annotations

import fcntl
import os
from pathlib import Path


class DatabaseInUse(Exception):
    """A server holds the database's lock; the message says to stop it first."""


def lock_path(database: Path) -> Path:
    """The lock file beside a SQLite database."""
    return Path(f"{database}.lock")


class ServingLock:
    """A held lock on one database's lock file; released by `release` or at exit."""

    def __init__(self, database: Path, exclusive: bool):
        self.path = lock_path(database)
        self._fd = os.open(self.path, os.O_RDWR | os.O_CREAT, 0o600)
        try:
            fcntl.flock(self._fd, (fcntl.LOCK_EX if exclusive else fcntl.LOCK_SH)
                        | fcntl.LOCK_NB)
        except BlockingIOError:
            os.close(self._fd)
            raise

    def release(self) -> None:
        """Let go of the lock (closing the file releases it)."""
        if self._fd >= 0:
            os.close(self._fd)
            self._fd = -1

    def __enter__(self) -> ServingLock:
        return self

    def __exit__(self, *_exc) -> None:
        self.release()


def hold_for_serving(database: Path) -> ServingLock | None:
    """The shared lock of a serving process, or None while a restore holds the file."""
    try:
        return ServingLock(database, exclusive=False)
    except BlockingIOError:
        return None


def hold_for_restore(database: Path) -> ServingLock:
    """The exclusive lock a restore holds while it replaces the file; DatabaseInUse if a
    server is serving it."""
    try:
        return ServingLock(database, exclusive=True)
    except BlockingIOError:
        raise DatabaseInUse(
            f"a running server is using {database}: stop the server first, then restore "
            f"(it holds {lock_path(database)})") from None
