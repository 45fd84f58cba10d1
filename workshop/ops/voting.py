"""Voting ops: a stance and priority dots on an assumption."""

from __future__ import annotations

from typing import Literal

from pydantic import Field
from sqlalchemy import bindparam, func, select

from workshop.domain.permissions import FACILITATOR, PARTICIPANT
from workshop.domain.settings import votes_hidden
from workshop.models import Vote
from workshop.ops.context import (
    HIDDEN,
    OpContext,
    Outcome,
    ballots_on,
    member_votes,
    visible_assumption_row,
)
from workshop.ops.registry import OpSet
from workshop.prepared import Prepared
from workshop.services import visibility
from workshop.services.errors import ServiceError
from workshop.services.schemas import Id, Payload
from workshop.services.team_measures import stance_measures, voting_teams
from workshop.services.visibility import Ballot

AREA = OpSet()
op = AREA.op


class VoteCast(Payload):
    """vote.cast: a stance (null retracts it) and optionally the dots on the note."""

    assumption_id: Id
    stance: Literal["agree", "disagree", "unsure"] | None
    dots: int | None = Field(default=None, ge=0, le=20)


_VOTES = Vote.__table__
_DOTS_ELSEWHERE = Prepared(select(func.coalesce(func.sum(_VOTES.c.dots), 0)).where(
    _VOTES.c.workshop_id == bindparam("workshop_id"),
    _VOTES.c.participant_id == bindparam("participant_id"),
    _VOTES.c.assumption_id != bindparam("note_id")))
_INSERT_VOTE = Prepared(_VOTES.insert(), column_keys=(
    "workshop_id", "assumption_id", "participant_id", "team", "stance", "dots", "updated_seq"))
_UPDATE_VOTE = Prepared(_VOTES.update().where(_VOTES.c.id == bindparam("vote_id")).values(
    stance=bindparam("new_stance"), dots=bindparam("new_dots"), updated_seq=bindparam("seq")))


@op("vote.cast", payload=VoteCast, roles={FACILITATOR, PARTICIPANT})
def vote_cast(ctx: OpContext, data: VoteCast) -> Outcome:
    """Set, change or retract a stance and the dots on a note, within the dot budget."""
    # The most frequent op: read and written as rows (Core), not mapped objects.
    note = visible_assumption_row(ctx, data.assumption_id)
    if not ctx.actor.team:
        raise ServiceError("forbidden", "votes count per team: join with a team to vote",
                           reason="vote_needs_team")
    ballots = ballots_on(ctx, note.id)
    mine = next((b for b in ballots if b.participant_id == ctx.actor.id), None)
    dots = data.dots if data.dots is not None else (mine.dots if mine else 0)
    budget = ctx.settings["dot_budget"]
    connection = ctx.connection
    # Only adding dots can break the budget; lowering them or changing a stance never does,
    # so most votes (a stance, no dots) skip the sum.
    if dots > (mine.dots if mine else 0):
        spent_elsewhere = _DOTS_ELSEWHERE.scalar(
            connection, workshop_id=ctx.workshop_id, participant_id=ctx.actor.id,
            note_id=note.id)
        if spent_elsewhere + dots > budget:
            left = budget - spent_elsewhere
            raise ServiceError("limit", f"you have {left} of {budget} dots left",
                               details={"left": left, "budget": budget}, reason="dots_left")
    if mine is None:  # a vote keeps the team its voter had when first casting it
        _INSERT_VOTE.execute(
            connection, workshop_id=ctx.workshop_id, assumption_id=note.id,
            participant_id=ctx.actor.id, team=ctx.actor.team, stance=data.stance, dots=dots,
            updated_seq=ctx.seq)
    else:
        _UPDATE_VOTE.execute(connection, vote_id=mine.id, new_stance=data.stance,
                             new_dots=dots, seq=ctx.seq)
    cast = Ballot(ctx.actor.id, mine.team if mine else ctx.actor.team, data.stance, dots)
    votes = [cast if b is mine else b for b in ballots] + ([cast] if mine is None else [])
    settings = ctx.settings
    shared = {"assumption_id": note.id, "votes": visibility.votes_summary(votes, settings)}
    if note.group_id:  # the group's combined figures change too
        group_votes = visibility.group_ballots(member_votes(ctx, note.group_id))
        shared["group"] = {"id": note.group_id,
                           "votes": visibility.votes_summary(group_votes, settings)}
    if not votes_hidden(settings):
        # The new agreement measures, as GET …/divergence gives them: boards update their
        # badges from this event instead of every board refetching the whole picture.
        teams = voting_teams(connection, ctx.workshop_id, ctx.head.teams)
        shared["measures"] = stance_measures(votes, teams)
        if note.group_id:
            shared["group"]["measures"] = stance_measures(group_votes, teams)
    public = HIDDEN if note.hidden else {"type": "vote.cast", "data": shared, "actor": None}
    return Outcome("vote.cast", {**shared, "my_vote": visibility.my_vote(votes, ctx.actor.id)},
                   audience=ctx.actor.id, public=public)
