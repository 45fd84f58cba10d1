"""Who has written and voted how much: counts only, never a private note's text or a stance.

During private collect the facilitator otherwise sees nothing until the reveal, and during
blind voting nothing but each note's voter count. These counts say how far each person and
team has got without saying what they wrote or which way they voted: a vote counts when its
voter took any stance or gave dots, whatever the stance.

With anonymous authors on, only the total of notes is given: a per-person or per-team count
that rises as a note appears would name the note's author or team.
"""

from __future__ import annotations

from collections import Counter

from sqlalchemy import func, select

from workshop.domain.settings import effective
from workshop.models import Assumption, Participant, Vote, Workshop
from workshop.services.backend import Backend
from workshop.services.errors import ServiceError


def progress(backend: Backend, workshop_id: str, viewer: dict) -> dict:
    """Notes written per person and team, notes voted on per person, who said "I'm done"."""
    with backend.db.reading() as session:
        workshop = session.get(Workshop, workshop_id)
        if workshop is None:
            raise ServiceError("not_found", "no such workshop")
        settings = effective(workshop.settings)
        people = {p.id: (p.team, p.role, p.done) for p in session.scalars(
            select(Participant).where(Participant.workshop_id == workshop_id,
                                      Participant.removed.is_(False)))}
        phase = workshop.phase
        written = Counter(dict(session.execute(
            select(Assumption.author_id, func.count()).where(
                Assumption.workshop_id == workshop_id).group_by(Assumption.author_id)).all()))
        # Only revealed notes can be voted on by everyone; a vote is counted, never its stance.
        votable = session.scalar(select(func.count()).select_from(Assumption).where(
            Assumption.workshop_id == workshop_id, Assumption.hidden.is_(False))) or 0
        voted = Counter(dict(session.execute(
            select(Vote.participant_id, func.count()).join(
                Assumption, Assumption.id == Vote.assumption_id).where(
                Vote.workshop_id == workshop_id, Assumption.hidden.is_(False),
                (Vote.stance.is_not(None)) | (Vote.dots > 0)).group_by(Vote.participant_id))
            .all()))
    by_team: Counter = Counter()
    for author, n in written.items():
        by_team[people[author][0] if author in people else ""] += n
    anonymous = settings["anonymous"]
    return {
        "phase": phase,
        "notes": {"total": sum(written.values()),
                  "by_team": None if anonymous else {team: by_team[team]
                                                     for team in sorted(by_team)},
                  "by_person": None if anonymous else {
                      pid: written.get(pid, 0) for pid, (_, role, _) in people.items()
                      if role != "observer"}},
        "votes": {"notes": votable,
                  "by_person": {pid: voted.get(pid, 0) for pid, (_, role, _) in people.items()
                                if role != "observer"}},
        "done": sorted(pid for pid, (_, _, done) in people.items() if done),
    }
