"""Claims about a segment: parsing them from trait text, and checking them against data."""

from __future__ import annotations

from workshop.domain.profiles.shapes import Check, Claim, SegmentDef
from workshop.domain.profiles.suppression import DEFAULT_K
from workshop.domain.profiles.table import Table

# Typical range: consistent when the median is in range and at least this share is in it…
RANGE_CONSISTENT_SHARE = 0.40
# …contradicted when the median is outside and less than this share is in it; else weak.
RANGE_CONTRADICTED_SHARE = 0.25
# "about 40" is 40 ± 10% (at least ± 1).
ABOUT_TOLERANCE = 0.10


def parse_range(text: str, column: str) -> Claim | None:
    """A range claim from "35–44", "35 to 45", "40s", "over 60", "about 40", "35 tot 45", …"""
    raise NotImplementedError


def parse_claim(text: str, column: str) -> Claim | None:
    """A claim from trait text: a range, "most common value is X", "more likely than average: X"."""
    raise NotImplementedError


def check_claim(table: Table, segment: SegmentDef, claim: Claim, *,
                k: int = DEFAULT_K) -> Check:
    """The claim checked against the segment's rows: status, reason, summary, figures, n."""
    raise NotImplementedError
