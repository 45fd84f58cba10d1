"""What services need from the outside world: the database, a publisher, presence."""

from __future__ import annotations

from collections.abc import Callable, Iterable
from contextlib import AbstractContextManager
from dataclasses import dataclass, field
from typing import Protocol

from workshop.db import Database
from workshop.offload import WorkerPool
from workshop.os_threads import OsThreadGate
from workshop.services.join_limits import JoinLimits
from workshop.services.rate_limit import DEFAULT_SIGNAL_RATE, OpRateLimiter


class Publisher(Protocol):
    """Sends committed events and ephemeral signals to the connected clients."""

    def publish_event(self, workshop_id: str, event: dict,
                      participant_id: str | None = None, origin: str | None = None) -> None:
        """Deliver one committed log event to everyone in the workshop, or to one member;
        not to `origin`, the connection whose op wrote it (its ack carries the event)."""

    def send_presence(self, workshop_id: str, sid: str, present: list[dict]) -> None:
        """Deliver a workshop's whole presence list to one connection."""

    def publish_presence_change(self, workshop_id: str, participant_id: str,
                                present: Callable[[], list[dict]]) -> None:
        """Tell a workshop's connections that a participant arrived or left; `present()`
        gives the list as it is when the change is sent."""

    def applying(self, workshop_id: str) -> AbstractContextManager:
        """Around applying an op of the workshop, so its events can be sent together."""

    def disconnect_participant(self, workshop_id: str, participant_id: str) -> None:
        """Cut every open connection of a participant (after they were removed)."""


@dataclass
class Backend:
    """The dependencies of every service function, built once by the app factory."""

    db: Database
    publisher: Publisher
    presence: PresenceRegistry
    rate_limiter: OpRateLimiter = field(default_factory=OpRateLimiter)
    join_limits: JoinLimits = field(default_factory=JoinLimits)
    signal_limiter: OpRateLimiter = field(default_factory=lambda: OpRateLimiter(
        DEFAULT_SIGNAL_RATE, scope="signal"))
    # Heavy work (PDFs, the A4 check, imports, pictures) runs in its worker processes.
    offload: WorkerPool = field(default_factory=WorkerPool)
    # Searches (SQLite marking matches in long notes) run in a few OS threads of their own.
    search_threads: OsThreadGate = field(default_factory=OsThreadGate)


def sorted_present(participants: Iterable[dict]) -> list[dict]:
    """Participants once each, sorted by team and then name (as `presence` lists them)."""
    unique = {p["id"]: p for p in participants}
    return sorted(unique.values(), key=lambda p: (p["team"].casefold(), p["name"].casefold()))


class PresenceRegistry:
    """Which participants have an open connection, per workshop, in this process.

    Enough for one worker; workers sharing a Redis message queue use the subclass in
    services/shared_presence.py, whose lists span all of them.
    """

    def __init__(self) -> None:
        self._by_workshop: dict[str, dict[str, dict]] = {}

    def connect(self, workshop_id: str, sid: str, participant: dict) -> None:
        """Record an open connection of a participant."""
        self._by_workshop.setdefault(workshop_id, {})[sid] = participant

    def disconnect(self, workshop_id: str, sid: str) -> dict | None:
        """Forget a closed connection; the participant it belonged to, if it was known."""
        connections = self._by_workshop.get(workshop_id, {})
        participant = connections.pop(sid, None)
        if not connections:
            self._by_workshop.pop(workshop_id, None)
        return participant

    def present(self, workshop_id: str) -> list[dict]:
        """Participants with at least one open connection, once each, sorted by team and name."""
        return sorted_present(self._by_workshop.get(workshop_id, {}).values())

    def heartbeat(self) -> None:
        """Nothing to renew in one process (see SharedPresenceRegistry)."""
