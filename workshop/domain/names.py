"""Names that must not repeat within a workshop, such as persona tabs."""

from __future__ import annotations

from collections.abc import Iterable


def unique_name(wanted: str, taken: Iterable[str], limit: int = 120) -> str:
    """`wanted`, or `wanted (2)`, `(3)`, … when a name in `taken` already reads the same
    (ignoring case and surrounding space); never longer than `limit` characters."""
    seen = {name.strip().casefold() for name in taken}
    base = " ".join(wanted.split())[:limit]
    if base.casefold() not in seen:
        return base
    number = 2
    while True:
        suffix = f" ({number})"
        candidate = base[:limit - len(suffix)].rstrip() + suffix
        if candidate.casefold() not in seen:
            return candidate
        number += 1
