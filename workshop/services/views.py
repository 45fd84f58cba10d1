"""JSON views of rows that everyone sees alike, shared by snapshots and events."""

from __future__ import annotations

from workshop.domain.settings import effective
from workshop.models import Participant, Persona, PersonaVersion, Workshop
from workshop.services import log


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


def version_view(version: PersonaVersion) -> dict:
    """A version of a persona document with its revisions and sign-offs."""
    return {"id": version.id, "persona_id": version.persona_id, "number": version.number,
            "status": version.status, "document": version.document,
            "revisions": version.revisions, "signoffs": version.signoffs,
            "seq": version.created_seq, "updated_seq": version.updated_seq,
            "agreed_by": version.agreed_by,
            "agreed_at": log.iso(version.agreed_at) if version.agreed_at else None}


def version_summary(version: PersonaVersion) -> dict:
    """A line of the version history."""
    return {"persona_id": version.persona_id, "number": version.number,
            "status": version.status, "seq": version.created_seq,
            "agreed_by": version.agreed_by,
            "agreed_at": log.iso(version.agreed_at) if version.agreed_at else None}
