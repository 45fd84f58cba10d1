"""Facilitation ops: phases, settings, revealing what is hidden, and the timer."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from typing import Literal

from pydantic import Field
from sqlalchemy import select

from workshop.domain import settings as workshop_settings
from workshop.domain.categories import CATEGORY_KEYS, in_board_order
from workshop.domain.permissions import FACILITATOR
from workshop.domain.phases import PhaseKey
from workshop.models import Assumption, Claim, Comment, Dataset, Segment, Vote
from workshop.ops.context import OpContext, Outcome, count, member_votes, votes_on
from workshop.ops.registry import OpSet
from workshop.services import log, visibility
from workshop.services.errors import ServiceError
from workshop.services.schemas import CategoryKey, Payload
from workshop.services.shapes import claim_view, dataset_view, segment_view
from workshop.services.visibility import visible_claims

AREA = OpSet()
op = AREA.op


# ---- payloads ------------------------------------------------------------------------------

class PhaseSet(Payload):
    """phase.set"""

    phase: PhaseKey


class SettingsUpdate(Payload):
    """settings.update: only the fields given change."""

    private_collect: bool | None = None
    blind_voting: bool | None = None
    anonymous: bool | None = None
    dot_budget: int | None = Field(default=None, ge=0, le=20)
    # Categories whose items need supporting research before they may be accepted.
    require_evidence: list[CategoryKey] | None = Field(default=None, max_length=20)
    # Every team with members must sign off a persona version before it can be agreed.
    require_signoff: bool | None = None
    # Only the facilitator may start a new version of an agreed persona document.
    reopen_facilitator_only: bool | None = None
    # Beliefs first: data figures stay hidden from participants until revealed.
    data_hidden: bool | None = None


class Reveal(Payload):
    """reveal: private notes or blind votes, all at once."""

    what: Literal["notes", "votes", "data"]


class TimerStart(Payload):
    """timer.start: count down from now (10 s to 2 h)."""

    seconds: int = Field(ge=10, le=7200)


class TimerExtend(Payload):
    """timer.extend: add time to the running timer."""

    seconds: int = Field(ge=10, le=3600)


class Empty(Payload):
    """An op without fields (timer.stop)."""


# ---- phases, settings, reveal ----------------------------------------------------------------

@op("phase.set", payload=PhaseSet, roles={FACILITATOR})
def phase_set(ctx: OpContext, data: PhaseSet) -> Outcome:
    """Move the workshop to another phase (forwards or back)."""
    previous, ctx.workshop.phase = ctx.workshop.phase, data.phase
    return Outcome("phase.changed", {"phase": data.phase, "previous": previous})


def _store_settings(ctx: OpContext, settings: dict) -> None:
    ctx.workshop.settings = {key: settings[key] for key in workshop_settings.DEFAULTS}


@op("settings.update", payload=SettingsUpdate, roles={FACILITATOR})
def settings_update(ctx: OpContext, data: SettingsUpdate) -> Outcome:
    """Change workshop settings; refused where it would reveal or scramble what is hidden."""
    current = ctx.settings
    changes = data.model_dump(exclude_none=True)
    if "require_evidence" in changes:
        unknown = sorted(set(changes["require_evidence"]) - CATEGORY_KEYS)
        if unknown:
            raise ServiceError("invalid", f"require_evidence: unknown category {unknown[0]!r}")
        changes["require_evidence"] = in_board_order(changes["require_evidence"])
    why = workshop_settings.refusal(
        current, changes,
        hidden_notes=count(ctx, Assumption, Assumption.hidden.is_(True)),
        votes=count(ctx, Vote), notes=count(ctx, Assumption), datasets=count(ctx, Dataset))
    if why:
        raise ServiceError("conflict", why.message, reason=why.reason)
    updated = {**current, **changes}
    if changes.get("blind_voting") and not current["blind_voting"]:
        updated["votes_revealed"] = False
    if changes.get("data_hidden") and not current["data_hidden"]:
        updated["data_revealed"] = False
    _store_settings(ctx, updated)
    return Outcome("settings.updated", {"settings": updated, "previous": current})


@op("reveal", payload=Reveal, roles={FACILITATOR})
def reveal(ctx: OpContext, data: Reveal) -> Outcome:
    """Show all private notes, all blind votes, or the data (beliefs first), to everyone."""
    settings = ctx.settings
    if data.what == "data":
        return _reveal_data(ctx, settings)
    if data.what == "notes":
        notes = list(ctx.session.scalars(
            select(Assumption).where(Assumption.workshop_id == ctx.workshop_id,
                                     Assumption.hidden.is_(True))
            .order_by(Assumption.created_seq)))
        for note in notes:
            note.hidden = False
        threads = ctx.session.scalars(select(Comment).where(
            Comment.target_id.in_([n.id for n in notes])).order_by(Comment.created_seq))
        return Outcome("assumptions.revealed", {
            "assumptions": [visibility.assumption_view(note, settings, votes_on(ctx, note.id), None)
                            for note in notes],
            "comments": [visibility.comment_view(c, settings, None) for c in threads]})
    if count(ctx, Assumption, Assumption.hidden.is_(True)):
        raise ServiceError("conflict", "reveal the private notes before the votes")
    updated = {**settings, "votes_revealed": True}
    _store_settings(ctx, updated)
    notes = list(ctx.session.scalars(select(Assumption).where(
        Assumption.workshop_id == ctx.workshop_id)))
    votes_by_note: dict[str, list[Vote]] = {note.id: [] for note in notes}
    for vote in ctx.session.scalars(select(Vote).where(Vote.workshop_id == ctx.workshop_id)):
        votes_by_note[vote.assumption_id].append(vote)
    groups = sorted({n.group_id for n in notes if n.group_id})
    return Outcome("votes.revealed", {
        "settings": updated,
        "votes": {note_id: visibility.votes_summary(votes, updated)
                  for note_id, votes in sorted(votes_by_note.items())},
        "groups": {group_id: visibility.votes_summary(
            visibility.group_ballots(member_votes(ctx, group_id)), updated)
            for group_id in groups}})


def _reveal_data(ctx: OpContext, settings: dict) -> Outcome:
    """End beliefs first: every dataset, segment and claim with its figures, to everyone."""
    if not workshop_settings.data_hidden(settings):
        raise ServiceError("conflict", "the data is not hidden", reason="data_not_hidden")
    updated = {**settings, "data_revealed": True}
    _store_settings(ctx, updated)

    def rows(model):
        return [row for row in ctx.session.scalars(
            select(model).where(model.workshop_id == ctx.workshop_id)
            .order_by(model.created_seq))]

    return Outcome("data.revealed", {
        "settings": updated,
        "datasets": [dataset_view(d) for d in rows(Dataset)],
        "segments": [segment_view(s) for s in rows(Segment)],
        "claims": [claim_view(c) for c in visible_claims(ctx.session, ctx.workshop_id,
                                                         rows(Claim))]})


def _set_timer(ctx: OpContext, ends_at: datetime | None) -> Outcome:
    timer = {"ends_at": log.iso(ends_at)} if ends_at else None
    _store_settings(ctx, {**ctx.settings, "timer": timer})
    return Outcome("timer.changed", {"timer": timer})


@op("timer.start", payload=TimerStart, roles={FACILITATOR})
def timer_start(ctx: OpContext, data: TimerStart) -> Outcome:
    """Start a countdown; everyone counts from the same server-side end time."""
    return _set_timer(ctx, datetime.now(UTC) + timedelta(seconds=data.seconds))


@op("timer.extend", payload=TimerExtend, roles={FACILITATOR})
def timer_extend(ctx: OpContext, data: TimerExtend) -> Outcome:
    """Add time to the running countdown (from now, if it has already run out)."""
    timer = ctx.settings["timer"]
    if not timer:
        raise ServiceError("conflict", "no timer is running")
    ends_at = max(datetime.fromisoformat(timer["ends_at"]), datetime.now(UTC))
    return _set_timer(ctx, ends_at + timedelta(seconds=data.seconds))


@op("timer.stop", payload=Empty, roles={FACILITATOR})
def timer_stop(ctx: OpContext, _data: Empty) -> Outcome:
    """Stop the countdown."""
    return _set_timer(ctx, None)
