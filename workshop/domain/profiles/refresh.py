"""What changed between two checks or two profile cards (after importing a newer export)."""

from __future__ import annotations

from workshop.domain.profiles.shapes import Change, Check


def compare_checks(old: list[Check], new: list[Check]) -> list[Change]:
    """Changes between two lists of checks matched by (segment, claim): status and figures."""
    raise NotImplementedError


def compare_cards(old: dict, new: dict) -> list[Change]:
    """Changes between two profile cards of one segment: size, medians, top values."""
    raise NotImplementedError
