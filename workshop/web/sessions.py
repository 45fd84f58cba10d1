"""The signed session cookie: which participant this browser is, per workshop."""

from __future__ import annotations

from flask import session

_KEY = "memberships"


def membership(workshop_id: str) -> str | None:
    """The participant id this browser holds in a workshop, if any."""
    memberships = session.get(_KEY) or {}
    value = memberships.get(workshop_id) if isinstance(memberships, dict) else None
    return value if isinstance(value, str) else None


def remember(workshop_id: str, participant_id: str) -> None:
    """Remember this browser as a participant of a workshop (a long-lived signed cookie)."""
    memberships = dict(session.get(_KEY) or {})
    memberships[workshop_id] = participant_id
    session[_KEY] = memberships
    session.permanent = True
