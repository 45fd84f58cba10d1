"""Committed events on their way out: coalesced per workshop, sent in seq order."""

from __future__ import annotations

import logging
import threading
from collections.abc import Callable

logger = logging.getLogger(__name__)

# At most this many events in one `events` message; a longer run is sent as several.
MAX_BATCH = 64

Send = Callable[[str, list[tuple[str | None, dict]]], None]


class EventOutbox:
    """Collects committed events and hands them to `send` in commit order, a workshop's
    pending events together.

    Ops append their events here and return at once; one background task sends whatever has
    piled up. When the server is idle that is one event, sent on the next turn of the event
    loop. Under a burst (200 people voting), the ops read in one turn of the loop go out as
    one message per connection instead of one per op, which is what keeps fan-out from
    saturating a core: its cost is per message, hardly per byte.
    """

    def __init__(self, send: Send, start_background_task: Callable) -> None:
        self._send = send
        self._start = start_background_task
        self._lock = threading.Lock()
        self._wake = threading.Event()
        self._pending: dict[str, list[tuple[str | None, dict]]] = {}
        self._running = False

    def put(self, workshop_id: str, event: dict, participant_id: str | None) -> None:
        """Queue one committed event for the workshop (or for one participant of it)."""
        with self._lock:
            self._pending.setdefault(workshop_id, []).append((participant_id, event))
            start = not self._running
            self._running = True
        if start:
            self._start(self._send_forever)
        self._wake.set()

    def _send_forever(self) -> None:
        while True:
            self._wake.wait()
            self._wake.clear()
            self.send_pending()

    def send_pending(self) -> None:
        """Send everything queued so far, each workshop's events in the order they came."""
        with self._lock:
            pending, self._pending = self._pending, {}
        for workshop_id, deliveries in pending.items():
            try:
                self._send(workshop_id, deliveries)
            except Exception:  # noqa: BLE001 - the loop must outlive one failed send
                # The events are committed; a client that misses them sees the gap at the
                # next event or reconnect and catches up with `sync`.
                logger.exception("could not send %d events of workshop %s",
                                 len(deliveries), workshop_id)


def chunks(events: list[dict], size: int = MAX_BATCH) -> list[list[dict]]:
    """The events in order, at most `size` to a list."""
    return [events[start:start + size] for start in range(0, len(events), size)]
