"""Committed events on their way out: coalesced per workshop, sent in seq order."""

from __future__ import annotations

import logging
import threading
import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from typing import NamedTuple

logger = logging.getLogger(__name__)

# At most this many events in one `events` message; a longer run is sent as several.
MAX_BATCH = 64

# How long a workshop's events may wait for the ops still being applied in it (seconds).
MAX_HOLD = 0.005


class Delivery(NamedTuple):
    """One form of a committed entry on its way out.

    `participant_id` is the one member it is for (their own form), or None for everyone.
    `origin` is the connection whose op wrote the entry: that connection has the entry in its
    ack already, so it is not sent to it again (docs/protocol.md, Delivery).
    """

    participant_id: str | None
    event: dict
    origin: str | None = None


Send = Callable[[str, list[Delivery]], None]


class EventOutbox:
    """Collects committed events and hands them to `send` in commit order, a workshop's
    pending events together.

    Ops append their events here and return at once; one background task sends whatever has
    piled up. When the server is idle that is one event, sent on the next turn of the event
    loop. Under a burst (200 people voting), the ops read in one turn of the loop go out as
    one message per connection instead of one per op, which is what keeps fan-out from
    saturating a core: its cost is per message, hardly per byte.

    Where ops wait for the database (PostgreSQL, or threads), the task would wake between
    any two of them and send each event alone. So while ops of a workshop are being applied
    (`applying`), its events wait for theirs, at most `max_hold` after the first of them was
    queued; they go as soon as the last of those ops is done. A workshop with no op under way
    is never held.
    """

    def __init__(self, send: Send, start_background_task: Callable,
                 max_hold: float = MAX_HOLD, clock: Callable[[], float] = time.monotonic) -> None:
        self._send = send
        self._start = start_background_task
        self.max_hold = max_hold
        self._clock = clock
        self._lock = threading.Lock()
        self._wake = threading.Event()
        self._pending: dict[str, list[Delivery]] = {}
        self._queued_at: dict[str, float] = {}  # when each workshop's first pending event came
        self._applying: dict[str, int] = {}  # ops under way per workshop
        self._running = False

    def put(self, workshop_id: str, event: dict, participant_id: str | None,
            origin: str | None = None) -> None:
        """Queue one committed event for the workshop (or for one participant of it)."""
        with self._lock:
            if workshop_id not in self._pending:
                self._pending[workshop_id] = []
                self._queued_at[workshop_id] = self._clock()
            self._pending[workshop_id].append(Delivery(participant_id, event, origin))
            start = not self._running
            self._running = True
        if start:
            self._start(self._send_forever)
        self._wake.set()

    @contextmanager
    def applying(self, workshop_id: str) -> Iterator[None]:
        """An op of the workshop is under way (waiting for its turn, or for the database);
        the workshop's events may wait for its event, within `max_hold`."""
        with self._lock:
            self._applying[workshop_id] = self._applying.get(workshop_id, 0) + 1
        try:
            yield
        finally:
            with self._lock:
                left = self._applying.pop(workshop_id) - 1
                if left:
                    self._applying[workshop_id] = left
                wake = not left and workshop_id in self._pending
            if wake:
                self._wake.set()

    def _send_forever(self) -> None:
        timeout = None
        while True:
            self._wake.wait(timeout)
            self._wake.clear()
            timeout = self.send_pending()

    def send_pending(self) -> float | None:
        """Send what is queued, each workshop's events in the order they came, except a
        workshop's that may still wait for an op under way. Returns the seconds until the
        first of those must go, or None if none wait."""
        now = self._clock()
        ready, next_due = [], None
        with self._lock:
            for workshop_id in list(self._pending):
                due = self._queued_at[workshop_id] + self.max_hold
                if self._applying.get(workshop_id) and now < due:
                    next_due = due if next_due is None else min(next_due, due)
                    continue
                ready.append((workshop_id, self._pending.pop(workshop_id)))
                del self._queued_at[workshop_id]
        for workshop_id, deliveries in ready:
            try:
                self._send(workshop_id, deliveries)
            except Exception:  # noqa: BLE001 - the loop must outlive one failed send
                # The events are committed; a client that misses them sees the gap at the
                # next event or reconnect and catches up with `sync`.
                logger.exception("could not send %d events of workshop %s",
                                 len(deliveries), workshop_id)
        return None if next_due is None else next_due - now


def chunks(events: list[dict], size: int = MAX_BATCH) -> list[list[dict]]:
    """The events in order, at most `size` to a list."""
    return [events[start:start + size] for start in range(0, len(events), size)]
