"""Segments: rules on a table's columns, splitting on one column, and sizing."""

from __future__ import annotations

from workshop.domain.profiles.shapes import Problem, Rule, SegmentDef, Sizing
from workshop.domain.profiles.suppression import DEFAULT_K
from workshop.domain.profiles.table import Table

TESTS = ("equals", "in", "between", "contains", "is_empty")
MAX_SEGMENTS = 12  # sizing audits every combination of segments (2^n atoms)
MAX_RULE_DEPTH = 6


def validate_rule(rule: Rule, table: Table) -> list[Problem]:
    """Problems with a rule against the table's kept columns (empty when it is usable)."""
    raise NotImplementedError


def split_on(table: Table, column: str, *, prefix: str = "") -> list[SegmentDef]:
    """One segment per value of a category/boolean column (ids: prefix + value)."""
    raise NotImplementedError


def segment_mask(table: Table, rule: Rule):
    """The rows a (valid) rule selects, as a Polars boolean Series."""
    raise NotImplementedError


def size_segments(table: Table, segments: list[SegmentDef], *, weight: str | None = None,
                  k: int = DEFAULT_K) -> Sizing:
    """Each segment's size and share (and weighted share), pairwise overlaps, unassigned."""
    raise NotImplementedError
