"""Where the teams diverge: the items the viewer may see with their agreement measures,
most divisive first."""

from __future__ import annotations

from sqlalchemy import select

from workshop.domain import agreement
from workshop.domain.settings import effective, votes_hidden
from workshop.domain.tokens import is_safe_id
from workshop.models import Assumption, AssumptionGroup, Vote, Workshop
from workshop.services.backend import Backend
from workshop.services.errors import ServiceError
from workshop.services.team_measures import stance_measures, voting_teams
from workshop.services.visibility import can_see_assumption, group_ballots


def divergence(backend: Backend, workshop_id: str, viewer: dict,
               persona_id: str | None = None) -> dict:
    """The items × teams picture the viewer may see; empty while voting is blind."""
    if persona_id is not None and not is_safe_id(persona_id):
        raise ServiceError("invalid", "persona: not a persona id")
    with backend.db.reading() as session:
        workshop = session.get(Workshop, workshop_id)
        if workshop is None:
            raise ServiceError("not_found", "no such workshop")
        settings = effective(workshop.settings)
        teams = voting_teams(session.connection(), workshop_id, workshop.teams)
        if votes_hidden(settings):
            return {"blind": True, "teams": teams, "items": []}
        query = select(Assumption).where(Assumption.workshop_id == workshop_id)
        if persona_id:
            query = query.where(Assumption.persona_id == persona_id)
        notes = [n for n in session.scalars(query.order_by(Assumption.created_seq))
                 if can_see_assumption(n, viewer["id"])]
        votes: dict[str, list[Vote]] = {}
        for vote in session.scalars(select(Vote).where(Vote.workshop_id == workshop_id)):
            votes.setdefault(vote.assumption_id, []).append(vote)
        groups = {g.id: g for g in session.scalars(
            select(AssumptionGroup).where(AssumptionGroup.workshop_id == workshop_id))}
        items, members = [], {}
        for note in notes:
            if note.group_id:
                members.setdefault(note.group_id, []).extend(votes.get(note.id, []))
                continue
            items.append(_item("assumption", note.id, note.persona_id, note.category, note.text,
                               stance_measures(votes.get(note.id, []), teams)))
        for group_id, group_votes in members.items():
            group = groups[group_id]
            items.append(_item("group", group.id, group.persona_id, group.category, group.title,
                               stance_measures(group_ballots(group_votes), teams)))
    items.sort(key=lambda item: agreement.divisiveness_key(item["measures"]))
    return {"blind": False, "teams": teams, "items": items}


def _item(kind: str, id_: str, persona_id: str, category: str, text: str,
          measures: dict) -> dict:
    return {"kind": kind, "id": id_, "persona_id": persona_id, "category": category,
            "text": text, "measures": measures}
