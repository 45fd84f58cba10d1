"""The event log: allocating seq, appending entries, and their wire form."""

from __future__ import annotations

from datetime import UTC, datetime

from sqlalchemy import Row, bindparam, select
from sqlalchemy.orm import Session

from workshop.models import Event, Workshop


def iso(moment: datetime) -> str:
    """ISO 8601 in UTC with millisecond precision; SQLite hands back naive datetimes."""
    if moment.tzinfo is None:
        moment = moment.replace(tzinfo=UTC)
    return moment.astimezone(UTC).isoformat(timespec="milliseconds").replace("+00:00", "Z")


# Built once: these run on every op, and a statement object reused keeps its cache key.
# Core, not ORM: an ORM UPDATE … RETURNING an entity costs twice as much on every op.
_WORKSHOPS = Workshop.__table__
_TAKE_SEQ = (_WORKSHOPS.update().where(_WORKSHOPS.c.id == bindparam("workshop_id"))
             .values(seq=_WORKSHOPS.c.seq + 1)
             .returning(_WORKSHOPS.c.seq, _WORKSHOPS.c.settings, _WORKSHOPS.c.teams,
                        _WORKSHOPS.c.phase))
_FIND_OP = select(Event.id).where(Event.workshop_id == bindparam("workshop_id"),
                                  Event.actor_id == bindparam("actor_id"),
                                  Event.op_id == bindparam("op_id"))
_INSERT = Event.__table__.insert()


def next_seq(session: Session, workshop_id: str) -> int | None:
    """Take the workshop's next seq; on PostgreSQL this also locks the row until commit."""
    head = take_seq(session, workshop_id)
    return head.seq if head else None


def take_seq(session: Session, workshop_id: str) -> Row | None:
    """Take the workshop's next seq; the row also carries its settings, teams and phase.

    On PostgreSQL the UPDATE also locks the row until commit, which serialises writers.
    """
    return session.connection().execute(_TAKE_SEQ, {"workshop_id": workshop_id}).one_or_none()


def append(session: Session, workshop_id: str, seq: int, type_: str, data: dict,
           actor_id: str | None = None, op_id: str | None = None,
           audience: str | None = None, public: dict | None = None) -> Event:
    """Write one log entry in the session's transaction (the caller commits).

    With `public` set, `data` is for `audience` only and everyone else sees `public`.
    """
    event = Event(workshop_id=workshop_id, seq=seq, type=type_, data=data,
                  actor_id=actor_id, op_id=op_id, audience=audience, public=public,
                  at=datetime.now(UTC))
    # The entry is written with one INSERT rather than through the unit of work (a third
    # of the cost on every op); the returned object is only read, to publish it. Pending
    # rows go first, so the entry never refers to a workshop that is not written yet.
    session.flush()
    session.connection().execute(_INSERT, {
        "workshop_id": workshop_id, "seq": seq, "type": type_, "data": data,
        "actor_id": actor_id, "op_id": op_id, "audience": audience, "public": public,
        "at": event.at})
    return event


def find_op(session: Session, workshop_id: str, actor_id: str, op_id: str) -> Event | None:
    """The entry an op with this id already produced, if any (retries are applied once)."""
    # Nearly every op is new: look for the key alone (an index-only lookup on uq_events_op)
    # and load the whole entry only for a retry.
    found = session.connection().execute(_FIND_OP, {
        "workshop_id": workshop_id, "actor_id": actor_id, "op_id": op_id}).scalar()
    return None if found is None else session.get(Event, found)


def events_after(session: Session, workshop_id: str, since: int, limit: int) -> list[Event]:
    """Up to `limit` entries with seq greater than `since`, in order."""
    return list(session.scalars(
        select(Event).where(Event.workshop_id == workshop_id, Event.seq > since)
        .order_by(Event.seq).limit(limit)
    ))
