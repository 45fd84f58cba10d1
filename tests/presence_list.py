"""A presence list kept current the way docs/protocol.md says a client keeps it."""

from __future__ import annotations


def apply_delta(present: list[dict], delta: dict) -> list[dict]:
    """The list after a `presence_delta`: `left` ids removed, `joined` people put in."""
    gone = set(delta["left"]) | {person["id"] for person in delta["joined"]}
    kept = [person for person in present if person["id"] not in gone] + delta["joined"]
    return sorted(kept, key=lambda p: (p["team"].casefold(), p["name"].casefold()))
