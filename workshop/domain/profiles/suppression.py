"""k-suppression: no figure about fewer than k people, and none recoverable by subtraction."""

from __future__ import annotations

from collections.abc import Sequence

DEFAULT_K = 10


def suppress_cells(counts: Sequence[int], k: int = DEFAULT_K, *,
                   total_published: bool = True) -> list[int | None]:
    """Cells of one breakdown with those under k (zero excepted) as None, plus complementary
    cells so the suppressed ones never add up to fewer than k or to one cell alone."""
    raise NotImplementedError


def figure(count: int | None, of: int | None, k: int = DEFAULT_K) -> dict:
    """{"count", "share", "suppressed"}: count/of, both None when count or of is under k."""
    raise NotImplementedError
