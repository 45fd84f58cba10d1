"""Per-participant op rate limits, so one flooding client cannot crowd out the others.

Two moving windows act like a token bucket: a burst of up to 20 ops in a second, and no
more than 300 a minute (5 a second on average). Rates use the `limits` library's notation.
With several workers sharing a Redis message queue the counters live in Redis (the `limits`
library's moving-window strategy), so the limit holds per participant across workers.

In one process the counters are a deque of recent op times per participant. `limits`'
MemoryStorage would do the same job, but it expires entries from a `threading.Timer` that it
restarts every 10 ms while ops arrive and that walks every key each time: under eventlet
that is a green thread spawned per op and a scan of all participants on the hub that also
fans out the events (bench/README.md, "Profile").
"""

from __future__ import annotations

import time
from collections import deque

from limits import RateLimitItem, parse_many
from limits.storage import Storage, storage_from_string
from limits.strategies import MovingWindowRateLimiter

DEFAULT_RATE = "20/second;300/minute"


class MovingWindows:
    """In-process moving windows: at most `amount` ops in any `seconds` span, per key."""

    def __init__(self, items: list[RateLimitItem], clock=time.monotonic):
        self.windows = [(item.amount, item.get_expiry()) for item in items]
        self.keep = max(amount for amount, _ in self.windows)
        self.clock = clock
        self.recent: dict[str, deque[float]] = {}

    def allow(self, key: str) -> bool:
        """Count one op now; False when any window is full (nothing is counted then)."""
        now = self.clock()
        times = self.recent.get(key)
        if times is None:
            times = self.recent[key] = deque(maxlen=self.keep)
        for amount, seconds in self.windows:
            # The amount-th most recent op must be older than the window for one more.
            if len(times) >= amount and times[-amount] > now - seconds:
                return False
        times.append(now)
        return True


class OpRateLimiter:
    """Decides whether one more op from a participant is allowed now."""

    def __init__(self, rate: str = DEFAULT_RATE, storage: Storage | None = None):
        self.items: list[RateLimitItem] = parse_many(rate)
        self.shared = MovingWindowRateLimiter(storage) if storage is not None else None
        self.local = MovingWindows(self.items) if storage is None else None

    @classmethod
    def from_config(cls, rate: str | None, redis_url: str | None) -> OpRateLimiter:
        """In memory for one worker; in Redis when workers share a Redis message queue."""
        storage = (storage_from_string(redis_url) if redis_url and redis_url.startswith(
            ("redis://", "rediss://")) else None)
        return cls(rate or DEFAULT_RATE, storage)

    def allow(self, participant_id: str) -> bool:
        """Count one op; False when any window is full (nothing is counted then)."""
        if self.local is not None:
            return self.local.allow(participant_id)
        if not all(self.shared.test(item, "op", participant_id) for item in self.items):
            return False
        for item in self.items:
            self.shared.hit(item, "op", participant_id)
        return True
