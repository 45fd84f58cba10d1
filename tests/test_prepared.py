"""Prepared statements on the driver's cursor: the same values in and out as through Core."""

from datetime import UTC, datetime

import pytest
from sqlalchemy import bindparam, exc, select

from tests.helpers import make_member, make_workshop
from workshop.models import Event, Participant
from workshop.prepared import Prepared

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
