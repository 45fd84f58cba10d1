"""Rate limits (ops per participant, joins, signals), so one flooding client cannot crowd out
the others.

Two moving windows act like a token bucket: a burst of up to 20 ops in a second, and no
more than 300 a minute (5 a second on average). Rates use the `limits` library's notation.
With several workers sharing a Redis message queue the counters live in Redis (the `limits`
library's moving-window strategy), so the limit holds per participant across workers.

In one process the counters are a deque of recent op times per participant. `limits`'
MemoryStorage would do the same job, but it expires entries from a `threading.Timer` that it
restarts every 10 ms while ops arrive and that walks every key each time: under eventlet
that is a green thread spawned per op and a scan of all participants on the hub that also
fans out the events (docs/performance.md, "The write path on the hub").
"""

from __future__ import annotations

import time
from collections import deque

from limits import RateLimitItem, parse_many
from limits.storage import Storage, storage_from_string
from limits.strategies import MovingWindowRateLimiter

DEFAULT_RATE = "20/second;300/minute"
# Signals ("is editing") per participant: a person focuses or leaves a field a few times a
# second at most.
DEFAULT_SIGNAL_RATE = "10/second;120/minute"


# Keys (participants, addresses) held before the first sweep for keys whose windows are empty.
SWEEP_AFTER_KEYS = 1024


class MovingWindows:
    """In-process moving windows: at most `amount` ops in any `seconds` span, per key."""

    def __init__(self, items: list[RateLimitItem], clock=time.monotonic):
        self.windows = [(item.amount, item.get_expiry()) for item in items]
        self.keep = max(amount for amount, _ in self.windows)
        self.longest = max(seconds for _, seconds in self.windows)
        self.clock = clock
        self.recent: dict[str, deque[float]] = {}
        self._sweep_at = SWEEP_AFTER_KEYS

    def allow(self, key: str) -> bool:
        """Count one op now; False when any window is full (nothing is counted then)."""
        now = self.clock()
        times = self.recent.get(key)
        if times is None:
            if len(self.recent) >= self._sweep_at:
                self._sweep(now)
            times = self.recent[key] = deque(maxlen=self.keep)
        for amount, seconds in self.windows:
            # The amount-th most recent op must be older than the window for one more.
            if len(times) >= amount and times[-amount] > now - seconds:
                return False
        times.append(now)
        return True

    def _sweep(self, now: float) -> None:
        """Forget keys with nothing left in any window, so that a stream of new addresses or
        identities cannot grow the map without end; the next sweep waits until it has doubled
        (amortised: a sweep per so many new keys)."""
        horizon = now - self.longest
        for key in [k for k, times in self.recent.items() if not times or times[-1] <= horizon]:
            del self.recent[key]
        self._sweep_at = max(SWEEP_AFTER_KEYS, 2 * len(self.recent))


class OpRateLimiter:
    """Decides whether one more op (or join, or signal: the `scope`) from a key is allowed now."""

    def __init__(self, rate: str = DEFAULT_RATE, storage: Storage | None = None,
                 scope: str = "op"):
        self.items: list[RateLimitItem] = parse_many(rate)
        self.scope = scope  # keeps each kind's counters apart in a shared Redis
        self.shared = MovingWindowRateLimiter(storage) if storage is not None else None
        self.local = MovingWindows(self.items) if storage is None else None

    @classmethod
    def from_config(cls, rate: str | None, redis_url: str | None, scope: str = "op",
                    default: str = DEFAULT_RATE) -> OpRateLimiter:
        """In memory for one worker; in Redis when workers share a Redis message queue."""
        storage = (storage_from_string(redis_url) if redis_url and redis_url.startswith(
            ("redis://", "rediss://")) else None)
        return cls(rate or default, storage, scope)

    def allow(self, key: str) -> bool:
        """Count one; False when any window is full (nothing is counted then)."""
        if self.local is not None:
            return self.local.allow(key)
        if not all(self.shared.test(item, self.scope, key) for item in self.items):
            return False
        for item in self.items:
            self.shared.hit(item, self.scope, key)
        return True
