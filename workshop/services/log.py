"""The event log: allocating seq, appending entries, and their wire form."""

from __future__ import annotations

from datetime import UTC, datetime

from sqlalchemy import bindparam, select, update
from sqlalchemy.orm import Session

from workshop.models import Event, Workshop


def iso(moment: datetime) -> str:
    """ISO 8601 in UTC with millisecond precision; SQLite hands back naive datetimes."""
    if moment.tzinfo is None:
        moment = moment.replace(tzinfo=UTC)
    return moment.astimezone(UTC).isoformat(timespec="milliseconds").replace("+00:00", "Z")


# Built once: these run on every op, and a statement object reused keeps its cache key.
_TAKE_SEQ = (update(Workshop).where(Workshop.id == bindparam("workshop_id"))
             .values(seq=Workshop.seq + 1).returning(Workshop))
_FIND_OP = select(Event.id).where(Event.workshop_id == bindparam("workshop_id"),
                                  Event.actor_id == bindparam("actor_id"),
                                  Event.op_id == bindparam("op_id"))
_INSERT = Event.__table__.insert()
# The session is new, so there is nothing to synchronise, and the row it returns is the truth.
_FRESH = {"populate_existing": True, "synchronize_session": False}


def next_seq(session: Session, workshop_id: str) -> int | None:
    """Take the workshop's next seq; on PostgreSQL this also locks the row until commit."""
    workshop = take_seq(session, workshop_id)
    return workshop.seq if workshop else None


def take_seq(session: Session, workshop_id: str) -> Workshop | None:
    """Take the workshop's next seq and load the workshop in the same statement.

    On PostgreSQL the UPDATE also locks the row until commit, which serialises writers.
    """
    return session.scalars(_TAKE_SEQ, {"workshop_id": workshop_id},
                           execution_options=_FRESH).one_or_none()


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
    found = session.scalar(_FIND_OP, {"workshop_id": workshop_id, "actor_id": actor_id,
                                      "op_id": op_id})
    return None if found is None else session.get(Event, found)


def events_after(session: Session, workshop_id: str, since: int, limit: int) -> list[Event]:
    """Up to `limit` entries with seq greater than `since`, in order."""
    return list(session.scalars(
        select(Event).where(Event.workshop_id == workshop_id, Event.seq > since)
        .order_by(Event.seq).limit(limit)
    ))
