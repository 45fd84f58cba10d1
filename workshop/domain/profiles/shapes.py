"""The JSON shapes this package takes and returns (TypedDicts; docs/profiles.md shows them)."""

from __future__ import annotations

from typing import Literal, NotRequired, TypedDict

Kind = Literal["number", "date", "category", "boolean", "text", "identifier"]
Role = Literal["attribute", "sensitive", "dropped"]
Status = Literal["consistent", "contradicted", "weak", "not_measurable"]


class Problem(TypedDict):
    """One thing wrong with a file: row is the file's line (header = 1), None for the file."""

    row: int | None
    column: str | None
    code: str
    reason: str


class ColumnReport(TypedDict):
    """What inspection found in one column, and the role it suggests, with the reason."""

    name: str
    kind: Kind
    suggested_role: Role
    reason: str
    identifier: bool  # a direct identifier (by name or by value pattern)
    sensitive: bool
    filled: int  # non-empty values
    distinct: int  # distinct non-empty values (capped at DISTINCT_CAP)
    derived_from: NotRequired[str]  # for derived columns (age from a birth date)


class Inspection(TypedDict):
    """inspect_csv's answer: enough for the mapping step; no raw values except the preview."""

    ok: bool
    problems: list[Problem]
    encoding: str
    delimiter: str
    headers: list[str]
    fingerprint: str
    sha256: str
    size_bytes: int
    row_count: int
    as_of: str | None  # ISO date the derived columns were computed at
    columns: list[ColumnReport]  # the file's columns, then derived ones
    preview: list[dict[str, str]]  # a few rows, every value masked per its column


class ColumnMeta(TypedDict):
    """A kept column of a loaded table."""

    name: str
    kind: Kind
    role: Role


class Leaf(TypedDict):
    """A rule's test on one column (docs/profiles.md, Rules and segments)."""

    column: str
    test: str
    value: NotRequired[object]


# A rule is a Leaf, {"all": [rule, ...]} or {"any": [rule, ...]} (nested as deep as needed).
Rule = dict


class SegmentDef(TypedDict):
    """A segment: its id (the caller's), display name and rule."""

    id: str
    name: str
    rule: Rule


class Figure(TypedDict):
    """A count with its share; count/share are None when suppressed (fewer than k)."""

    count: int | None
    share: float | None
    suppressed: bool


class SegmentSize(TypedDict):
    id: str
    name: str
    size: Figure  # share = of all rows
    weighted_share: float | None  # share of the weight column's total, None if unused/suppressed


class Overlap(TypedDict):
    a: str
    b: str
    size: Figure  # share = of all rows


class Sizing(TypedDict):
    total: int | None
    k: int
    weight_column: str | None
    segments: list[SegmentSize]
    overlaps: list[Overlap]
    unassigned: Figure


class Claim(TypedDict):
    """A checkable claim about a column.

    kind "range": low/high bounds (either may be None) with inclusivity; "most_common" and
    "more_likely": value. text is what the claim was parsed from (for display).
    """

    kind: Literal["range", "most_common", "more_likely"]
    column: str
    low: NotRequired[float | None]
    high: NotRequired[float | None]
    low_inclusive: NotRequired[bool]
    high_inclusive: NotRequired[bool]
    value: NotRequired[str]
    text: NotRequired[str]


class Check(TypedDict):
    """A claim checked against a segment: status, a reason code, a sentence and the figures."""

    claim: Claim
    segment: str
    status: Status
    reason: str  # a code, e.g. "median_in_range", "too_few", "no_column"
    summary: str  # one English sentence with the figures
    n: int | None  # people the check rests on (None when suppressed)
    figures: dict  # per kind, see docs/profiles.md


class Change(TypedDict):
    """One thing that changed between two results (refresh)."""

    subject: str  # the column or the claim's text
    what: str  # "status" | "median" | "top_value" | "share" | "size" | "new" | "gone"
    before: object
    after: object
    sentence: str
