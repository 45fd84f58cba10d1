"""Prepared statements on the driver's cursor: the same values in and out as through Core."""

from datetime import UTC, datetime

import pytest
from sqlalchemy import bindparam, exc, literal_column, select, text

from tests.fakes import CollectingPublisher
from tests.helpers import make_member, make_workshop
from workshop import prepared
from workshop.config import Config
from workshop.db import Database
from workshop.models import Event, Participant
from workshop.prepared import Prepared, compile_all
from workshop.services.backend import Backend, PresenceRegistry
from workshop.services.rate_limit import OpRateLimiter

EVENTS = Event.__table__
PARTICIPANTS = Participant.__table__
ENTRY = ("workshop_id", "seq", "type", "data", "actor_id", "op_id", "audience", "public", "at")
INSERT_ENTRY = Prepared(EVENTS.insert(), column_keys=ENTRY)
ENTRY_AT = Prepared(select(EVENTS).where(EVENTS.c.workshop_id == bindparam("w"),
                                         EVENTS.c.seq == bindparam("seq")))
MEMBER = Prepared(PARTICIPANTS.select().where(PARTICIPANTS.c.id == bindparam("id")))


def _entry(workshop_id: str, seq: int, **changes) -> dict:
    return {"workshop_id": workshop_id, "seq": seq, "type": "test.done",
            "data": {"text": "Zoë's note", "n": [1, 2.5, None], "ok": True},
            "actor_id": None, "op_id": f"op-{seq}", "audience": None, "public": None,
            "at": datetime(2026, 12, 6, 3, 4, 5, 678000, tzinfo=UTC), **changes}


def test_rows_read_the_same_as_through_core(backend):
    room = make_workshop(backend)
    member = make_member(backend, room.invite_token, "Zoë", "Support")
    with backend.db.write_transaction(room.id) as connection:
        core = connection.execute(PARTICIPANTS.select().where(
            PARTICIPANTS.c.id == member["id"])).one()
        prepared = MEMBER.one_or_none(connection, id=member["id"])
        assert prepared == tuple(core)  # converted alike: booleans, dates, text
        assert prepared.removed is False and prepared.name == "Zoë"
        assert isinstance(prepared.created_at, datetime)
        assert MEMBER.one_or_none(connection, id="nobody") is None


def test_values_written_read_back_through_core_as_written_through_core(backend):
    room = make_workshop(backend)
    with backend.db.write_transaction(room.id) as connection:
        INSERT_ENTRY.execute(connection, **_entry(room.id, 100))
        connection.execute(EVENTS.insert(), _entry(room.id, 101))
        connection.commit()
    with backend.db.reading() as session:
        rows = session.connection().execute(
            select(EVENTS.c.seq, EVENTS.c.data, EVENTS.c.public, EVENTS.c.at)
            .where(EVENTS.c.seq.in_([100, 101])).order_by(EVENTS.c.seq)).all()
    by_prepared, by_core = rows
    assert by_prepared[1:] == by_core[1:]
    assert by_prepared.data == {"text": "Zoë's note", "n": [1, 2.5, None], "ok": True}
    with backend.db.write_transaction(room.id) as connection:  # and the prepared read agrees
        assert ENTRY_AT.one_or_none(connection, w=room.id, seq=100).data == by_core.data


def test_a_refused_statement_raises_sqlalchemys_exception_and_rolls_back(backend):
    room = make_workshop(backend)
    with backend.db.write_transaction(room.id) as connection:
        INSERT_ENTRY.execute(connection, **_entry(room.id, 200))
        with pytest.raises(exc.IntegrityError):  # the same (workshop, seq) twice
            INSERT_ENTRY.execute(connection, **_entry(room.id, 200, op_id="other"))
        connection.rollback()
    with backend.db.write_transaction(room.id) as connection:
        assert ENTRY_AT.one_or_none(connection, w=room.id, seq=200) is None


def test_it_runs_only_inside_a_transaction(backend):
    with backend.db.engine.connect() as connection, pytest.raises(AssertionError):
        MEMBER.one_or_none(connection, id="x")


# ---- PostgreSQL: statements prepared on the server -------------------------------------

PERCENT = Prepared(select(literal_column("'50%'"), PARTICIPANTS.c.name)
                   .where(PARTICIPANTS.c.id == bindparam("id")))


def _server_statements(connection) -> dict[str, str]:
    """The statements prepared in this connection's session, by name."""
    return dict(connection.execute(text(
        "SELECT name, statement FROM pg_prepared_statements")).all())


@pytest.fixture
def pg_room(postgres_url):
    """A PostgreSQL database with one workshop and member, and a way to open it again.

    Yields (open_database, workshop, member); `open_database(prepared_statements=...)` makes a
    fresh `Database` (a fresh pool, so nothing prepared yet), disposed of afterwards.
    """
    opened = []

    def open_database(prepared_statements: bool = True) -> Database:
        opened.append(Database(postgres_url, prepared_statements))
        return opened[-1]

    backend = Backend(open_database(), CollectingPublisher(), PresenceRegistry(),
                      OpRateLimiter("10000/second"))
    room = make_workshop(backend)
    member = make_member(backend, room.invite_token, "Zoë", "Support")
    yield open_database, room, member
    for database in opened:
        database.dispose()


@pytest.mark.postgres
def test_on_postgresql_a_statement_is_prepared_once_per_connection(pg_room):
    open_database, room, member = pg_room
    with open_database().write_transaction(room.id) as connection:
        first = MEMBER.one_or_none(connection, id=member["id"])
        prepared = _server_statements(connection)
        assert MEMBER.one_or_none(connection, id=member["id"]) == first
        assert _server_statements(connection) == prepared  # the second run only executes
    (name, statement), = prepared.items()
    assert statement.startswith(f"PREPARE {name} AS SELECT participants.id")
    assert "participants.id = $1" in statement
    assert first.name == "Zoë" and first.removed is False


@pytest.mark.postgres
def test_a_prepared_statement_outlives_a_rollback_and_a_new_connection_prepares_again(pg_room):
    open_database, room, member = pg_room
    database = open_database()
    with database.write_transaction(room.id) as connection:
        MEMBER.one_or_none(connection, id=member["id"])
        connection.rollback()
        connection.begin()
        # Only executed now: it would fail had the rollback taken the statement with it.
        assert MEMBER.one_or_none(connection, id=member["id"]).name == "Zoë"
        connection.invalidate()  # the session, and what it prepared, is gone
    with database.write_transaction(room.id) as connection:
        assert MEMBER.one_or_none(connection, id=member["id"]).name == "Zoë"
        assert len(_server_statements(connection)) == 1


@pytest.mark.postgres
def test_a_literal_percent_sign_survives_preparing(pg_room):
    open_database, room, member = pg_room
    with open_database().write_transaction(room.id) as connection:
        assert tuple(PERCENT.one_or_none(connection, id=member["id"])) == ("50%", "Zoë")


@pytest.mark.postgres
def test_with_prepared_statements_off_nothing_is_prepared_and_rows_are_the_same(pg_room):
    open_database, room, member = pg_room
    database = open_database(prepared_statements=False)  # as behind PgBouncer's transactions
    with database.write_transaction(room.id) as connection:
        assert MEMBER.one_or_none(connection, id=member["id"]).name == "Zoë"
        INSERT_ENTRY.execute(connection, **_entry(room.id, 300))
        assert ENTRY_AT.one_or_none(connection, w=room.id, seq=300).data["n"] == [1, 2.5, None]
        assert _server_statements(connection) == {}


@pytest.mark.parametrize(("value", "on"), [(None, True), ("on", True), ("off", False),
                                           ("0", False), ("false", False)])
def test_prepared_statements_are_on_unless_the_environment_turns_them_off(monkeypatch,
                                                                          value, on):
    if value is None:
        monkeypatch.delenv("WORKSHOP_PREPARED_STATEMENTS", raising=False)
    else:
        monkeypatch.setenv("WORKSHOP_PREPARED_STATEMENTS", value)
    assert Config.from_env().prepared_statements is on


def test_compile_all_compiles_every_statement_for_a_dialect_once(backend, monkeypatch):
    dialect = backend.db.engine.dialect
    fresh = Prepared(select(PARTICIPANTS.c.name).where(PARTICIPANTS.c.id == bindparam("id")))
    assert compile_all(dialect) >= 1

    def no_compiler(*_args):
        raise AssertionError("compiled again")

    monkeypatch.setattr(prepared, "_Form", no_compiler)
    form = fresh.form(dialect)  # compiled by compile_all, and kept
    assert form.sql.startswith("SELECT participants.name")
    compile_all(dialect)
    assert fresh.form(dialect) is form
