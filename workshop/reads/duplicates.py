"""Likely duplicates among a persona's notes, for the facilitator while reconciling."""

from __future__ import annotations

from sqlalchemy import select

from workshop.domain import duplicates
from workshop.domain.tokens import is_safe_id
from workshop.models import Assumption, Persona
from workshop.services.backend import Backend
from workshop.services.errors import ServiceError
from workshop.services.visibility import can_see_assumption


def likely_duplicates(backend: Backend, workshop_id: str, viewer: dict,
                      persona_id: str | None) -> dict:
    """Pairs of the persona's revealed notes that probably say the same, best first.

    Notes already in the same group are left out. The comparison runs in the worker pool:
    it grows with the square of the notes (about 4 ms for 80 notes), too long for the hub.
    """
    if not persona_id or not is_safe_id(persona_id):
        raise ServiceError("invalid", "persona: give the persona's id as ?persona=")
    with backend.db.reading() as session:
        persona = session.get(Persona, persona_id)
        if persona is None or persona.workshop_id != workshop_id:
            raise ServiceError("not_found", "no such persona in this workshop")
        notes = [n for n in session.scalars(
            select(Assumption).where(Assumption.workshop_id == workshop_id,
                                     Assumption.persona_id == persona_id)
            .order_by(Assumption.created_seq))
            if not n.hidden and can_see_assumption(n, viewer["id"])]
        rows = [{"id": n.id, "text": n.text, "category": n.category, "group_id": n.group_id}
                for n in notes]
    together = {(i, j) for i, a in enumerate(rows) for j, b in enumerate(rows)
                if i < j and a["group_id"] and a["group_id"] == b["group_id"]}
    found = (backend.offload.run(duplicates.suggest, [r["text"] for r in rows], together,
                                 owner=viewer["id"]) if len(rows) > 1 else [])
    return {"persona_id": persona_id, "threshold": duplicates.THRESHOLD,
            "suggestions": [{"notes": [rows[s.first], rows[s.second]], "score": s.score}
                            for s in found]}
