"""Column types and suggested roles: direct identifiers, sensitive columns, masking."""

from __future__ import annotations

from collections.abc import Sequence

from workshop.domain.profiles.shapes import ColumnReport, Kind

KINDS: tuple[Kind, ...] = ("number", "date", "category", "boolean", "text", "identifier")
ROLES = ("attribute", "sensitive", "dropped")


def identifier_by_name(header: str) -> str | None:
    """Why a header names a direct identifier (English or Dutch), or None."""
    raise NotImplementedError


def sensitive_by_name(header: str) -> str | None:
    """Why a header names a sensitive attribute (age, gender, health, …), or None."""
    raise NotImplementedError


def identifier_by_values(values: Sequence[str]) -> str | None:
    """Why a column's values look like direct identifiers (e-mail, phone, IBAN, …), or None."""
    raise NotImplementedError


def classify_column(name: str, values: Sequence[str]) -> ColumnReport:
    """The kind, suggested role and reason for one column from its header and values."""
    raise NotImplementedError


def mask_value(value: str, report: ColumnReport) -> str:
    """A value as the preview shows it: identifiers and text masked, digits hidden."""
    raise NotImplementedError
