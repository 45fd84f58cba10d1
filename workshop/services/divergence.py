"""Where the teams diverge: agreement measures per note, most divisive first."""

from __future__ import annotations

from sqlalchemy import select

from workshop.domain import agreement
from workshop.domain.settings import effective, votes_hidden
from workshop.models import Assumption, Participant, Vote, Workshop
from workshop.services.backend import Backend
from workshop.services.errors import ServiceError
from workshop.services.visibility import can_see_note


def divergence(backend: Backend, workshop_id: str, viewer: dict,
               persona_id: str | None = None) -> dict:
    """The items × teams picture the viewer may see; empty while voting is blind."""
    with backend.db.reading() as session:
        workshop = session.get(Workshop, workshop_id)
        if workshop is None:
            raise ServiceError("not_found", "no such workshop")
        settings = effective(workshop.settings)
        # GAC runs over every team that has a voting participant, in the workshop's order.
        member_teams = set(session.scalars(
            select(Participant.team).where(Participant.workshop_id == workshop_id,
                                           Participant.team != "",
                                           Participant.removed.is_(False))))
        teams = [t for t in workshop.teams if t in member_teams]
        if votes_hidden(settings):
            return {"blind": True, "teams": teams, "items": []}
        query = select(Assumption).where(Assumption.workshop_id == workshop_id)
        if persona_id:
            query = query.where(Assumption.persona_id == persona_id)
        notes = [n for n in session.scalars(query.order_by(Assumption.created_seq))
                 if can_see_note(n, viewer["id"])]
        stances: dict[str, list[tuple[str, str]]] = {}
        for vote in session.scalars(select(Vote).where(Vote.workshop_id == workshop_id,
                                                       Vote.stance.is_not(None))):
            stances.setdefault(vote.assumption_id, []).append((vote.team, vote.stance))
        items = [{"id": note.id, "persona_id": note.persona_id, "category": note.category,
                  "text": note.text,
                  "measures": agreement.measures(stances.get(note.id, []), teams)}
                 for note in notes]
    items.sort(key=lambda item: agreement.divisiveness_key(item["measures"]))
    return {"blind": False, "teams": teams, "items": items}
