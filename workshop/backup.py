"""Backing up and restoring the SQLite database; PostgreSQL is pointed at pg_dump and pg_restore.

Plain functions, no Flask: `flask backup` and `flask restore` (workshop/cli.py) call them.

A backup uses SQLite's online backup API (`sqlite3.Connection.backup`). It copies every page in
one step, inside one read transaction, so the copy is the database as committed at one moment,
WAL content included. In WAL mode a reader never blocks writers, so the server keeps writing
while the backup runs. The copy is written to a temporary file, switched out of WAL mode so it
is one self-contained file, checked like a restore checks it, and only then renamed into place.

A restore copies the backup next to the database, checks it (`PRAGMA integrity_check` and the
Alembic `alembic_version` table), removes the database's leftover -wal, -shm and -journal files
(SQLite would replay them into the restored file), and renames the copy over the database in
one step. It replaces a database that exists only when asked to (`force=True`), and never
while a server holds the database's serving lock (workshop/serving_lock.py): the server
must be stopped first, and restarted afterwards.
"""

from __future__ import annotations

import os
import shlex
import shutil
import sqlite3
import stat
import tempfile
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path
from urllib.parse import quote

from sqlalchemy.engine import make_url

from workshop import serving_lock

# Files SQLite keeps beside a database; a stale one would be applied to a restored file.
SIDECARS = ("-wal", "-shm", "-journal")


class BackupError(Exception):
    """A backup or restore that was not done; the message says why and what to do instead."""


@dataclass(frozen=True)
class BackupResult:
    """A backup that was written and checked."""

    path: Path
    size: int
    revision: str


@dataclass(frozen=True)
class RestoreResult:
    """A database that was replaced by a checked copy of a backup."""

    path: Path
    size: int
    revision: str
    replaced: bool  # an existing database was overwritten
    removed: list[Path]  # stale -wal, -shm or -journal files of the old database


def default_backup_name(suffix: str = ".sqlite3", now: datetime | None = None) -> str:
    """`workshop-<UTC time>.sqlite3`, e.g. workshop-20260509T101500Z.sqlite3."""
    moment = (now or datetime.now(UTC)).astimezone(UTC)
    return f"workshop-{moment:%Y%m%dT%H%M%SZ}{suffix}"


def sqlite_file(url: str) -> Path | None:
    """The database file of a SQLite URL, or None for any other database."""
    parsed = make_url(url)
    if parsed.get_backend_name() != "sqlite":
        return None
    if not parsed.database or parsed.database == ":memory:":
        raise BackupError("an in-memory SQLite database has no file to back up or restore")
    return Path(parsed.database)


def backup_sqlite(source_url: str, target_path: str | os.PathLike) -> BackupResult:
    """Copy the live SQLite database to a new file at target_path, safely while it is written."""
    target = Path(target_path)
    source = _require_sqlite(source_url, lambda: postgres_backup_help(source_url, target))
    if not source.is_file():
        raise BackupError(f"there is no database at {source}")
    if target.exists():
        raise BackupError(f"{target} already exists; choose another path")
    target.parent.mkdir(parents=True, exist_ok=True)
    temp = _temp_file(target)
    try:
        live = sqlite3.connect(source, timeout=30, isolation_level=None)
        try:
            copy = sqlite3.connect(temp, isolation_level=None)
            try:
                # pages=-1: all pages in one step, so one read transaction sees one moment.
                # (Copying in several steps restarts whenever the server commits in between.)
                live.backup(copy, pages=-1)
                copy.execute("PRAGMA journal_mode=DELETE")  # one file, no -wal beside it
                revision = _check(copy, f"the backup of {source}")
            finally:
                copy.close()
        finally:
            live.close()
        _fsync(temp)
        os.replace(temp, target)
        _fsync_dir(target.parent)
    except sqlite3.Error as exc:
        raise BackupError(f"could not back up {source}: {exc}") from exc
    finally:
        _remove_with_sidecars(temp)
    return BackupResult(path=target.resolve(), size=target.stat().st_size, revision=revision)


def restore_sqlite(backup_path: str | os.PathLike, target_url: str, *,
                   force: bool = False) -> RestoreResult:
    """Replace the SQLite database of target_url with a checked copy of the backup.

    An existing database is replaced only with force=True, and never while a server is
    serving it (BackupError): stop the server first and restart it afterwards.
    """
    backup = Path(backup_path)
    target = _require_sqlite(target_url, lambda: postgres_restore_help(target_url, backup))
    if not backup.is_file():
        raise BackupError(f"there is no backup file at {backup}")
    replaced = target.exists()
    if replaced and backup.resolve() == target.resolve():
        raise BackupError(f"{backup} is the database itself, not a backup of it")
    if replaced and not force:
        raise BackupError(
            f"{target} exists and a running server may be using it. Stop the server, then "
            "restore with force=True (`flask --app workshop restore PATH --yes`).")
    target.parent.mkdir(parents=True, exist_ok=True)
    with _unserved(target):
        return _replace_with_checked_copy(backup, target, replaced)


def refuse_while_served(target: Path) -> None:
    """Raise BackupError now if a server is serving the database (restore checks it again)."""
    with _unserved(target):
        pass


def _unserved(target: Path) -> serving_lock.ServingLock:
    """The database's serving lock, held while it is replaced: refused while a server runs."""
    try:
        return serving_lock.hold_for_restore(target)
    except serving_lock.DatabaseInUse as exc:
        raise BackupError(str(exc)) from None


def _replace_with_checked_copy(backup: Path, target: Path, replaced: bool) -> RestoreResult:
    """Copy the backup beside the target, check it, and rename it over the target."""
    temp = _temp_file(target)
    try:
        shutil.copyfile(backup, temp)
        if Path(f"{backup}-wal").exists():  # a plain copy of a database still in WAL mode
            shutil.copyfile(f"{backup}-wal", f"{temp}-wal")
        try:
            check = sqlite3.connect(temp, isolation_level=None)
            try:
                revision = _check(check, str(backup))
            finally:
                check.close()
        except sqlite3.Error as exc:
            raise BackupError(f"{backup} cannot be restored: {exc}") from exc
        if replaced:
            os.chmod(temp, stat.S_IMODE(target.stat().st_mode))
        _fsync(temp)
        removed = [side for side in _sidecars(target) if side.exists()]
        for side in removed:
            side.unlink()
        os.replace(temp, target)
        _fsync_dir(target.parent)
    finally:
        _remove_with_sidecars(temp)
    return RestoreResult(path=target.resolve(), size=target.stat().st_size, revision=revision,
                         replaced=replaced, removed=removed)


def libpq_url(url: str) -> str:
    """The URL for pg_dump and pg_restore: postgresql://, no password, no driver options."""
    parsed = make_url(url)
    user = f"{quote(parsed.username, safe='')}@" if parsed.username else ""
    host = parsed.host or ""
    if ":" in host:  # an IPv6 address
        host = f"[{host}]"
    port = f":{parsed.port}" if parsed.port else ""
    return f"postgresql://{user}{host}{port}/{quote(parsed.database or '', safe='')}"


def postgres_backup_help(url: str, target: str | os.PathLike) -> str:
    """What to run instead of `flask backup` on PostgreSQL."""
    dump = f"pg_dump --format=custom --file={shlex.quote(str(target))} " \
           f"{shlex.quote(libpq_url(url))}"
    restore = _pg_restore_command(url, target)
    return ("PostgreSQL is backed up with its own tools, not with this command. Run:\n\n"
            f"  {dump}\n\nand restore that file, with the server stopped, with:\n\n"
            f"  {restore}\n" + _password_note(url))


def postgres_restore_help(url: str, backup: str | os.PathLike) -> str:
    """What to run instead of `flask restore` on PostgreSQL."""
    return ("PostgreSQL is restored with its own tools, not with this command. Stop the "
            "server, then run:\n\n"
            f"  {_pg_restore_command(url, backup)}\n\n"
            "on a file written by `pg_dump --format=custom`, and restart the server.\n"
            + _password_note(url))


def _pg_restore_command(url: str, backup: str | os.PathLike) -> str:
    return (f"pg_restore --clean --if-exists --single-transaction "
            f"--dbname={shlex.quote(libpq_url(url))} {shlex.quote(str(backup))}")


def _password_note(url: str) -> str:
    parsed = make_url(url)
    notes = []
    if parsed.password:
        notes.append("The password is left out of these commands: pg_dump and pg_restore ask "
                     "for it, or read it from PGPASSWORD or ~/.pgpass.")
    if parsed.query:
        notes.append("The URL's query options are the Python driver's and are left out.")
    return "\n".join(notes) + ("\n" if notes else "")


def _require_sqlite(url: str, postgres_help) -> Path:
    path = sqlite_file(url)
    if path is not None:
        return path
    if make_url(url).get_backend_name() == "postgresql":
        raise BackupError(postgres_help())
    raise BackupError(f"backup and restore support SQLite and PostgreSQL, not {url.split(':')[0]}")


def _check(conn: sqlite3.Connection, label: str) -> str:
    """The Alembic revision of a sound Persona Workshop database, or a BackupError."""
    try:
        problems = [row[0] for row in conn.execute("PRAGMA integrity_check")]
        if problems != ["ok"]:
            raise BackupError(f"{label} is damaged; SQLite's integrity check reports: "
                              + "; ".join(problems[:5]))
        table = conn.execute("SELECT 1 FROM sqlite_master WHERE type = 'table' "
                             "AND name = 'alembic_version'").fetchone()
        if table is None:
            raise BackupError(f"{label} is a SQLite database but not a Persona Workshop one: "
                              "it has no alembic_version table")
        row = conn.execute("SELECT version_num FROM alembic_version").fetchone()
    except sqlite3.DatabaseError as exc:
        if "not a database" in str(exc):
            raise BackupError(f"{label} is not a SQLite database ({exc})") from exc
        raise BackupError(f"{label} is damaged: {exc}") from exc
    if row is None:
        raise BackupError(f"{label} has an empty alembic_version table; it was never migrated")
    return row[0]


def _temp_file(target: Path) -> Path:
    """An empty file beside target (same file system, so os.replace is one atomic rename)."""
    fd, name = tempfile.mkstemp(prefix=f".{target.name}.", suffix=".tmp", dir=target.parent)
    os.close(fd)
    return Path(name)


def _sidecars(path: Path) -> list[Path]:
    return [Path(f"{path}{suffix}") for suffix in SIDECARS]


def _remove_with_sidecars(path: Path) -> None:
    for leftover in [path, *_sidecars(path)]:
        leftover.unlink(missing_ok=True)


def _fsync(path: Path) -> None:
    with open(path, "rb+") as handle:
        os.fsync(handle.fileno())


def _fsync_dir(path: Path) -> None:
    """Make a rename durable (POSIX); a no-op where directories cannot be opened."""
    try:
        fd = os.open(path, os.O_RDONLY)
    except OSError:
        return
    try:
        os.fsync(fd)
    except OSError:
        pass
    finally:
        os.close(fd)
