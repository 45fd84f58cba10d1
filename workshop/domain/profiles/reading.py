"""Inspecting a CSV export: encoding, delimiter, types, roles, problems, a masked preview."""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence
from pathlib import Path

from workshop.domain.profiles.shapes import Inspection

# Larger files are refused before parsing (a customer export of 100,000 rows is tens of MB).
MAX_BYTES = 200 * 1024 * 1024
PREVIEW_ROWS = 5

Source = bytes | str | Path  # the file's bytes, or a path to it


def header_fingerprint(headers: Sequence[str]) -> str:
    """SHA-256 (hex) of the normalised header names, order ignored: the same source's key."""
    raise NotImplementedError


def inspect_csv(source: Source, *, as_of: dt.date | None = None,
                max_bytes: int = MAX_BYTES) -> Inspection:
    """Inspect a CSV: problems (ok False when any), columns with kinds and roles, preview."""
    raise NotImplementedError
