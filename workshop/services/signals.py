"""Ephemeral signals ("Sam is editing the quote"): relayed to the room, never logged."""

from __future__ import annotations

from workshop.services.errors import ServiceError
from workshop.services.schemas import EditingSignal, parse


def editing(member: dict | None, raw: object) -> dict:
    """The `signal` payload others receive when a member starts or stops editing a field."""
    if member is None:
        raise ServiceError("unauthenticated", "you are not a member of this workshop")
    body = parse(EditingSignal, raw)
    return {"type": "editing", "participant_id": member["id"], "name": member["name"],
            "team": member["team"], "persona_id": body.persona_id, "path": body.path}
