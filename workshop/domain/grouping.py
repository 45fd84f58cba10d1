"""Grouped duplicates and decisions: how votes on a group combine, what may be decided.

Votes on grouped notes combine per person, so nobody counts twice for one idea: a person's
stance on the group is "agree" when every stance they took on its notes was agree (or
unsure, with at least one agree), "disagree" likewise, and "unsure" when they both agreed
and disagreed, or only said unsure. Their dots on the group are the sum of their dots on
its notes.
"""

from __future__ import annotations

from collections.abc import Iterable

DECISIONS = ("accepted", "rejected", "parked", "reworded")


def combined_stance(stances: Iterable[str | None]) -> str | None:
    """One person's stance on a group, from their stances on its notes (None: no stance)."""
    taken = {s for s in stances if s}
    if not taken:
        return None
    if "agree" in taken and "disagree" in taken:
        return "unsure"
    if "agree" in taken:
        return "agree"
    if "disagree" in taken:
        return "disagree"
    return "unsure"


def default_group_title(text: str) -> str:
    """A group's first title: the text of the note others were put onto, shortened."""
    return text if len(text) <= 120 else text[:119].rstrip() + "…"
