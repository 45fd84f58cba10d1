"""The event log: allocating seq, appending entries, and their wire form."""

from __future__ import annotations

from datetime import UTC, datetime

from sqlalchemy import select, update
from sqlalchemy.orm import Session

from workshop.models import Event, Workshop


def iso(moment: datetime) -> str:
    """ISO 8601 in UTC with millisecond precision; SQLite hands back naive datetimes."""
    if moment.tzinfo is None:
        moment = moment.replace(tzinfo=UTC)
    return moment.astimezone(UTC).isoformat(timespec="milliseconds").replace("+00:00", "Z")


def next_seq(session: Session, workshop_id: str) -> int | None:
    """Take the workshop's next seq; on PostgreSQL this also locks the row until commit."""
    return session.execute(
        update(Workshop)
        .where(Workshop.id == workshop_id)
        .values(seq=Workshop.seq + 1)
        .returning(Workshop.seq)
    ).scalar_one_or_none()


def append(session: Session, workshop_id: str, seq: int, type_: str, data: dict,
           actor_id: str | None = None, op_id: str | None = None,
           audience: str | None = None, public: dict | None = None) -> Event:
    """Add one log entry to the session (the caller commits).

    With `public` set, `data` is for `audience` only and everyone else sees `public`.
    """
    event = Event(workshop_id=workshop_id, seq=seq, type=type_, data=data,
                  actor_id=actor_id, op_id=op_id, audience=audience, public=public,
                  at=datetime.now(UTC))
    session.add(event)
    return event


def find_op(session: Session, workshop_id: str, actor_id: str, op_id: str) -> Event | None:
    """The entry an op with this id already produced, if any (retries are applied once)."""
    return session.scalars(
        select(Event).where(Event.workshop_id == workshop_id, Event.actor_id == actor_id,
                            Event.op_id == op_id)
    ).first()


def events_after(session: Session, workshop_id: str, since: int, limit: int) -> list[Event]:
    """Up to `limit` entries with seq greater than `since`, in order."""
    return list(session.scalars(
        select(Event).where(Event.workshop_id == workshop_id, Event.seq > since)
        .order_by(Event.seq).limit(limit)
    ))
