"""The board as one viewer sees it, read in the caller's session.

The snapshot shows it (workshop/reads/snapshot.py), and `document.create` and the exports build a
persona document from it: it is the one piece both sides read, so it sits with the services the
write side may use, and the read side adds to it what only a client needs.
"""

from __future__ import annotations

from sqlalchemy import select

from workshop.domain.categories import categories_for
from workshop.domain.evidence import data_links
from workshop.domain.settings import effective
from workshop.models import (
    Assumption,
    AssumptionGroup,
    Claim,
    Comment,
    Dataset,
    EvidenceLink,
    Participant,
    Persona,
    PersonaSegment,
    ResearchNote,
    Segment,
    Vote,
    Workshop,
)
from workshop.services import visibility
from workshop.services.errors import ServiceError
from workshop.services.shapes import (
    claim_view,
    dataset_view,
    link_view,
    participant_view,
    persona_view,
    research_note_view,
    segment_view,
    tie_view,
    workshop_view,
)


def read_board(session, workshop_id: str, viewer: dict) -> dict:
    """The workshop, its personas, people, board items, threads, notes and evidence, each as
    the viewer may see it (private notes, blind votes, anonymous authors)."""
    workshop = session.get(Workshop, workshop_id)
    if workshop is None:
        raise ServiceError("not_found", "no such workshop")
    personas = session.scalars(select(Persona).where(Persona.workshop_id == workshop_id)
                               .order_by(Persona.created_seq))
    participants = list(session.scalars(select(Participant)
                                        .where(Participant.workshop_id == workshop_id)
                                        .order_by(Participant.joined_seq)))
    assumptions = session.scalars(select(Assumption)
                                  .where(Assumption.workshop_id == workshop_id)
                                  .order_by(Assumption.created_seq))
    votes_by_note: dict[str, list[Vote]] = {}
    for vote in session.scalars(select(Vote).where(Vote.workshop_id == workshop_id)):
        votes_by_note.setdefault(vote.assumption_id, []).append(vote)
    settings = effective(workshop.settings)
    notes = [a for a in assumptions if visibility.can_see_assumption(a, viewer["id"])]
    visible_ids = {a.id for a in notes}
    groups = list(session.scalars(
        select(AssumptionGroup).where(AssumptionGroup.workshop_id == workshop_id)
        .order_by(AssumptionGroup.created_seq)))
    members: dict[str, list[Vote]] = {g.id: [] for g in groups}
    for note in notes:
        if note.group_id:
            members[note.group_id].extend(votes_by_note.get(note.id, []))
    visible_ids.update(members)
    comments = session.scalars(select(Comment).where(Comment.workshop_id == workshop_id)
                               .order_by(Comment.created_seq))
    return {
        "workshop": workshop_view(workshop),
        "categories": categories_for(workshop.settings),
        "personas": [persona_view(p) for p in personas],
        "participants": [participant_view(p) for p in participants],
        # Who said "I'm done" with the current phase (done.changed; cleared by a phase move).
        "done": [p.id for p in participants if p.done],
        "assumptions": [visibility.assumption_view(a, settings, votes_by_note.get(a.id, []),
                                                   viewer["id"]) for a in notes],
        "groups": [visibility.group_view(g, settings, members[g.id]) for g in groups],
        "comments": [visibility.comment_view(c, settings, viewer["id"]) for c in comments
                     if c.target_id in visible_ids],
        "notes": [research_note_view(n) for n in session.scalars(
            select(ResearchNote).where(ResearchNote.workshop_id == workshop_id)
            .order_by(ResearchNote.created_seq))],
        "evidence": [link_view(link) for link in session.scalars(
            select(EvidenceLink).where(EvidenceLink.workshop_id == workshop_id)
            .order_by(EvidenceLink.created_seq)) if link.target_id in visible_ids],
        **read_profiles(session, workshop_id, settings, viewer, visible_ids),
    }


def read_profiles(session, workshop_id: str, settings: dict, viewer: dict,
                  visible_ids: set[str]) -> dict:
    """Datasets, segments, ties and claims: aggregates only, and without figures for
    participants while the data is hidden (beliefs first)."""
    figures = visibility.sees_data(settings, (viewer or {}).get("role"))  # None: no member

    def rows(model, order):
        return session.scalars(select(model).where(model.workshop_id == workshop_id)
                               .order_by(order))

    datasets = [dataset_view(d) for d in rows(Dataset, Dataset.created_seq)]
    segments = [segment_view(s) for s in rows(Segment, Segment.created_seq)]
    claims = [claim_view(c) for c in rows(Claim, Claim.created_seq)
              if c.target_type == "field" or c.target_id in visible_ids]
    if not figures:
        datasets = [visibility.dataset_without_figures(d) for d in datasets]
        segments = [visibility.segment_without_figures(s) for s in segments]
        claims = [visibility.claim_without_figures(c) for c in claims]
    return {"datasets": datasets, "segments": segments,
            "ties": [tie_view(t) for t in rows(PersonaSegment, PersonaSegment.seq)],
            "claims": claims}


def board_inputs(session, workshop_id: str, viewer: dict) -> tuple[dict, list[dict], list[dict]]:
    """The board, research notes and evidence links the merge and the exports work from."""
    board = read_board(session, workshop_id, viewer)
    notes = [research_note_view(n) for n in session.scalars(
        select(ResearchNote).where(ResearchNote.workshop_id == workshop_id))]
    links = [link_view(link) for link in session.scalars(
        select(EvidenceLink).where(EvidenceLink.workshop_id == workshop_id)
        .order_by(EvidenceLink.created_seq))]
    # Data checks count as evidence like research passages (domain/evidence.py).
    return board, notes, links + data_links(board)
