"""Readying a server's database before it serves: lock, schema, WAL checkpoints, warm-up.

`python wsgi.py` calls `prepare` once, before it listens. A database that another process
holds locked for a moment (a backup, a migration, another server starting) is waited for;
one that cannot be served (never migrated, a newer schema) ends the start with one line
that says what to do, instead of a server that answers every request with a 500.
"""

from __future__ import annotations

import time
from collections.abc import Callable
from pathlib import Path
from typing import TypeVar

from sqlalchemy.exc import OperationalError

from workshop import migrate, serving_lock
from workshop.db import Database, sqlite_file

# How long start-up waits for a database that another process keeps locked.
LOCKED_WAIT_S = 120.0
RETRY_INTERVAL_S = 0.25

T = TypeVar("T")


class CannotServe(Exception):
    """Why the server does not start, in one line."""


def prepare(database: Database, say: Callable[[str], None] = print,
            wait: float = LOCKED_WAIT_S) -> serving_lock.ServingLock | None:
    """Make the database ready to serve, or raise CannotServe.

    Returns the serving lock of a SQLite file (None on PostgreSQL), which the caller keeps
    for as long as it serves: `flask restore` is refused while it is held.
    """
    deadline = time.monotonic() + wait
    path = sqlite_file(database.url)
    lock = None if path is None else _serving_lock(Path(path), deadline, say)
    try:
        _patiently(lambda: migrate.require_current(database.url), deadline, say)
    except migrate.SchemaNotCurrent as problem:
        raise CannotServe(str(problem)) from None
    # A served SQLite file is checkpointed from an OS thread (workshop/wal_checkpoints.py).
    database.checkpoint_in_background()
    # Then the op path is readied (statements compiled, connections open): the first ops
    # served took about 2 ms longer each otherwise (docs/performance.md, "The write path on
    # the hub").
    _patiently(database.warm_up, deadline, say)
    return lock


def _serving_lock(path: Path, deadline: float, say) -> serving_lock.ServingLock:
    """The serving lock, waited for while a restore replaces the file."""
    told = False
    while (lock := serving_lock.hold_for_serving(path)) is None:
        if time.monotonic() >= deadline:
            raise CannotServe(f"a restore of {path} is still under way; start the server "
                              "once it has finished")
        if not told:
            say(f"A restore is replacing {path}; waiting for it to finish.")
            told = True
        time.sleep(RETRY_INTERVAL_S)
    return lock


def _patiently(step: Callable[[], T], deadline: float, say) -> T:
    """Run `step`, again and again while another process holds the database locked."""
    told = False
    while True:
        try:
            return step()
        except OperationalError as error:
            if not _locked(error):
                raise CannotServe(f"cannot open the database: {error.orig}") from None
            if time.monotonic() >= deadline:
                raise CannotServe("the database stayed locked by another process; stop "
                                  "that process, then start the server") from None
            if not told:
                say("The database is locked by another process; waiting for it.")
                told = True
            time.sleep(RETRY_INTERVAL_S)


def _locked(error: OperationalError) -> bool:
    """Whether SQLite refused because another connection holds a lock (SQLITE_BUSY)."""
    message = str(error.orig).lower()
    return "database is locked" in message or "database is busy" in message
