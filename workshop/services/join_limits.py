"""How fast and how far a workshop may grow by joins (docs/security.md, "Limits").

Every join mints an identity with its own op allowance, so unbounded joins would undo the
per-participant rate limit (40 identities x 20 ops) and let one link holder grow a workshop's
participant and team lists without end.
"""

from __future__ import annotations

from dataclasses import dataclass, field

from workshop.services.errors import ServiceError
from workshop.services.rate_limit import OpRateLimiter

# New participants per client address: a room behind one NAT joins in a minute or two.
DEFAULT_JOIN_RATE_PER_ADDRESS = "20/second;300/minute"
# New participants per workshop: 1,000 people (the scale target) join within a few minutes.
DEFAULT_JOIN_RATE_PER_WORKSHOP = "30/second;1000/minute"
# Participants a workshop holds (observers and facilitators included; removed ones not).
DEFAULT_MAX_PARTICIPANTS = 5000


@dataclass
class JoinLimits:
    """The join rate limits and a workshop's participant cap, built once by the factory."""

    per_address: OpRateLimiter = field(default_factory=lambda: OpRateLimiter(
        DEFAULT_JOIN_RATE_PER_ADDRESS, scope="join-address"))
    per_workshop: OpRateLimiter = field(default_factory=lambda: OpRateLimiter(
        DEFAULT_JOIN_RATE_PER_WORKSHOP, scope="join-workshop"))
    max_participants: int = DEFAULT_MAX_PARTICIPANTS

    @classmethod
    def from_config(cls, per_address: str | None, per_workshop: str | None,
                    max_participants: int | None, redis_url: str | None) -> JoinLimits:
        """The configured limits, counted in Redis when workers share one."""
        return cls(
            OpRateLimiter.from_config(per_address, redis_url, "join-address",
                                      DEFAULT_JOIN_RATE_PER_ADDRESS),
            OpRateLimiter.from_config(per_workshop, redis_url, "join-workshop",
                                      DEFAULT_JOIN_RATE_PER_WORKSHOP),
            max_participants or DEFAULT_MAX_PARTICIPANTS)

    def admit(self, address: str | None, workshop_id: str) -> None:
        """Count one new participant, or refuse it with `rate_limited` (HTTP 429). The address
        is checked first, so one address's flood does not use up the workshop's allowance."""
        if address is not None and not self.per_address.allow(address):
            raise ServiceError("rate_limited", "too many joins from your network at once: "
                                               "wait a minute and try again",
                               reason="joins_from_address")
        if not self.per_workshop.allow(workshop_id):
            raise ServiceError("rate_limited", "too many people are joining this workshop at "
                                               "once: wait a moment and try again",
                               reason="joins_into_workshop")

    def check_size(self, participants: int) -> None:
        """Refuse one more participant once a workshop holds `max_participants`."""
        if participants >= self.max_participants:
            raise ServiceError("limit", f"this workshop is full: it has "
                                        f"{self.max_participants:,} participants",
                               {"max": self.max_participants}, reason="workshop_full")
