"""The database engine, its sessions, and the one path every write takes."""

from __future__ import annotations

import threading
import weakref
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

from sqlalchemy import Connection, Engine, create_engine, event, make_url
from sqlalchemy.orm import Session, sessionmaker
from sqlalchemy.pool import QueuePool, StaticPool

from workshop import jsoncodec, prepared
from workshop.os_threads import eventlet_patcher, gevent_monkey
from workshop.prepared import SERVER_SIDE
from workshop.wal_checkpoints import SAFETY_NET_PAGES, WalCheckpointer


class Database:
    """One engine per app, a session factory for reads and one for writes."""

    def __init__(self, url: str, prepared_statements: bool = True):
        self.url = url
        self.is_sqlite = url.startswith("sqlite")
        self.engine = _make_engine(url)
        if prepared_statements and make_url(url).get_driver_name() == "psycopg2":
            event.listen(self.engine, "connect", _prepare_on_server)
        if self.is_sqlite:
            # Reads begin DEFERRED, writes IMMEDIATE (they take SQLite's write lock at once):
            # two engines on the one pool, each beginning its own way (see _begin_with).
            read_engine: Engine = self.engine
            write_engine: Engine = create_engine(url, pool=self.engine.pool, **_JSON)
            _begin_with(read_engine, "BEGIN")
            _begin_with(write_engine, "BEGIN IMMEDIATE")
        else:
            # A snapshot spans several SELECTs; REPEATABLE READ makes them agree with its seq.
            read_engine = self.engine.execution_options(isolation_level="REPEATABLE READ")
            write_engine = self.engine
        self._read = sessionmaker(read_engine, expire_on_commit=False)
        self._write = sessionmaker(write_engine, expire_on_commit=False)
        self._write_engine = write_engine
        # SQLite writes are serialised per process. Under eventlet this lock is green (it is
        # created after monkey-patching), so a green thread waiting for it yields instead of
        # freezing the hub on SQLite's file lock; it also keeps broadcasts in seq order here.
        self.write_lock = threading.Lock()
        # PostgreSQL serialises a workshop's writers on its row (take_seq); a lock per
        # workshop keeps that workshop's commits and broadcasts in order within this process
        # while other workshops' ops go on. Locks live while someone holds or awaits them.
        self._workshop_locks: weakref.WeakValueDictionary[str, _WorkshopLock] = (
            weakref.WeakValueDictionary())
        self._locks_guard = threading.Lock()
        self._checkpointer: WalCheckpointer | None = None
        # SQLite: the one connection every op writes through (see write_transaction).
        self._writer: Connection | None = None
        if self.is_sqlite:
            event.listen(self.engine, "connect", self._on_sqlite_connect)

    def checkpoint_in_background(self, interval: float = 1.0) -> bool:
        """While serving a SQLite file, checkpoint its WAL from an OS thread, not in commits.

        Returns whether it applies (a SQLite file; not in memory, not PostgreSQL).
        """
        path = sqlite_file(self.url)
        if path is None or self._checkpointer is not None:
            return False
        self._checkpointer = WalCheckpointer(path, interval).start()
        # Pooled connections, and the writer, reopen with the safety-net threshold.
        with self.write_lock:
            self._close_writer()
        self.engine.pool.dispose()
        return True

    def warm_up(self) -> int:
        """Ready the op path before serving, so that the first ops served pay for neither:
        compile its prepared statements for this database's engines (SQLite's reads and
        writes have one each) and, on SQLite, open the writer and a pooled reader (a new
        connection reads the whole schema at its first statement). Returns how many
        statements were compiled. Called after `checkpoint_in_background`, which reopens them.
        """
        dialects = {id(engine.dialect): engine.dialect
                    for engine in (self.engine, self._write_engine)}
        compiled = sum(prepared.compile_all(dialect) for dialect in dialects.values())
        if self.is_sqlite:
            with self.write_lock:
                writer = self._writer_connection()
                writer.exec_driver_sql("SELECT count(*) FROM sqlite_master")
                writer.rollback()
            with self.engine.connect() as reader:
                reader.exec_driver_sql("SELECT count(*) FROM sqlite_master")
        return compiled

    def _on_sqlite_connect(self, dbapi_connection, _record):
        if self._checkpointer is not None:
            cursor = dbapi_connection.cursor()
            cursor.execute(f"PRAGMA wal_autocheckpoint={SAFETY_NET_PAGES}")
            cursor.close()

    @contextmanager
    def reading(self) -> Iterator[Session]:
        """A read-only session whose SELECTs all see one consistent state."""
        session = self._read()
        try:
            yield session
        finally:
            session.rollback()
            session.close()

    def _lock_for(self, workshop_id: str | None):
        """The lock a write takes: the process's on SQLite, else its workshop's own."""
        if self.is_sqlite or workshop_id is None:
            return self.write_lock
        with self._locks_guard:
            lock = self._workshop_locks.get(workshop_id)
            if lock is None:
                lock = self._workshop_locks[workshop_id] = _WorkshopLock()
            return lock

    @contextmanager
    def writing(self, workshop_id: str | None = None) -> Iterator[Session]:
        """A write session for one workshop, under its write lock; the caller commits."""
        with self._lock_for(workshop_id):
            session = self._write()
            try:
                yield session
            except BaseException:
                session.rollback()
                raise
            finally:
                session.close()

    @contextmanager
    def write_transaction(self, workshop_id: str) -> Iterator[Connection]:
        """A connection for one workshop's write, under its write lock; the caller commits.

        The op path's form of `writing`: a Core connection without an ORM session, which an
        op handler makes only if it needs mapped objects (workshop/ops/context.py). What it
        leaves uncommitted is rolled back at the end.
        """
        if not self.is_sqlite:
            with self._lock_for(workshop_id), self._write_engine.connect() as connection:
                connection.begin()  # now, for the statements run on the driver's cursor too
                yield connection
            return
        with self.write_lock:
            connection = self._writer_connection()
            connection.begin()
            try:
                yield connection
            finally:
                self._end_write(connection)

    def _writer_connection(self) -> Connection:
        """The writer, opened on first use and again after it was closed.

        SQLite takes one write at a time anyway (the write lock), so every op writes through
        one connection that stays checked out. That skips the pool's checkout and return on
        every op, and it keeps the connection's page cache: in WAL mode SQLite drops a
        connection's cache whenever another connection has written since, and only the rare
        writes outside ops (creating or joining a workshop) come from another connection.
        With 200 ms between ops (25 people at 0.2 ops/s) an op took ~15% less
        (docs/performance.md, "The write path on the hub").
        """
        # One that broke (invalidated) reconnects by itself on its next use.
        connection = self._writer
        if connection is None or connection.closed:
            connection = self._writer = self._write_engine.connect()
        return connection

    def _end_write(self, connection: Connection) -> None:
        """End the op's transaction whatever became of it, so that the next op can begin."""
        try:
            if connection.in_transaction():
                connection.rollback()  # what the op left uncommitted, as a pool's reset would
            elif connection.get_transaction() is not None:
                _end_failed_commit(connection)
        except Exception:
            self._close_writer()  # a connection that cannot roll back is not reused
            raise

    def _close_writer(self) -> None:
        """Close the writer (it is opened again on the next write); call under the lock."""
        writer, self._writer = self._writer, None
        if writer is not None:
            try:
                writer.close()
            except Exception:  # noqa: BLE001 - closing a broken connection may fail too
                writer.invalidate()

    def dispose(self) -> None:
        """Close pooled connections and stop checkpointing (tests, shutdown)."""
        if self._checkpointer is not None:
            self._checkpointer.stop()
            self._checkpointer = None
        with self.write_lock:
            self._close_writer()
        self.engine.pool.dispose()  # the pool both engines share on SQLite


def _end_failed_commit(connection: Connection) -> None:
    """Roll back a transaction whose COMMIT failed (a full disk, an I/O error), on both sides.

    SQLAlchemy keeps such a transaction, inactive, until it is rolled back, and refuses to
    begin another; but its rollback then no longer reaches the driver, and neither does
    closing the connection (the pool skips its reset), while SQLite may still hold the
    transaction open. Every later op on the kept writer then failed to begin, until a
    restart (issue 25). The driver's own rollback ends it where it is still open.
    """
    connection.rollback()
    connection.connection.driver_connection.rollback()


class _WorkshopLock:
    """A lock that a WeakValueDictionary can hold (plain locks take no weak references)."""

    def __init__(self):
        self._lock = threading.Lock()

    def __enter__(self):
        self._lock.acquire()
        return self

    def __exit__(self, *_exc):
        self._lock.release()


def sqlite_file(url: str) -> str | None:
    """The file path of a SQLite URL, or None for PostgreSQL and in-memory databases."""
    if not url.startswith("sqlite"):
        return None
    path = url.split("///", 1)[-1]
    return path if path and path != ":memory:" and "///" in url else None


def _green_psycopg2(url: str) -> None:
    """Under eventlet or gevent, make psycopg2 wait for the database through the hub.

    psycopg2 is C code: a query would block every green thread until the database answered.
    With a wait callback (psycogreen's, psycopg2's documented hook for coroutine libraries)
    it sends and waits on its socket as a green thread does. pg8000 (pure Python) needs no
    callback, but spends several times psycopg2's CPU per statement (docs/performance.md,
    "The write path on the hub").
    """
    if make_url(url).get_driver_name() != "psycopg2":
        return
    if eventlet_patcher() is not None:
        from psycogreen.eventlet import patch_psycopg

        patch_psycopg()
    elif gevent_monkey() is not None:
        from psycogreen.gevent import patch_psycopg

        patch_psycopg()


def _prepare_on_server(_dbapi_connection, record) -> None:
    """Let this connection prepare the op path's statements on the server (prepared.py)."""
    record.info[SERVER_SIDE] = set()


# How long a SQLite statement waits for another connection's lock before it fails.
BUSY_TIMEOUT_MS = 5000

# JSON columns (the log's payloads, settings) through orjson: a `sync` decodes hundreds.
_JSON = {"json_serializer": jsoncodec.dumps, "json_deserializer": jsoncodec.loads}


def _make_engine(url: str) -> Engine:
    """Create the engine with the settings each backend needs."""
    if not url.startswith("sqlite"):
        _green_psycopg2(url)
        return create_engine(url, pool_pre_ping=True, pool_size=10, max_overflow=20, **_JSON)
    path = sqlite_file(url)
    if path is not None:
        Path(path).parent.mkdir(parents=True, exist_ok=True)
    # A pool of connections that stay open. Each is checked out by one session (one green
    # thread) at a time, so the C driver is never shared. Closing the last open connection
    # of a WAL database makes SQLite checkpoint the WAL into the database and fsync both,
    # so a fresh connection per session (NullPool) paid that on nearly every write, blocking
    # the whole eventlet hub (docs/performance.md, "The write path on the hub").
    # (An in-memory database exists once per connection, so it keeps exactly one.)
    # Last in, first out: the connection used last is handed out again. In WAL mode SQLite
    # drops a connection's page cache when another connection has written since its last
    # transaction, so taking the pool's connections in turn (the default) made every op
    # start by reading its pages again: ~10% of an op with 20 ms between ops.
    memory = path is None
    engine = create_engine(url, poolclass=StaticPool if memory else QueuePool,
                           **({} if memory else {"pool_size": 5, "max_overflow": 20,
                                                 "pool_use_lifo": True}),
                           connect_args={"check_same_thread": False}, **_JSON)

    @event.listens_for(engine, "connect")
    def _on_connect(dbapi_connection, _record):
        # Let SQLAlchemy, not the sqlite3 module, decide when transactions begin (see the
        # SQLAlchemy docs on pysqlite's transaction quirks), so reads really are snapshots.
        dbapi_connection.isolation_level = None
        cursor = dbapi_connection.cursor()
        # The busy timeout first, so that every statement below waits for another process's
        # lock too. (Switching a file to WAL is refused at once while another process
        # writes, busy timeout or not: start-up tries it again, workshop/startup.py.)
        cursor.execute(f"PRAGMA busy_timeout={BUSY_TIMEOUT_MS}")
        cursor.execute("PRAGMA journal_mode=WAL")
        cursor.execute("PRAGMA synchronous=NORMAL")
        cursor.execute("PRAGMA foreign_keys=ON")
        cursor.close()

    return engine


def _begin_with(engine: Engine, statement: str) -> None:
    """Make a SQLite engine begin its transactions with `statement`.

    With the driver's own transaction handling off (isolation_level None, see _make_engine)
    something must say BEGIN, or every statement would commit by itself. SQLAlchemy's
    documented recipe is a "begin" event, but any engine event makes every statement
    dispatch the engine's before/after-execute hooks, about a tenth of an op's cost
    (docs/performance.md, "The write path on the hub"). The dialect's do_begin is the same
    hook without that.
    """

    def do_begin(dbapi_connection) -> None:
        dbapi_connection.cursor().execute(statement)

    engine.dialect.do_begin = do_begin
