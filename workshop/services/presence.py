"""Who is here: connections arriving and leaving, announced as `presence` signals."""

from __future__ import annotations

from workshop.services.backend import Backend


def arrive(backend: Backend, workshop_id: str, sid: str, member: dict) -> None:
    """Record a member's new connection and announce the workshop's presence list."""
    backend.presence.connect(workshop_id, sid, member)
    backend.publisher.publish_presence(workshop_id, backend.presence.present(workshop_id))


def leave(backend: Backend, workshop_id: str, sid: str) -> None:
    """Forget a closed connection and announce the presence list again."""
    backend.presence.disconnect(workshop_id, sid)
    backend.publisher.publish_presence(workshop_id, backend.presence.present(workshop_id))
