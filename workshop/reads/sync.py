"""Catching up: the events after a seq, or a fresh snapshot when that is the better answer."""

from __future__ import annotations

from sqlalchemy import Row, bindparam, select
from sqlalchemy.orm import Session

from workshop.models import Event, Workshop
from workshop.reads.snapshot import read_snapshot
from workshop.services import visibility
from workshop.services.backend import Backend
from workshop.services.errors import ServiceError

# A sync further behind than this gets a fresh snapshot instead of the events.
SYNC_EVENT_LIMIT = 1000

_EVENTS = Event.__table__
_EVENTS_AFTER = (select(_EVENTS).where(_EVENTS.c.workshop_id == bindparam("workshop_id"),
                                       _EVENTS.c.seq > bindparam("since"))
                 .order_by(_EVENTS.c.seq).limit(bindparam("limit")))


def events_after(session: Session, workshop_id: str, since: int, limit: int) -> list[Row]:
    """Up to `limit` entries with seq greater than `since`, in order, as read-only rows
    (Core: a client back from a dropped connection may ask for hundreds at once)."""
    return session.connection().execute(_EVENTS_AFTER, {
        "workshop_id": workshop_id, "since": since, "limit": limit}).all()


def sync(backend: Backend, workshop_id: str, viewer: dict, since: int) -> dict:
    """The events after `since`, or a fresh snapshot when that is the better answer."""
    with backend.db.reading() as session:
        workshop = session.get(Workshop, workshop_id)
        if workshop is None:
            raise ServiceError("not_found", "no such workshop")
        behind = workshop.seq - since
        if 0 <= behind <= SYNC_EVENT_LIMIT:
            events = events_after(session, workshop_id, since, SYNC_EVENT_LIMIT)
            return {"ok": True, "seq": workshop.seq,
                    "events": [visibility.wire(e, viewer["id"]) for e in events]}
        # Too far behind, or ahead of the server (a restored database): start afresh.
        state = read_snapshot(session, workshop_id, viewer)
        return {"ok": True, "seq": state["seq"], "snapshot": state}
