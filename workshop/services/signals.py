"""Ephemeral signals ("Sam is editing the quote"): relayed to the room, never logged."""

from __future__ import annotations

from workshop.domain import permissions
from workshop.services.backend import Backend
from workshop.services.errors import ServiceError
from workshop.services.schemas import EditingSignal, ViewSignal, parse


def relay(backend: Backend, member: dict | None, raw: object) -> dict:
    """The `signal` payload others receive: "editing" a field, or the facilitator's "view"."""
    if isinstance(raw, dict) and raw.get("type") == "view":
        return view(backend, member, raw)
    return editing(backend, member, raw)


def view(backend: Backend, member: dict | None, raw: object) -> dict:
    """The facilitator's board says which persona and view it shows; presenter views follow.

    Only facilitators send it: a participant's view is their own business.
    """
    if member is None:
        raise ServiceError("unauthenticated", "you are not a member of this workshop")
    if member["role"] != permissions.FACILITATOR:
        raise ServiceError("forbidden", "only the facilitator's view is followed")
    body = parse(ViewSignal, raw)
    if not backend.signal_limiter.allow(member["id"]):
        raise ServiceError("rate_limited", "too many signals at once: wait a moment")
    return {"type": "view", "participant_id": member["id"], "name": member["name"],
            "persona_id": body.persona_id, "view": body.view}


def editing(backend: Backend, member: dict | None, raw: object) -> dict:
    """The `signal` payload others receive when a member starts or stops editing a field.

    Each signal reaches everyone in the room, so observers (who edit nothing) may send none
    and members only a few a second (WORKSHOP_SIGNAL_RATE, docs/security.md).
    """
    if member is None:
        raise ServiceError("unauthenticated", "you are not a member of this workshop")
    if member["role"] == permissions.OBSERVER:
        raise ServiceError("forbidden", "observers look on: they cannot send signals")
    body = parse(EditingSignal, raw)
    if not backend.signal_limiter.allow(member["id"]):
        raise ServiceError("rate_limited", "too many signals at once: wait a moment")
    return {"type": "editing", "participant_id": member["id"], "name": member["name"],
            "team": member["team"], "persona_id": body.persona_id, "path": body.path}
