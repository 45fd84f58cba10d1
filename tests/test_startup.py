"""Start-up (workshop/startup.py): a locked file is waited for, an unservable one refused."""

import sqlite3
import subprocess
import sys
import time
from contextlib import closing

import pytest

from workshop import db, startup
from workshop.backup import BackupError, restore_sqlite
from workshop.db import Database, sqlite_file
from workshop.migrate import head_revision
from workshop.serving_lock import lock_path

HOLD_WRITE_LOCK = """
import sqlite3, sys, time
connection = sqlite3.connect(sys.argv[1], isolation_level=None)
connection.execute("BEGIN IMMEDIATE")
connection.execute("CREATE TABLE held_by_another_process (x)")
print("held", flush=True)
time.sleep(float(sys.argv[2]))
connection.execute("ROLLBACK")
"""


def hold_write_lock(path: str, seconds: float) -> subprocess.Popen:
    """Another process holding SQLite's write lock on the file for `seconds`."""
    holder = subprocess.Popen([sys.executable, "-c", HOLD_WRITE_LOCK, path, str(seconds)],
                              stdout=subprocess.PIPE, text=True)
    assert holder.stdout.readline().strip() == "held"
    return holder


HEAD = head_revision()  # the revision this code needs


def test_a_database_never_migrated_is_refused_with_what_to_run(tmp_path):
    database = Database(f"sqlite:///{tmp_path / 'new.sqlite3'}")
    with pytest.raises(startup.CannotServe) as refused:
        startup.prepare(database, say=print)
    assert str(refused.value) == ("the database was never migrated: run `flask --app workshop "
                                  f"db-upgrade` (this code needs schema revision {HEAD})")
    database.dispose()


def test_an_older_and_a_newer_schema_are_refused(sqlite_url):
    database = Database(sqlite_url)
    with closing(sqlite3.connect(sqlite_file(sqlite_url))) as admin, admin:
        admin.execute("UPDATE alembic_version SET version_num = '0006'")
    with pytest.raises(startup.CannotServe, match="at schema revision 0006, this code needs "
                                                  f"{HEAD}: run `flask --app workshop db-upgrade`"):
        startup.prepare(database)
    with closing(sqlite3.connect(sqlite_file(sqlite_url))) as admin, admin:
        admin.execute("UPDATE alembic_version SET version_num = '0099'")
    with pytest.raises(startup.CannotServe, match=f"newer than this code's {HEAD}"):
        startup.prepare(database)
    database.dispose()


def test_start_up_waits_while_another_process_holds_the_write_lock(sqlite_url):
    # The file is fresh from the migrations, so the server switches it to WAL, which SQLite
    # refuses at once (busy timeout or not) while another process writes.
    database = Database(sqlite_url)
    said: list[str] = []
    holder = hold_write_lock(sqlite_file(sqlite_url), 1.5)
    started = time.monotonic()
    try:
        lock = startup.prepare(database, say=said.append)
    finally:
        holder.wait(timeout=10)
    assert time.monotonic() - started >= 1.2  # it waited for the lock to be released
    assert said == ["The database is locked by another process; waiting for it."]
    with closing(sqlite3.connect(sqlite_file(sqlite_url))) as check:
        assert check.execute("PRAGMA journal_mode").fetchone() == ("wal",)
    lock.release()
    database.dispose()


def test_start_up_gives_up_with_one_line_when_the_lock_is_never_released(sqlite_url,
                                                                         monkeypatch):
    monkeypatch.setattr(db, "BUSY_TIMEOUT_MS", 100)  # no statement waits past the deadline
    database = Database(sqlite_url)
    holder = hold_write_lock(sqlite_file(sqlite_url), 30)
    try:
        with pytest.raises(startup.CannotServe, match="stayed locked by another process"):
            startup.prepare(database, say=lambda _line: None, wait=0.5)
    finally:
        holder.kill()
        holder.wait()
        database.dispose()


def test_a_served_database_cannot_be_restored_until_its_server_is_gone(sqlite_url, tmp_path):
    database = Database(sqlite_url)
    lock = startup.prepare(database)
    assert lock.path == lock_path(sqlite_file(sqlite_url))
    backup = tmp_path / "backup.sqlite3"
    with closing(sqlite3.connect(sqlite_file(sqlite_url))) as live, \
            closing(sqlite3.connect(backup)) as copy:
        live.backup(copy)
    with pytest.raises(BackupError, match="stop the server first"):
        restore_sqlite(backup, sqlite_url, force=True)
    database.dispose()
    lock.release()  # as when the server's process ends
    assert restore_sqlite(backup, sqlite_url, force=True).replaced
