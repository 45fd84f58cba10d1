"""k-suppression: no figure about fewer than k people, and none recoverable by subtraction.

A count is *small* when it is between 1 and k−1 (zero describes nobody and may be shown).
Within a breakdown whose total is published, suppressing only small cells is not enough:
the total minus the shown cells gives back the suppressed ones. So more cells, smallest
first, are suppressed until at least two are and together they hold at least k people.
"""

from __future__ import annotations

from collections.abc import Sequence

DEFAULT_K = 10
DECIMALS = 4


def is_small(count: int, k: int) -> bool:
    """Whether a count describes fewer than k people (but someone)."""
    return 0 < count < k


def suppress_cells(counts: Sequence[int], k: int = DEFAULT_K, *,
                   total_published: bool = True) -> list[int | None]:
    """Cells of one breakdown with those under k (zero excepted) as None, plus complementary
    cells so the suppressed ones never add up to fewer than k or to one cell alone."""
    hidden = {i for i, count in enumerate(counts) if is_small(count, k)}
    if total_published and is_small(sum(counts), k):
        hidden = set(range(len(counts)))
    while hidden and total_published and (
            len(hidden) < 2 or sum(counts[i] for i in hidden) < k):
        rest = [i for i, count in enumerate(counts) if i not in hidden and count > 0]
        if not rest:  # nothing left to hide behind: the breakdown says nothing
            hidden = set(range(len(counts)))
            break
        hidden.add(min(rest, key=lambda i: (counts[i], i)))
    return [None if i in hidden else count for i, count in enumerate(counts)]


def share(count: int | None, of: int | None) -> float | None:
    """count/of rounded, None when either is unknown or of is 0."""
    if count is None or not of:
        return None
    return round(count / of, DECIMALS)


def figure(count: int | None, of: int | None, k: int = DEFAULT_K) -> dict:
    """{"count", "share", "suppressed"}: count/of, both None when count, of or the rest
    (of − count) is under k, as a two-cell breakdown of a published total."""
    if count is None or of is None or is_small(of, k):
        return {"count": None, "share": None, "suppressed": True}
    shown = suppress_cells([count, of - count], k)[0]
    if shown is None:
        return {"count": None, "share": None, "suppressed": True}
    return {"count": count, "share": share(count, of), "suppressed": False}


def hide_bins(segment: Sequence[int], population: Sequence[int],
              k: int = DEFAULT_K) -> set[int]:
    """Cells to hide in a breakdown shown for a segment beside its population.

    Both totals are published, so the breakdown is two rows: the segment and the rest of the
    population (population − segment), the two groups of `hide_cells`.
    """
    rest = [p - s for s, p in zip(segment, population, strict=True)]
    return hide_cells([list(segment), rest], population, k)


def hide_cells(groups: Sequence[Sequence[int]], population: Sequence[int],
               k: int = DEFAULT_K) -> set[int]:
    """Cells to hide in breakdowns shown side by side, given each group of rows they give
    away (a segment, the rest, a segment less one nested in it) by its count in each cell.

    A cell is hidden when any group's count in it is small; then more cells, the smallest
    populated first, until each group's hidden cells add up to zero or at least k, so no
    group is given back by subtraction, cell by cell or from the totals.
    """
    cells = range(len(population))
    hidden = {i for i in cells if any(is_small(group[i], k) for group in groups)}
    while hidden and any(is_small(sum(group[i] for i in hidden), k) for group in groups):
        candidates = [i for i in cells if i not in hidden and population[i] > 0]
        if not candidates:
            return set(cells)
        hidden.add(min(candidates, key=lambda i: (population[i], i)))
    return hidden
