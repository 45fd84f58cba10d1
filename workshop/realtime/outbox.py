"""Committed events on their way out: coalesced per workshop, sent in seq order."""

from __future__ import annotations

import logging
import math
import threading
import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager

logger = logging.getLogger(__name__)

# At most this many events in one `events` message; a longer run is sent as several.
MAX_BATCH = 64

# How long a workshop's events may wait for the ops still being applied in it (seconds).
MAX_HOLD = 0.005

# An entry committed when nothing was sent for this long and nothing waits goes out at once,
# from the op that committed it (seconds). Closer together, entries are coalesced.
IDLE_AFTER = 0.005

Send = Callable[[str, list[tuple[str | None, dict]]], None]


class EventOutbox:
    """Hands committed events to `send` in commit order: at once when it was idle, else a
    workshop's pending events together.

    When nothing was sent for `idle_after` seconds and nothing waits, an entry is sent by the
    op that committed it, before the op's ack: a quiet board's events do not wait for another
    turn of the event loop (bench/README.md, "Profile"). Otherwise ops append their events
    here and return at once, and one background task sends whatever has piled up. Under a
    burst (200 people voting), the ops read in one turn of the loop then go out as one
    message per connection instead of one per op, which is what keeps fan-out from
    saturating a core: its cost is per message, hardly per byte. One send runs at a time,
    the op's or the task's, so events leave in the order they were committed.

    Where ops wait for the database (PostgreSQL, or threads), the task would wake between
    any two of them and send each event alone. So while ops of a workshop are being applied
    (`applying`), its events wait for theirs, at most `max_hold` after the first of them was
    queued; they go as soon as the last of those ops is done. A workshop with no op under way
    is never held.
    """

    def __init__(self, send: Send, start_background_task: Callable,
                 max_hold: float = MAX_HOLD, idle_after: float | None = IDLE_AFTER,
                 clock: Callable[[], float] = time.monotonic) -> None:
        self._send = send
        self._start = start_background_task
        self.max_hold = max_hold
        self.idle_after = idle_after  # None: every event goes through the background task
        self._clock = clock
        self._lock = threading.Lock()
        self._wake = threading.Event()
        self._pending: dict[str, list[tuple[str | None, dict]]] = {}
        self._queued_at: dict[str, float] = {}  # when each workshop's first pending event came
        self._applying: dict[str, int] = {}  # ops under way per workshop
        self._running = False
        self._sending = False  # a send is under way (an op's or the task's)
        self._last_sent = -math.inf  # when the last send ended

    def put(self, workshop_id: str, event: dict, participant_id: str | None) -> None:
        """Send or queue one committed event for the workshop (or one participant of it)."""
        self.put_all(workshop_id, [(participant_id, event)])

    def put_all(self, workshop_id: str, deliveries: list[tuple[str | None, dict]]) -> None:
        """Send or queue the forms of one committed entry, in the order `send` takes them."""
        with self._lock:
            now = self._clock()
            # Its own op counts as under way; another op of the workshop under way would
            # rather have this event wait for its own (see `applying`).
            at_once = (self.idle_after is not None and not self._pending
                       and not self._sending and now - self._last_sent >= self.idle_after
                       and self._applying.get(workshop_id, 0) <= 1)
            if at_once:
                self._sending = True
            else:
                if workshop_id not in self._pending:
                    self._pending[workshop_id] = []
                    self._queued_at[workshop_id] = now
                self._pending[workshop_id].extend(deliveries)
                start = not self._running
                self._running = True
        if at_once:
            self._send_each([(workshop_id, deliveries)])
            return
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
            if self._sending:
                return None  # an op is sending; it wakes the task when it is done
            for workshop_id in list(self._pending):
                due = self._queued_at[workshop_id] + self.max_hold
                if self._applying.get(workshop_id) and now < due:
                    next_due = due if next_due is None else min(next_due, due)
                    continue
                ready.append((workshop_id, self._pending.pop(workshop_id)))
                del self._queued_at[workshop_id]
            self._sending = bool(ready)
        if ready:
            self._send_each(ready)
        return None if next_due is None else next_due - now

    def _send_each(self, ready: list[tuple[str, list[tuple[str | None, dict]]]]) -> None:
        """Send each workshop's deliveries; then the next send may start."""
        try:
            for workshop_id, deliveries in ready:
                try:
                    self._send(workshop_id, deliveries)
                except Exception:  # noqa: BLE001 - one failed send must not stop the others
                    # The events are committed; a client that misses them sees the gap at the
                    # next event or reconnect and catches up with `sync`.
                    logger.exception("could not send %d events of workshop %s",
                                     len(deliveries), workshop_id)
        finally:
            with self._lock:
                self._sending = False
                self._last_sent = self._clock()
                queued = bool(self._pending)
            if queued:  # what came in meanwhile
                self._wake.set()


def chunks(events: list[dict], size: int = MAX_BATCH) -> list[list[dict]]:
    """The events in order, at most `size` to a list."""
    return [events[start:start + size] for start in range(0, len(events), size)]
