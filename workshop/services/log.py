"""The event log: allocating seq, appending entries, and their wire form."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, datetime

from sqlalchemy import Connection, Row, bindparam, select
from sqlalchemy.orm import Session

from workshop.models import Event, Workshop
from workshop.prepared import Prepared, Record


def iso(moment: datetime) -> str:
    """ISO 8601 in UTC with millisecond precision; SQLite hands back naive datetimes."""
    if moment.tzinfo is None:
        moment = moment.replace(tzinfo=UTC)
    return moment.astimezone(UTC).isoformat(timespec="milliseconds").replace("+00:00", "Z")


# Built once and run on the driver's cursor (workshop/prepared.py): these run on every op.
_WORKSHOPS = Workshop.__table__
_TAKE_SEQ = Prepared(_WORKSHOPS.update().where(_WORKSHOPS.c.id == bindparam("workshop_id"))
                     .values(seq=_WORKSHOPS.c.seq + 1)
                     .returning(_WORKSHOPS.c.seq, _WORKSHOPS.c.settings, _WORKSHOPS.c.teams,
                                _WORKSHOPS.c.phase))
_EVENTS = Event.__table__
_FIND_OP = select(_EVENTS.c.id).where(_EVENTS.c.workshop_id == bindparam("workshop_id"),
                                      _EVENTS.c.actor_id == bindparam("actor_id"),
                                      _EVENTS.c.op_id == bindparam("op_id"))
_ENTRY = select(_EVENTS).where(_EVENTS.c.id == bindparam("id"))
_ENTRY_COLUMNS = ("workshop_id", "seq", "type", "data", "actor_id", "op_id", "audience",
                  "public", "at")
_INSERT = Prepared(_EVENTS.insert(), column_keys=_ENTRY_COLUMNS)


@dataclass(frozen=True)
class Entry:
    """A log entry as just written: the fields of `Event` that publishing and acks read."""

    workshop_id: str
    seq: int
    type: str
    data: dict
    actor_id: str | None
    op_id: str | None
    audience: str | None
    public: dict | None
    at: datetime


def next_seq(session: Session, workshop_id: str) -> int | None:
    """Take the workshop's next seq; on PostgreSQL this also locks the row until commit."""
    head = take_seq(session.connection(), workshop_id)
    return head.seq if head else None


def take_seq(connection: Connection, workshop_id: str) -> Record | None:
    """Take the workshop's next seq; the row also carries its settings, teams and phase.

    On PostgreSQL the UPDATE also locks the row until commit, which serialises writers.
    """
    return _TAKE_SEQ.one_or_none(connection, workshop_id=workshop_id)


def append(session: Session, workshop_id: str, seq: int, type_: str, data: dict,
           actor_id: str | None = None, op_id: str | None = None) -> Entry:
    """Write one log entry in the session's transaction, after its pending rows (so the
    entry never refers to a workshop that is not written yet); the caller commits."""
    session.flush()
    return write(session.connection(), workshop_id, seq, type_, data, actor_id, op_id)


def write(connection: Connection, workshop_id: str, seq: int, type_: str, data: dict,
          actor_id: str | None = None, op_id: str | None = None,
          audience: str | None = None, public: dict | None = None) -> Entry:
    """Write one log entry with one INSERT in the connection's transaction (the caller commits).

    With `public` set, `data` is for `audience` only and everyone else sees `public`.
    """
    entry = Entry(workshop_id, seq, type_, data, actor_id, op_id, audience, public,
                  datetime.now(UTC))
    _INSERT.execute(connection, workshop_id=workshop_id, seq=seq, type=type_, data=data,
                    actor_id=actor_id, op_id=op_id, audience=audience, public=public,
                    at=entry.at)
    return entry


def find_op(connection: Connection, workshop_id: str, actor_id: str, op_id: str) -> Row | None:
    """The entry an op with this id already produced, if any (retries are applied once)."""
    # Nearly every op is new: look for the key alone (an index-only lookup on uq_events_op)
    # and load the whole entry only for a retry.
    found = connection.execute(_FIND_OP, {
        "workshop_id": workshop_id, "actor_id": actor_id, "op_id": op_id}).scalar()
    return None if found is None else connection.execute(_ENTRY, {"id": found}).one()
