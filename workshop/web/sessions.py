"""The signed session cookie: which participant this browser is, per workshop."""

from __future__ import annotations

from flask import session

_KEY = "memberships"

# Memberships one cookie keeps, the most recently joined or opened last. Each adds ~36 bytes;
# browsers drop a cookie over 4 KB, and with it every membership at once, so the oldest go
# first instead (docs/security.md, "Limits").
MAX_MEMBERSHIPS = 50


def membership(workshop_id: str) -> str | None:
    """The participant id this browser holds in a workshop, if any."""
    memberships = session.get(_KEY) or {}
    value = memberships.get(workshop_id) if isinstance(memberships, dict) else None
    return value if isinstance(value, str) else None


def remember(workshop_id: str, participant_id: str) -> None:
    """Remember this browser as a participant of a workshop (a long-lived signed cookie), as
    its most recent membership; the oldest beyond MAX_MEMBERSHIPS are forgotten."""
    held = session.get(_KEY)
    memberships = {k: v for k, v in held.items() if k != workshop_id} \
        if isinstance(held, dict) else {}
    memberships[workshop_id] = participant_id  # insertion order is recency (sort_keys off)
    session[_KEY] = dict(list(memberships.items())[-MAX_MEMBERSHIPS:])
    session.permanent = True
