"""Who is here: connections arriving and leaving, announced as presence changes."""

from __future__ import annotations

from workshop.services.backend import Backend


def arrive(backend: Backend, workshop_id: str, sid: str, member: dict) -> None:
    """Record a member's new connection: it gets the whole list, the room the change."""
    backend.presence.connect(workshop_id, sid, member)
    backend.publisher.send_presence(workshop_id, sid, backend.presence.present(workshop_id))
    backend.publisher.publish_presence_change(
        workshop_id, member["id"], lambda: backend.presence.present(workshop_id))


def leave(backend: Backend, workshop_id: str, sid: str) -> None:
    """Forget a closed connection and tell the room, should its participant have left."""
    participant = backend.presence.disconnect(workshop_id, sid)
    if participant is not None:
        backend.publisher.publish_presence_change(
            workshop_id, participant["id"], lambda: backend.presence.present(workshop_id))
