"""JSON views of rows that everyone sees alike, shared by snapshots and events."""

from __future__ import annotations

from workshop.domain.settings import effective
from workshop.models import Participant, Persona, Workshop


def workshop_view(workshop: Workshop) -> dict:
    """What every member may know about a workshop (never its secrets)."""
    return {"id": workshop.id, "title": workshop.title, "context": workshop.context,
            "teams": list(workshop.teams), "phase": workshop.phase,
            "settings": effective(workshop.settings)}


def participant_view(participant: Participant) -> dict:
    """A participant as others see them."""
    return {"id": participant.id, "name": participant.name, "team": participant.team,
            "role": participant.role, "removed": participant.removed}


def persona_view(persona: Persona) -> dict:
    """A persona tab of the board."""
    return {"id": persona.id, "name": persona.name}
