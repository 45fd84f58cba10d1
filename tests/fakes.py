"""Fakes of the app's outside world for tests that call services without Flask."""

from __future__ import annotations

from contextlib import AbstractContextManager, nullcontext


class CollectingPublisher:
    """A publisher that keeps what it was given (workshop/services/backend.py, Publisher)."""

    def __init__(self) -> None:
        self.events: list[tuple[str, dict]] = []
        self.direct: list[tuple[str, dict]] = []
        self.presence: list[tuple[str, list[dict]]] = []
        self.presence_changes: list[tuple[str, str]] = []
        self.disconnected: list[tuple[str, str]] = []

    def publish_event(self, workshop_id: str, event: dict,
                      participant_id: str | None = None, origin: str | None = None) -> None:
        """Keep the event: workshop-wide ones in `events`, one member's in `direct`."""
        if participant_id is None:
            self.events.append((workshop_id, event))
        else:
            self.direct.append((participant_id, event))

    def send_presence(self, workshop_id: str, sid: str, present: list[dict]) -> None:
        """Keep the presence list a newcomer was sent."""
        self.presence.append((workshop_id, present))

    def publish_presence_change(self, workshop_id: str, participant_id: str,
                                present) -> None:
        """Keep who arrived or left."""
        self.presence_changes.append((workshop_id, participant_id))

    def applying(self, workshop_id: str) -> AbstractContextManager:
        """Nothing to coalesce: events are kept as they come."""
        return nullcontext()

    def disconnect_participant(self, workshop_id: str, participant_id: str) -> None:
        """Keep who was to be disconnected."""
        self.disconnected.append((workshop_id, participant_id))
