"""The profile card of a segment: per column figures, distinctive attributes first, spread."""

from __future__ import annotations

from workshop.domain.profiles.shapes import SegmentDef
from workshop.domain.profiles.suppression import DEFAULT_K
from workshop.domain.profiles.table import Table

TOP_VALUES = 5
HISTOGRAM_BINS = 8


def profile_card(table: Table, segment: SegmentDef, *, k: int = DEFAULT_K) -> dict:
    """The card (shape in docs/profiles.md): columns ranked by effect size, spread sentences."""
    raise NotImplementedError
