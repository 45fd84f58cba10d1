"""The database layer: migrations match the models; green threads never freeze on SQLite."""

import sqlite3
import subprocess
import sys
import textwrap
import time
import uuid
from collections import Counter
from contextlib import closing

import pytest
from alembic.autogenerate import compare_metadata
from alembic.command import downgrade
from alembic.migration import MigrationContext
from sqlalchemy import create_engine, event, text
from sqlalchemy.exc import IntegrityError, OperationalError

from tests.fakes import CollectingPublisher
from tests.helpers import add_note, make_member, make_workshop, send
from workshop import migrate, prepared
from workshop.config import ROOT, normalise_database_url
from workshop.db import Database, sqlite_file
from workshop.models import Base
from workshop.ops.apply import apply_op
from workshop.reads.snapshot import snapshot
from workshop.services.backend import Backend, PresenceRegistry
from workshop.services.rate_limit import OpRateLimiter
from workshop.wal_checkpoints import SAFETY_NET_PAGES

# Full-text search lives outside the models, in each database's own form (migration 0004).
SEARCH_OBJECTS = {"ix_research_notes_search", "search"}


def _modelled(obj, name, type_, reflected, compare_to) -> bool:
    """Whether schema comparison should look at this object (search objects are not models)."""
    if type_ == "table" and name.startswith("research_notes_fts"):
        return False
    return name not in SEARCH_OBJECTS


def test_migrations_create_exactly_the_models_schema(database_url):
    engine = create_engine(database_url)
    with engine.connect() as conn:
        context = MigrationContext.configure(conn, opts={"include_object": _modelled})
        diff = compare_metadata(context, Base.metadata)
    engine.dispose()
    assert diff == []


def test_the_search_objects_exist_on_each_database(database_url):
    engine = create_engine(database_url)
    with engine.connect() as conn:
        if engine.dialect.name == "sqlite":
            names = set(conn.exec_driver_sql(
                "SELECT name FROM sqlite_master WHERE name LIKE 'research_notes%'").scalars())
            assert {"research_notes_fts", "research_notes_ai", "research_notes_au",
                    "research_notes_ad"} <= names
        else:
            assert conn.exec_driver_sql(
                "SELECT indexdef FROM pg_indexes WHERE indexname = 'ix_research_notes_search'"
            ).scalar().endswith("USING gin (search)")
    engine.dispose()


# Revision 0008's renames, written out here as in the migration (docs/protocol.md, Events).
RENAMED_EVENT_TYPES = {
    "note.added": "research_note.added", "note.edited": "research_note.edited",
    "note.deleted": "research_note.deleted", "notes.imported": "research_notes.imported",
    "notes.grouped": "assumptions.grouped", "notes.ungrouped": "assumptions.ungrouped",
    "notes.revealed": "assumptions.revealed"}


def test_revision_0008_renames_stored_event_types_and_back(database_url):
    db = Database(database_url)
    backend = Backend(db, CollectingPublisher(), PresenceRegistry(), OpRateLimiter("1000/second"))
    workshop_id = make_workshop(backend).id
    db.dispose()
    engine = create_engine(database_url)

    def stored() -> dict[int, str]:
        with engine.connect() as conn:
            return dict(conn.execute(text(
                "SELECT seq, type FROM events WHERE workshop_id = :w AND seq > 100"),
                {"w": workshop_id}).all())

    old_names = [*RENAMED_EVENT_TYPES, "assumption.added"]
    try:
        downgrade(migrate.alembic_config(database_url), "0007")
        with engine.begin() as conn:
            for seq, type_ in enumerate(old_names, 101):
                conn.execute(text("INSERT INTO events (workshop_id, seq, type, data, at) "
                                  "VALUES (:w, :seq, :type, '{}', CURRENT_TIMESTAMP)"),
                             {"w": workshop_id, "seq": seq, "type": type_})
        migrate.upgrade(database_url)
        assert list(stored().values()) == [*RENAMED_EVENT_TYPES.values(), "assumption.added"]
        downgrade(migrate.alembic_config(database_url), "0007")
        assert list(stored().values()) == old_names
    finally:
        migrate.upgrade(database_url)  # the PostgreSQL database is shared by later tests
        engine.dispose()


def test_postgresql_urls_use_psycopg2_unless_they_name_a_driver():
    assert normalise_database_url("postgresql://u@h/db") == "postgresql+psycopg2://u@h/db"
    assert normalise_database_url("postgres://u@h/db") == "postgresql+psycopg2://u@h/db"
    assert normalise_database_url("postgresql+pg8000://u@h/db") == "postgresql+pg8000://u@h/db"
    assert normalise_database_url("sqlite:///x.db") == "sqlite:///x.db"


GREEN_WRITERS = textwrap.dedent("""
    import eventlet
    eventlet.monkey_patch()
    import sys, time
    sys.path.insert(0, {root!r})
    from tests.helpers import add_note, make_member, make_workshop
    from workshop.db import Database
    from workshop.reads.snapshot import snapshot
    from workshop.reads.sync import sync
    from tests.fakes import CollectingPublisher
    from workshop.services.backend import Backend, PresenceRegistry

    backend = Backend(Database({url!r}), CollectingPublisher(), PresenceRegistry())
    created = make_workshop(backend)
    members = [make_member(backend, created.invite_token, f"P{{i}}", "Support") for i in range(20)]

    def write(member):
        for i in range(10):
            add_note(backend, created.id, member, f"{{member['name']}} {{i}}")
            eventlet.sleep(0)  # yield mid-burst, as a real server does between requests

    ticks = []
    def heartbeat():  # proves the hub keeps running while writers wait for each other
        while True:
            ticks.append(time.monotonic())
            eventlet.sleep(0.01)

    eventlet.spawn(heartbeat)
    started = time.monotonic()
    pool = eventlet.GreenPool()
    for member in members:
        pool.spawn(write, member)
    pool.waitall()
    elapsed = time.monotonic() - started
    log = sync(backend, created.id, members[0], 0)["events"]
    assert [e["seq"] for e in log] == list(range(1, len(log) + 1)), "gap in seq"
    count = len(snapshot(backend, created.id, members[0])["assumptions"])
    assert count == 200, count
    gaps = [b - a for a, b in zip(ticks, ticks[1:])]
    print("OK", count, "notes in", round(elapsed, 2), "s; longest hub stall",
          round(max(gaps), 3), "s")
""")


def test_green_threads_writing_to_sqlite_all_succeed(sqlite_url):
    """20 green threads writing at once under eventlet: all land, no 'database is locked'."""
    script = GREEN_WRITERS.format(root=str(ROOT), url=sqlite_url)
    result = subprocess.run([sys.executable, "-c", script], capture_output=True, text=True,
                            timeout=120, cwd=ROOT)
    assert result.returncode == 0, result.stderr[-3000:]
    assert result.stdout.startswith("OK 200 notes")


# ---- WAL checkpoints outside the hub (workshop/wal_checkpoints.py) -------------------------

def _autocheckpoint(database: Database) -> int:
    with database.engine.connect() as conn:
        return conn.exec_driver_sql("PRAGMA wal_autocheckpoint").scalar()


def _wait_for(condition, timeout: float = 10.0) -> bool:
    deadline = time.monotonic() + timeout
    while not condition() and time.monotonic() < deadline:
        time.sleep(0.02)
    return condition()


def test_a_served_sqlite_file_is_checkpointed_by_its_own_thread(tmp_path):
    database = Database(f"sqlite:///{tmp_path / 'served.sqlite3'}")
    assert _autocheckpoint(database) == 1000  # SQLite's own default until served
    assert database.checkpoint_in_background(interval=0.05)
    assert not database.checkpoint_in_background()  # once is enough
    checkpointer = database._checkpointer
    # Commits no longer checkpoint (that would fsync inside an op), short of the safety net.
    assert _autocheckpoint(database) == SAFETY_NET_PAGES
    with database.engine.begin() as conn:
        conn.exec_driver_sql("CREATE TABLE t (x TEXT)")
    for i in range(300):
        with database.engine.begin() as conn:
            conn.exec_driver_sql("INSERT INTO t VALUES (?)", (f"row {i} " * 50,))
    # The thread copies every page of the log back into the database file.
    assert _wait_for(lambda: checkpointer.last is not None and checkpointer.last[1] > 0
                     and checkpointer.last[1] == checkpointer.last[2]), checkpointer.last
    database.dispose()
    assert not checkpointer.running
    with sqlite3.connect(tmp_path / "served.sqlite3") as check:
        assert check.execute("SELECT count(*) FROM t").fetchone() == (300,)


def test_a_file_that_turns_to_wal_after_serving_began_is_still_checkpointed(tmp_path):
    # As `python wsgi.py` starts on a freshly migrated file: the migrations leave it in
    # rollback-journal mode, and the first checkpoint comes before any served connection has
    # switched it to WAL. A connection that looked at the file then kept answering "no WAL"
    # (0, -1, -1) for good, and commits checkpointed 10,000 pages at a time.
    path = tmp_path / "fresh.sqlite3"
    with sqlite3.connect(path) as setup:
        setup.execute("CREATE TABLE t (x TEXT)")
    with closing(sqlite3.connect(path)) as look:
        assert look.execute("PRAGMA journal_mode").fetchone() == ("delete",)
    database = Database(f"sqlite:///{path}")
    assert database.checkpoint_in_background(interval=0.05)
    checkpointer = database._checkpointer
    assert _wait_for(lambda: checkpointer.checkpoints >= 2)  # before any write
    for i in range(100):
        with database.engine.begin() as conn:  # the served connection switches it to WAL
            conn.exec_driver_sql("INSERT INTO t VALUES (?)", (f"row {i} " * 50,))
    assert _wait_for(lambda: checkpointer.last is not None and checkpointer.last[1] > 0
                     and checkpointer.last[1] == checkpointer.last[2]), checkpointer.last
    database.dispose()


def test_checkpoints_apply_only_to_a_sqlite_file():
    assert not Database("sqlite://").checkpoint_in_background()
    assert sqlite_file("sqlite:///:memory:") is None
    assert sqlite_file("postgresql+pg8000://postgres@127.0.0.1/test") is None
    assert sqlite_file("sqlite:////srv/workshop.sqlite3") == "/srv/workshop.sqlite3"


GREEN_CHECKPOINTS = textwrap.dedent("""
    import eventlet
    eventlet.monkey_patch()
    import sys, time
    sys.path.insert(0, {root!r})
    from tests.helpers import add_note, make_member, make_workshop
    from workshop.db import Database
    from tests.fakes import CollectingPublisher
    from workshop.services.backend import Backend, PresenceRegistry

    database = Database({url!r})
    backend = Backend(database, CollectingPublisher(), PresenceRegistry())
    created = make_workshop(backend)
    members = [make_member(backend, created.invite_token, f"P{{i}}", "Support") for i in range(5)]
    assert database.checkpoint_in_background(interval=0.05)
    checkpointer = database._checkpointer
    # An OS thread, not a green one: it checkpoints while the hub is blocked outright.
    before = checkpointer.checkpoints
    eventlet.patcher.original("time").sleep(0.5)  # blocks every green thread
    assert checkpointer.checkpoints > before, "the checkpointer is a green thread"
    for i in range(100):
        add_note(backend, created.id, members[i % 5], f"note {{i}} " * 20)
    deadline = time.monotonic() + 10
    while not (checkpointer.last and checkpointer.last[1] == checkpointer.last[2] > 0):
        assert time.monotonic() < deadline, checkpointer.last
        eventlet.sleep(0.02)  # green: the checkpoint runs while this hub keeps going
    database.dispose()
    print("OK", checkpointer.checkpoints)
""")


def test_under_eventlet_checkpoints_run_in_an_os_thread(sqlite_url):
    script = GREEN_CHECKPOINTS.format(root=str(ROOT), url=sqlite_url)
    result = subprocess.run([sys.executable, "-c", script], capture_output=True, text=True,
                            timeout=120, cwd=ROOT)
    assert result.returncode == 0, result.stderr[-3000:]
    assert result.stdout.startswith("OK")


# ---- how transactions begin on SQLite (workshop/db.py, _begin_with) ---------------------------

def _other_writer_is_locked_out(path) -> bool:
    """Whether another connection is refused SQLite's write lock right now."""
    other = sqlite3.connect(path, timeout=0, isolation_level=None)
    try:
        other.execute("BEGIN IMMEDIATE")
        other.execute("ROLLBACK")
        return False
    except sqlite3.OperationalError as error:
        assert "locked" in str(error)
        return True
    finally:
        other.close()


def test_a_write_transaction_holds_sqlites_write_lock_from_its_first_statement(tmp_path):
    path = tmp_path / "begin.sqlite3"
    database = Database(f"sqlite:///{path}")
    with database.write_transaction("w") as conn:
        conn.exec_driver_sql("SELECT 1").all()  # a read, yet the write lock is taken (IMMEDIATE)
        assert _other_writer_is_locked_out(path)
        conn.rollback()
    assert not _other_writer_is_locked_out(path)
    database.dispose()


def test_a_read_session_is_a_snapshot_that_takes_no_write_lock(tmp_path):
    path = tmp_path / "begin.sqlite3"
    database = Database(f"sqlite:///{path}")
    with database.write_transaction("w") as conn:
        conn.exec_driver_sql("CREATE TABLE t (x INTEGER)")
        conn.exec_driver_sql("INSERT INTO t VALUES (1)")
        conn.commit()
    with database.reading() as session:
        assert session.connection().exec_driver_sql("SELECT count(*) FROM t").scalar() == 1
        assert not _other_writer_is_locked_out(path)  # a deferred BEGIN
        with database.write_transaction("w") as conn:  # a write commits meanwhile
            conn.exec_driver_sql("INSERT INTO t VALUES (2)")
            conn.commit()
        # The read transaction began before that commit, so it still sees one row.
        assert session.connection().exec_driver_sql("SELECT count(*) FROM t").scalar() == 1
    with database.reading() as session:
        assert session.connection().exec_driver_sql("SELECT count(*) FROM t").scalar() == 2
    database.dispose()


def test_a_sqlite_file_hands_out_the_connection_used_last(tmp_path):
    """Its page cache is still valid (in WAL mode SQLite drops a connection's cache when
    another connection has written since), so reads in turn reuse one warm connection
    instead of rotating through the pool."""
    database = Database(f"sqlite:///{tmp_path / 'lifo.sqlite3'}")
    first, second = database.engine.connect(), database.engine.connect()
    first_driver = first.connection.driver_connection
    second_driver = second.connection.driver_connection
    second.close()
    first.close()  # returned last
    for _ in range(2):
        with database.reading() as session:
            assert session.connection().connection.driver_connection is first_driver
    assert second_driver is not first_driver
    database.dispose()


def _driver(connection):
    return connection.connection.driver_connection


def test_every_sqlite_write_goes_through_one_kept_connection(tmp_path):
    """No other connection writes, so its page cache stays valid from op to op, and no op
    pays for the pool's checkout and return. What an op leaves uncommitted is undone."""
    database = Database(f"sqlite:///{tmp_path / 'writer.sqlite3'}")
    with database.write_transaction("w") as conn:
        conn.exec_driver_sql("CREATE TABLE t (x INTEGER)")
        conn.commit()
        writer = _driver(conn)
    with database.write_transaction("w") as conn:
        assert _driver(conn) is writer
        conn.exec_driver_sql("INSERT INTO t VALUES (1)")  # never committed
    with database.reading() as session:
        assert _driver(session.connection()) is not writer  # reads take the pool's
        assert session.connection().exec_driver_sql("SELECT count(*) FROM t").scalar() == 0
    try:
        with database.write_transaction("w") as conn:
            conn.exec_driver_sql("INSERT INTO t VALUES (2)")
            raise RuntimeError("the op failed")
    except RuntimeError:
        pass
    with database.write_transaction("w") as conn:
        assert _driver(conn) is writer and conn.in_transaction()
        assert conn.exec_driver_sql("SELECT count(*) FROM t").scalar() == 0
        conn.rollback()
    assert not _other_writer_is_locked_out(tmp_path / "writer.sqlite3")
    database.dispose()


def test_a_write_refused_by_a_locked_file_leaves_the_writer_usable(tmp_path):
    """Another process holding SQLite's write lock past the busy timeout refuses that one
    write; the kept connection must not be left half in a transaction for the next op."""
    path = tmp_path / "locked.sqlite3"
    database = Database(f"sqlite:///{path}")
    with database.write_transaction("w") as conn:
        conn.exec_driver_sql("CREATE TABLE t (x INTEGER)")
        conn.commit()
        _driver(conn).execute("PRAGMA busy_timeout=50")  # not the served 5 s
    other = sqlite3.connect(path, isolation_level=None)
    other.execute("BEGIN IMMEDIATE")
    try:
        with pytest.raises(OperationalError, match="locked"):
            with database.write_transaction("w"):
                pass
    finally:
        other.execute("ROLLBACK")
        other.close()
    with database.write_transaction("w") as conn:
        conn.exec_driver_sql("INSERT INTO t VALUES (1)")
        conn.commit()
    with database.reading() as session:
        assert session.connection().exec_driver_sql("SELECT count(*) FROM t").scalar() == 1
    database.dispose()


def test_a_broken_writer_is_replaced_by_a_new_connection(tmp_path):
    database = Database(f"sqlite:///{tmp_path / 'broken.sqlite3'}")
    with database.write_transaction("w") as conn:
        writer = _driver(conn)
        conn.invalidate()  # as SQLAlchemy does when the driver reports a lost connection
    with database.write_transaction("w") as conn:
        assert _driver(conn) is not writer
        assert conn.exec_driver_sql("SELECT 1").scalar() == 1
        conn.rollback()
    database.dispose()


def _statements_compiled(monkeypatch) -> list[str]:
    """From now on, the SQL of each prepared statement compiled (at its first run otherwise)."""
    compiled = []
    real = prepared._Form

    def counting(statement, dialect, column_keys):
        compiled.append(str(statement))
        return real(statement, dialect, column_keys)

    monkeypatch.setattr(prepared, "_Form", counting)
    return compiled


def _first_note_and_vote(backend: Backend) -> None:
    room = make_workshop(backend)
    author = make_member(backend, room.invite_token, "Ada", "Marketing")
    voter = make_member(backend, room.invite_token, "Bo", "Support")
    note = add_note(backend, room.id, author)["event"]["data"]["assumption"]["id"]
    assert send(backend, room.id, voter["id"], "vote.cast",
                {"assumption_id": note, "stance": "agree"})["ok"]


@pytest.mark.parametrize("warmed", [False, True], ids=["left alone", "warmed up"])
def test_a_warmed_up_database_compiles_nothing_during_its_first_note_and_vote(
        database_url, monkeypatch, warmed):
    """`python wsgi.py` warms up before serving: the first ops it serves then run no compiler
    (docs/performance.md, "The write path on the hub"). Left alone, they compile their
    statements as they go."""
    database = Database(database_url)
    backend = Backend(database, CollectingPublisher(), PresenceRegistry(),
                      OpRateLimiter("10000/second"))
    if warmed:
        assert database.warm_up() >= 10
    compiled = _statements_compiled(monkeypatch)
    _first_note_and_vote(backend)
    if warmed:
        assert compiled == []
    else:
        assert any(sql.startswith("INSERT INTO assumptions") for sql in compiled)
        assert any(sql.startswith("INSERT INTO votes") for sql in compiled)
    database.dispose()


def test_warming_up_sqlite_opens_the_writer_that_the_first_op_then_uses(tmp_path):
    """A new SQLite connection reads the whole schema at its first statement: the writer
    does that while warming up, not during the first op."""
    database = Database(f"sqlite:///{tmp_path / 'warm.sqlite3'}")
    database.warm_up()
    writer = database._writer
    assert writer is not None and not writer.in_transaction()
    with database.write_transaction("w") as conn:
        assert conn is writer
        conn.rollback()
    assert not _other_writer_is_locked_out(tmp_path / "warm.sqlite3")
    database.dispose()


# ---- writes the database could not store (issue 25) ----------------------------------------

def test_a_commit_that_failed_leaves_the_writer_ready_for_the_next_write(tmp_path):
    """SQLAlchemy keeps a transaction whose commit failed, inactive, until a rollback that no
    longer reaches SQLite; every later write on the kept writer then failed to begin."""
    database = Database(f"sqlite:///{tmp_path / 'commit.sqlite3'}")
    with database.write_transaction("w") as conn:
        conn.exec_driver_sql("CREATE TABLE parent (id INTEGER PRIMARY KEY)")
        # A deferred foreign key is checked at COMMIT, so this commit itself fails.
        conn.exec_driver_sql("CREATE TABLE child (parent INTEGER REFERENCES parent(id) "
                             "DEFERRABLE INITIALLY DEFERRED)")
        conn.commit()
    with pytest.raises(IntegrityError):
        with database.write_transaction("w") as conn:
            conn.exec_driver_sql("INSERT INTO child VALUES (7)")
            conn.commit()
    with database.write_transaction("w") as conn:
        conn.exec_driver_sql("INSERT INTO parent VALUES (1)")
        conn.exec_driver_sql("INSERT INTO child VALUES (1)")
        conn.commit()
    with database.reading() as session:
        rows = session.connection().exec_driver_sql("SELECT parent FROM child").all()
    assert rows == [(1,)]  # the failed commit's row is gone, the next write's is there
    assert not _other_writer_is_locked_out(tmp_path / "commit.sqlite3")
    database.dispose()


def _op_ids_in_log(backend: Backend, workshop_id: str) -> list[str]:
    with backend.db.reading() as session:
        return list(session.connection().execute(text(
            "SELECT op_id FROM events WHERE workshop_id = :w AND op_id IS NOT NULL "
            "ORDER BY seq"), {"w": workshop_id}).scalars())


def _note_op(persona: str, text: str) -> dict:
    return {"op_id": uuid.uuid4().hex, "type": "assumption.add",
            "data": {"persona_id": persona, "category": "goals", "text": text}}


def _assert_acked_once_and_no_gap(backend: Backend, workshop_id: str, acked: list[str]) -> None:
    logged = _op_ids_in_log(backend, workshop_id)
    assert Counter(logged) == Counter(set(logged)), "an op is in the log twice"
    assert set(acked) <= set(logged), "an acknowledged op is missing"
    with backend.db.reading() as session:
        seqs = list(session.connection().execute(text(
            "SELECT seq FROM events WHERE workshop_id = :w ORDER BY seq"), {"w": workshop_id})
            .scalars())
    assert seqs == list(range(1, len(seqs) + 1)), "the log has a gap"


def test_a_full_sqlite_file_refuses_ops_as_unavailable_and_takes_them_once_space_is_back(
        sqlite_url):
    """SQLite's max_page_count stands in for a full disk: past it every write fails with
    SQLITE_FULL. Freeing pages (an operator deleting something) must be enough to go on."""
    path = sqlite_file(sqlite_url)
    with closing(sqlite3.connect(path, isolation_level=None)) as admin:
        admin.execute("CREATE TABLE ballast (b BLOB)")
        admin.execute("INSERT INTO ballast VALUES (zeroblob(200000))")
        limit = admin.execute("PRAGMA page_count").fetchone()[0] + 40  # ~160 KB to spare
    database = Database(sqlite_url)
    event.listen(database.engine, "connect",
                 lambda dbapi, _record: dbapi.execute(f"PRAGMA max_page_count={limit}"))
    backend = Backend(database, CollectingPublisher(), PresenceRegistry(),
                      OpRateLimiter("10000/second"))
    created = make_workshop(backend)
    sam = make_member(backend, created.invite_token, "Sam", "Support")
    persona = snapshot(backend, created.id, sam)["personas"][0]["id"]
    acked, refused = [], None
    for i in range(1000):
        envelope = _note_op(persona, f"note {i} " + "x" * 480)
        ack = apply_op(backend, created.id, sam["id"], envelope)
        if not ack["ok"]:
            refused = (envelope, ack)
            break
        acked.append(envelope["op_id"])
    assert refused is not None, "the database never filled up"
    assert refused[1]["error"] == {"code": "unavailable",
                                   "message": "the server could not save this; try again"}
    assert len(acked) > 10
    # Still full: refused again, and nothing half-written in between.
    again = apply_op(backend, created.id, sam["id"], _note_op(persona, "y" * 490))
    assert again["error"]["code"] == "unavailable"
    _assert_acked_once_and_no_gap(backend, created.id, acked)

    with closing(sqlite3.connect(path, isolation_level=None, timeout=10)) as admin:
        admin.execute("DROP TABLE ballast")  # its pages become free for the database to reuse
    retried = apply_op(backend, created.id, sam["id"], refused[0])  # the same op id
    assert retried["ok"] and not retried.get("duplicate"), retried
    following = apply_op(backend, created.id, sam["id"], _note_op(persona, "after"))
    assert following["ok"], following
    acked += [refused[0]["op_id"], following["event"]["op_id"]]
    _assert_acked_once_and_no_gap(backend, created.id, acked)
    assert len(_op_ids_in_log(backend, created.id)) == len(acked)
    database.dispose()


REFUSE_COMMITS = """
CREATE TABLE disk_full (on_ boolean);
CREATE FUNCTION refuse_commit() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
  IF EXISTS (SELECT 1 FROM disk_full) THEN
    RAISE EXCEPTION 'could not extend file: No space left on device' USING ERRCODE = 'disk_full';
  END IF;
  RETURN NULL;
END $$;
-- A deferred constraint trigger runs at COMMIT, so the commit itself fails, as it does when
-- PostgreSQL cannot write its WAL.
CREATE CONSTRAINT TRIGGER refuse_commit AFTER INSERT ON events
  DEFERRABLE INITIALLY DEFERRED FOR EACH ROW EXECUTE FUNCTION refuse_commit();
"""


@pytest.mark.postgres
@pytest.mark.parametrize("database_url", ["postgres"], indirect=True)
def test_a_commit_postgresql_refuses_is_answered_unavailable_and_the_next_op_works(backend):
    engine = create_engine(backend.db.url, isolation_level="AUTOCOMMIT")
    with engine.connect() as admin:
        admin.exec_driver_sql(REFUSE_COMMITS)
    try:
        created = make_workshop(backend)
        sam = make_member(backend, created.invite_token, "Sam", "Support")
        persona = snapshot(backend, created.id, sam)["personas"][0]["id"]
        first = apply_op(backend, created.id, sam["id"], _note_op(persona, "before"))
        assert first["ok"], first
        with engine.connect() as admin:
            admin.exec_driver_sql("INSERT INTO disk_full VALUES (true)")
        refused_op = _note_op(persona, "while full")
        refused = apply_op(backend, created.id, sam["id"], refused_op)
        assert refused["error"]["code"] == "unavailable", refused
        with engine.connect() as admin:
            admin.exec_driver_sql("DELETE FROM disk_full")
        retried = apply_op(backend, created.id, sam["id"], refused_op)
        assert retried["ok"] and not retried.get("duplicate"), retried
        assert retried["seq"] == first["seq"] + 1  # the refused commit took no seq
        _assert_acked_once_and_no_gap(backend, created.id,
                                      [first["event"]["op_id"], refused_op["op_id"]])
    finally:
        with engine.connect() as admin:
            admin.exec_driver_sql("DROP TRIGGER refuse_commit ON events; "
                                  "DROP FUNCTION refuse_commit(); DROP TABLE disk_full")
        engine.dispose()

