"""Per-participant op rate limits, so one flooding client cannot crowd out the others.

Two moving windows (the `limits` library) act like a token bucket: a burst of up to 20 ops
in a second, and no more than 300 a minute (5 a second on average). The counters live in
memory, or in Redis when several workers share a message queue, so the limit holds per
participant across workers.
"""

from __future__ import annotations

from limits import RateLimitItem, parse_many
from limits.storage import MemoryStorage, Storage, storage_from_string
from limits.strategies import MovingWindowRateLimiter

DEFAULT_RATE = "20/second;300/minute"


class OpRateLimiter:
    """Decides whether one more op from a participant is allowed now."""

    def __init__(self, rate: str = DEFAULT_RATE, storage: Storage | None = None):
        self.items: list[RateLimitItem] = parse_many(rate)
        self.limiter = MovingWindowRateLimiter(storage or MemoryStorage())

    @classmethod
    def from_config(cls, rate: str | None, redis_url: str | None) -> OpRateLimiter:
        """In memory for one worker; in Redis when workers share a Redis message queue."""
        storage = (storage_from_string(redis_url) if redis_url and redis_url.startswith(
            ("redis://", "rediss://")) else None)
        return cls(rate or DEFAULT_RATE, storage)

    def allow(self, participant_id: str) -> bool:
        """Count one op; False when any window is full (nothing is counted then)."""
        if not all(self.limiter.test(item, "op", participant_id) for item in self.items):
            return False
        for item in self.items:
            self.limiter.hit(item, "op", participant_id)
        return True
