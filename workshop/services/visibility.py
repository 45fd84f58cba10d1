"""What each viewer may see: private notes, blind votes and anonymous authors.

Filtering happens here, on the server, never in the browser. A log entry keeps its full
data for its `audience` (the one participant who may see it all) and a `public` form for
everyone else. Snapshots and sync answers are rendered per viewer from the same rules.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable
from dataclasses import dataclass

from sqlalchemy import select

from workshop.domain.grouping import combined_stance
from workshop.domain.permissions import FACILITATOR
from workshop.domain.settings import data_hidden, votes_hidden
from workshop.models import Assumption, AssumptionGroup, Comment, Event, Vote
from workshop.services.backend import Backend
from workshop.services.log import iso


def can_see_assumption(note: Assumption, viewer_id: str | None) -> bool:
    """A hidden (private-collect) note is seen by its author only."""
    return not note.hidden or note.author_id == viewer_id


def author_visible(settings: dict, author_id: str, viewer_id: str | None) -> bool:
    """In anonymous mode nobody but the author learns who wrote a note."""
    return not settings["anonymous"] or author_id == viewer_id


@dataclass(frozen=True)
class Ballot:
    """One person's combined vote on a group of notes."""

    participant_id: str
    team: str
    stance: str | None
    dots: int


def group_ballots(votes: Iterable[Vote]) -> list[Ballot]:
    """Votes on a group's notes, combined per person (see domain/grouping.py)."""
    by_person: dict[str, list[Vote]] = defaultdict(list)
    for vote in votes:
        by_person[vote.participant_id].append(vote)
    return [Ballot(pid, vs[0].team, combined_stance(v.stance for v in vs),
                   sum(v.dots for v in vs)) for pid, vs in sorted(by_person.items())]


def votes_summary(votes: Iterable[Vote | Ballot], settings: dict) -> dict:
    """A note's votes as everyone may see them: only the voter count while voting is blind."""
    cast = [v for v in votes if v.stance or v.dots]
    if votes_hidden(settings):
        return {"voters": len(cast)}
    tally: dict[str, dict[str, int]] = defaultdict(
        lambda: {"agree": 0, "disagree": 0, "unsure": 0})
    for vote in cast:
        if vote.stance:
            tally[vote.team][vote.stance] += 1
    return {"voters": len(cast), "dots": sum(v.dots for v in cast),
            "tally": {team: tally[team] for team in sorted(tally)}}


def my_vote(votes: list[Vote], viewer_id: str | None) -> dict | None:
    """The viewer's own stance and dots on a note."""
    for vote in votes:
        if vote.participant_id == viewer_id and (vote.stance or vote.dots):
            return {"stance": vote.stance, "dots": vote.dots}
    return None


def assumption_view(note: Assumption, settings: dict, votes: list[Vote],
                    viewer_id: str | None) -> dict:
    """A sticky note as one viewer sees it."""
    return {
        "id": note.id, "persona_id": note.persona_id, "category": note.category,
        "text": note.text, "seq": note.created_seq, "hidden": note.hidden,
        "group_id": note.group_id, "decision": note.decision,
        "author_id": note.author_id if author_visible(settings, note.author_id, viewer_id)
        else None,
        "votes": votes_summary(votes, settings),
        "my_vote": my_vote(votes, viewer_id),
    }


def group_view(group: AssumptionGroup, settings: dict, member_votes: Iterable[Vote]) -> dict:
    """A group of duplicates, with the combined votes of its notes."""
    return {"id": group.id, "persona_id": group.persona_id, "category": group.category,
            "title": group.title, "seq": group.created_seq, "decision": group.decision,
            "votes": votes_summary(group_ballots(member_votes), settings)}


def comment_view(comment: Comment, settings: dict, viewer_id: str | None) -> dict:
    """A message in a thread; authorless for others in anonymous mode."""
    return {"id": comment.id, "target_type": comment.target_type,
            "target_id": comment.target_id, "text": comment.text, "seq": comment.created_seq,
            "author_id": comment.author_id
            if author_visible(settings, comment.author_id, viewer_id) else None}


def wire(event: Event, viewer_id: str | None) -> dict:
    """The `event` payload for one viewer."""
    if event.public is not None and viewer_id != event.audience:
        return {"seq": event.seq, "type": event.public["type"],
                "actor": event.public.get("actor"), "at": iso(event.at), "op_id": None,
                "data": event.public["data"]}
    return {"seq": event.seq, "type": event.type, "actor": event.actor_id, "at": iso(event.at),
            "op_id": event.op_id, "data": event.data}


def deliveries(event: Event) -> list[tuple[str | None, dict]]:
    """Who gets which form of a new entry: the audience first, then everyone (None).

    The audience also receives the public form; clients ignore a seq they already have,
    and the audience's own form is sent first so it is the one applied.
    """
    if event.public is None:
        return [(None, wire(event, None))]
    return [(event.audience, wire(event, event.audience)), (None, wire(event, None))]


def publish(backend: Backend, event: Event, origin: str | None = None) -> None:
    """Send a committed entry to its audience and to everyone, each in the form they may see
    (except to `origin`, the connection whose op wrote it: its ack carries the entry)."""
    for participant_id, payload in deliveries(event):
        backend.publisher.publish_event(event.workshop_id, payload, participant_id, origin)


# ---- beliefs first: data figures (profiles) ------------------------------------------------

def sees_data(settings: dict, role: str | None) -> bool:
    """Whether a viewer sees data figures now: the facilitator always, others once revealed."""
    return role == FACILITATOR or not data_hidden(settings)


def mapping_without_figures(mapping: list[dict]) -> list[dict]:
    """Columns and their roles without how many rows fill them."""
    return [{**column, "filled": None} for column in mapping]


def dataset_without_figures(view: dict) -> dict:
    """A dataset as a participant sees it before the reveal: what it is, not what it says."""
    return {**view, "row_count": None, "summary": {},
            "mapping": mapping_without_figures(view["mapping"])}


def segment_without_figures(view: dict) -> dict:
    """A segment before the reveal: its name and rule, no sizes or profile."""
    return {**view, "aggregates": {}}


def claim_without_figures(view: dict) -> dict:
    """A claim before the reveal: what it says, not whether the data agrees."""
    return {**view, "result": None}


def visible_claims(session, workshop_id: str, claims: Iterable) -> list:
    """Claims whose trait still exists and is public: a deleted note's claim is left behind
    (claims point at items by id, like evidence links do), a private note cannot have one."""
    claims = list(claims)
    ids = {c.target_id for c in claims if c.target_type != "field"}
    if not ids:
        return claims
    live = set(session.scalars(select(Assumption.id).where(
        Assumption.workshop_id == workshop_id, Assumption.id.in_(ids),
        Assumption.hidden.is_(False))))
    live |= set(session.scalars(select(AssumptionGroup.id).where(
        AssumptionGroup.workshop_id == workshop_id, AssumptionGroup.id.in_(ids))))
    return [c for c in claims if c.target_type == "field" or c.target_id in live]
