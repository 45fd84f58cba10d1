"""JSON views of rows, shared by snapshots and events so both always agree."""

from __future__ import annotations

from workshop.models import Assumption, Participant, Persona, Workshop


def workshop_view(workshop: Workshop) -> dict:
    """What every member may know about a workshop (never its secrets)."""
    return {"id": workshop.id, "title": workshop.title, "context": workshop.context,
            "teams": list(workshop.teams), "phase": workshop.phase,
            "settings": dict(workshop.settings)}


def participant_view(participant: Participant) -> dict:
    """A participant as others see them."""
    return {"id": participant.id, "name": participant.name, "team": participant.team,
            "role": participant.role}


def persona_view(persona: Persona) -> dict:
    """A persona tab of the board."""
    return {"id": persona.id, "name": persona.name}


def assumption_view(assumption: Assumption) -> dict:
    """A sticky note."""
    return {"id": assumption.id, "persona_id": assumption.persona_id,
            "category": assumption.category, "text": assumption.text,
            "author_id": assumption.author_id}
