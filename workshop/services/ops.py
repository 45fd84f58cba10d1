"""Applying ops: the one write path shared by Socket.IO and HTTP."""

from __future__ import annotations

import logging
from datetime import UTC, datetime, timedelta

from sqlalchemy import Connection, Row, bindparam, func, select
from sqlalchemy.exc import IntegrityError, OperationalError

from workshop.domain import permissions
from workshop.domain import settings as workshop_settings
from workshop.domain.categories import CATEGORY_KEYS, in_board_order
from workshop.domain.settings import votes_hidden
from workshop.domain.tokens import is_safe_id, new_id
from workshop.models import Assumption, Comment, NoteGroup, Persona, Vote
from workshop.prepared import Prepared, Record
from workshop.services import documents, log, membership, reconcile, research, visibility
from workshop.services.backend import Backend
from workshop.services.errors import ServiceError, unavailable
from workshop.services.op_context import (
    HIDDEN,
    MAX_PERSONAS,
    OpContext,
    OpSpec,
    Outcome,
    ballots_on,
    check_persona,
    count,
    insert,
    member_row,
    member_votes,
    note_outcome,
    note_to_change,
    persona_in_workshop,
    prepare_count,
    prepare_insert,
    visible_note_row,
    votes_on,
)
from workshop.services.schemas import (
    AssumptionAdd,
    AssumptionDelete,
    AssumptionEdit,
    Empty,
    OpEnvelope,
    PersonaAdd,
    PersonaRename,
    PhaseSet,
    Reveal,
    SettingsUpdate,
    TimerExtend,
    TimerStart,
    VoteCast,
    parse,
)
from workshop.services.shapes import persona_view
from workshop.services.team_measures import stance_measures, voting_teams
from workshop.services.visibility import Ballot

logger = logging.getLogger(__name__)

MAX_ASSUMPTIONS = 2000

# The statements of the hot ops that are made on demand, made now so that the server compiles
# them with the others before its first op (workshop/prepared.py): a new note's INSERT (it
# starts in no group and undecided) and the counts that guard the limits.
prepare_insert(Assumption, unset=("group_id", "decision"))
prepare_count(Assumption)
prepare_count(Persona)


# ---- personas and notes ----------------------------------------------------------------

def persona_add(ctx: OpContext, data: PersonaAdd) -> Outcome:
    """Add a persona tab (one per target group)."""
    if count(ctx, Persona) >= MAX_PERSONAS:
        raise ServiceError("limit", f"a workshop holds at most {MAX_PERSONAS} personas")
    persona = Persona(id=new_id(), workshop_id=ctx.workshop_id, name=data.name,
                      created_seq=ctx.seq)
    ctx.session.add(persona)
    return Outcome("persona.added", {"persona": persona_view(persona)})


def persona_rename(ctx: OpContext, data: PersonaRename) -> Outcome:
    """Rename a persona."""
    persona = persona_in_workshop(ctx, data.id)
    previous, persona.name = persona.name, data.name
    return Outcome("persona.renamed", {"id": persona.id, "name": persona.name,
                                       "previous": previous})


def assumption_add(ctx: OpContext, data: AssumptionAdd) -> Outcome:
    """Stick a new note in a category of a persona (private while private collect is on)."""
    check_persona(ctx, data.persona_id)
    if data.category not in CATEGORY_KEYS:
        raise ServiceError("invalid", f"category: unknown category {data.category!r}")
    if count(ctx, Assumption) >= MAX_ASSUMPTIONS:
        raise ServiceError("limit", f"a workshop holds at most {MAX_ASSUMPTIONS} notes")
    settings = ctx.settings
    note = Assumption(id=new_id(), workshop_id=ctx.workshop_id, persona_id=data.persona_id,
                      category=data.category, text=data.text, author_id=ctx.actor.id,
                      created_seq=ctx.seq, updated_seq=ctx.seq,
                      hidden=bool(settings["private_collect"]))
    insert(ctx, note)
    return note_outcome(ctx, note, "assumption.added", lambda viewer: {
        "assumption": visibility.note_view(note, settings, [], viewer)})


def assumption_edit(ctx: OpContext, data: AssumptionEdit) -> Outcome:
    """Change a note's text while nobody has voted on it or decided it; the log keeps what
    it was. After that the facilitator rewords it (decision.set), which keeps the original."""
    note = note_to_change(ctx, data.id)
    group = ctx.session.get(NoteGroup, note.group_id) if note.group_id else None
    voters = sum(1 for ballot in ballots_on(ctx, note.id) if ballot.stance or ballot.dots)
    fixed = permissions.text_fixed(voters, bool(note.decision or (group and group.decision)))
    if fixed:
        raise ServiceError("conflict", fixed.message, reason=fixed.reason)
    previous, note.text, note.updated_seq = note.text, data.text, ctx.seq
    return note_outcome(ctx, note, "assumption.edited", lambda _viewer: {
        "id": note.id, "text": note.text, "previous": previous})


def assumption_delete(ctx: OpContext, data: AssumptionDelete) -> Outcome:
    """Remove a note and its votes; the log keeps what it said."""
    note = note_to_change(ctx, data.id)
    if note.group_id:
        raise ServiceError("conflict", "take the note out of its group before deleting it")
    settings = ctx.settings
    links = research.drop_links(ctx, [note.id])  # evidence about a note goes with it
    outcome = note_outcome(ctx, note, "assumption.deleted", lambda viewer: {
        "id": note.id, "previous": visibility.note_view(note, settings, [], viewer),
        "links": links})
    for vote in votes_on(ctx, note.id):
        ctx.session.delete(vote)
    for comment in ctx.session.scalars(select(Comment).where(Comment.target_id == note.id)):
        ctx.session.delete(comment)
    ctx.session.delete(note)
    return outcome


# ---- voting ----------------------------------------------------------------------------

_VOTES = Vote.__table__
_DOTS_ELSEWHERE = Prepared(select(func.coalesce(func.sum(_VOTES.c.dots), 0)).where(
    _VOTES.c.workshop_id == bindparam("workshop_id"),
    _VOTES.c.participant_id == bindparam("participant_id"),
    _VOTES.c.assumption_id != bindparam("note_id")))
_INSERT_VOTE = Prepared(_VOTES.insert(), column_keys=(
    "workshop_id", "assumption_id", "participant_id", "team", "stance", "dots", "updated_seq"))
_UPDATE_VOTE = Prepared(_VOTES.update().where(_VOTES.c.id == bindparam("vote_id")).values(
    stance=bindparam("new_stance"), dots=bindparam("new_dots"), updated_seq=bindparam("seq")))


def vote_cast(ctx: OpContext, data: VoteCast) -> Outcome:
    """Set, change or retract a stance and the dots on a note, within the dot budget."""
    # The most frequent op: read and written as rows (Core), not mapped objects.
    note = visible_note_row(ctx, data.assumption_id)
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


# ---- facilitation ----------------------------------------------------------------------

def phase_set(ctx: OpContext, data: PhaseSet) -> Outcome:
    """Move the workshop to another phase (forwards or back)."""
    previous, ctx.workshop.phase = ctx.workshop.phase, data.phase
    return Outcome("phase.changed", {"phase": data.phase, "previous": previous})


def _store_settings(ctx: OpContext, settings: dict) -> None:
    ctx.workshop.settings = {key: settings[key] for key in workshop_settings.DEFAULTS}


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
        votes=count(ctx, Vote), notes=count(ctx, Assumption))
    if why:
        raise ServiceError("conflict", why.message, reason=why.reason)
    updated = {**current, **changes}
    if changes.get("blind_voting") and not current["blind_voting"]:
        updated["votes_revealed"] = False
    _store_settings(ctx, updated)
    return Outcome("settings.updated", {"settings": updated, "previous": current})


def reveal(ctx: OpContext, data: Reveal) -> Outcome:
    """Show all private notes, or all blind votes, to everyone at once."""
    settings = ctx.settings
    if data.what == "notes":
        notes = list(ctx.session.scalars(
            select(Assumption).where(Assumption.workshop_id == ctx.workshop_id,
                                     Assumption.hidden.is_(True))
            .order_by(Assumption.created_seq)))
        for note in notes:
            note.hidden = False
        threads = ctx.session.scalars(select(Comment).where(
            Comment.target_id.in_([n.id for n in notes])).order_by(Comment.created_seq))
        return Outcome("notes.revealed", {
            "assumptions": [visibility.note_view(note, settings, votes_on(ctx, note.id), None)
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


def _set_timer(ctx: OpContext, ends_at: datetime | None) -> Outcome:
    timer = {"ends_at": log.iso(ends_at)} if ends_at else None
    _store_settings(ctx, {**ctx.settings, "timer": timer})
    return Outcome("timer.changed", {"timer": timer})


def timer_start(ctx: OpContext, data: TimerStart) -> Outcome:
    """Start a countdown; everyone counts from the same server-side end time."""
    return _set_timer(ctx, datetime.now(UTC) + timedelta(seconds=data.seconds))


def timer_extend(ctx: OpContext, data: TimerExtend) -> Outcome:
    """Add time to the running countdown (from now, if it has already run out)."""
    timer = ctx.settings["timer"]
    if not timer:
        raise ServiceError("conflict", "no timer is running")
    ends_at = max(datetime.fromisoformat(timer["ends_at"]), datetime.now(UTC))
    return _set_timer(ctx, ends_at + timedelta(seconds=data.seconds))


def timer_stop(ctx: OpContext, _data: Empty) -> Outcome:
    """Stop the countdown."""
    return _set_timer(ctx, None)


OPS: dict[str, OpSpec] = {
    "persona.add": OpSpec(PersonaAdd, persona_add),
    "persona.rename": OpSpec(PersonaRename, persona_rename),
    "assumption.add": OpSpec(AssumptionAdd, assumption_add),
    "assumption.edit": OpSpec(AssumptionEdit, assumption_edit),
    "assumption.delete": OpSpec(AssumptionDelete, assumption_delete),
    "vote.cast": OpSpec(VoteCast, vote_cast),
    "phase.set": OpSpec(PhaseSet, phase_set),
    "settings.update": OpSpec(SettingsUpdate, settings_update),
    "reveal": OpSpec(Reveal, reveal),
    "timer.start": OpSpec(TimerStart, timer_start),
    "timer.extend": OpSpec(TimerExtend, timer_extend),
    "timer.stop": OpSpec(Empty, timer_stop),
    **{name: OpSpec(schema, handler) for name, (schema, handler) in reconcile.HANDLERS.items()},
    **{name: OpSpec(schema, handler) for name, (schema, handler) in membership.HANDLERS.items()},
    **{name: OpSpec(schema, handler, research.PREPARE.get(name))
       for name, (schema, handler) in research.HANDLERS.items()},
    **{name: OpSpec(schema, handler) for name, (schema, handler) in documents.HANDLERS.items()},
}


def _apply_new(connection: Connection, head: Record, workshop_id: str, actor_id: str,
               envelope: OpEnvelope, spec: OpSpec, prepared: dict) -> log.Entry:
    """Check the member, apply the op and write its log entry, then commit."""
    actor = member_row(connection, actor_id)
    if actor is not None and actor.workshop_id == workshop_id and actor.removed:
        raise ServiceError("unauthenticated", "the facilitator removed you from this workshop")
    if actor is None or actor.workshop_id != workshop_id:
        raise ServiceError("unauthenticated", "you are not a member of this workshop")
    if not permissions.may_send(actor.role, envelope.type):
        raise ServiceError("forbidden", f"{actor.role}s may not send {envelope.type}")
    data = parse(spec.schema, envelope.data)
    ctx = OpContext(connection, workshop_id, head, actor, head.seq, prepared)
    try:
        outcome = spec.handler(ctx, data)
        ctx.flush()  # the handler's changes go before the entry that records them
        event = log.write(connection, workshop_id, head.seq, outcome.type, outcome.data,
                          actor_id=actor.id, op_id=envelope.op_id,
                          audience=outcome.audience, public=outcome.public)
        connection.commit()
    finally:
        ctx.close()
    return event


def _duplicate(done: Row, actor_id: str) -> dict:
    """The ack for a retried op: the entry its first attempt wrote."""
    return {"ok": True, "seq": done.seq, "duplicate": True,
            "event": visibility.wire(done, actor_id)}


def apply_op(backend: Backend, workshop_id: str, actor_id: str | None, raw: object,
             origin: str | None = None) -> dict:
    """Apply one op for a member and return its ack; a retried op id is applied once.

    Commit, then publish: the event reaches other clients only once it is in the log.
    `origin` is the connection the op came from (None over HTTP); the ack brings it the
    event, so the event is not sent to it again.
    """
    try:
        envelope = parse(OpEnvelope, raw)
        spec = OPS.get(envelope.type)
        if spec is None:
            raise ServiceError("unknown_op", f"unknown op type {envelope.type!r}")
        if not is_safe_id(actor_id):
            raise ServiceError("unauthenticated", "join the workshop first")
        # Checked before the write lock, so a flood never queues behind others' writes.
        if not backend.rate_limiter.allow(actor_id):
            with backend.db.reading() as session:  # a retry of an applied op is still answered
                done = log.find_op(session.connection(), workshop_id, actor_id, envelope.op_id)
                if done is not None:
                    return _duplicate(done, actor_id)
            raise ServiceError("rate_limited", "too many changes at once: wait a moment and "
                                               "try again")
        if not is_safe_id(workshop_id):
            raise ServiceError("not_found", "no such workshop")
        # Heavy work (rendering long Markdown) runs before the write lock, off the hub.
        prepared = spec.prepare(backend.offload, envelope.data) if spec.prepare else {}
        # A Core connection, not an ORM session: the envelope and the hot ops work on rows,
        # and a handler that needs mapped objects makes a session in this same transaction.
        # Entered before waiting for the write lock: the events of the ops ahead may wait
        # for this one's and go out together (realtime/outbox.py).
        with backend.publisher.applying(workshop_id), \
                backend.db.write_transaction(workshop_id) as connection:
            head = log.take_seq(connection, workshop_id)  # locks the workshop on PostgreSQL
            if head is None:
                raise ServiceError("not_found", "no such workshop")
            try:
                event = _apply_new(connection, head, workshop_id, actor_id, envelope, spec,
                                   prepared)
            except (ServiceError, IntegrityError):
                # Nearly every op is new, so a retry is only looked for when applying it
                # fails: the log's unique index refuses a second entry for its op id, or it
                # no longer applies (the note it deleted is gone). Either way it gets the
                # answer the first time got, and the rollback returns the seq it took.
                connection.rollback()
                done = log.find_op(connection, workshop_id, actor_id, envelope.op_id)
                if done is None:
                    raise
                return _duplicate(done, actor_id)
            visibility.publish(backend, event, origin)
            if event.type == "participant.removed":
                backend.publisher.disconnect_participant(workshop_id, event.data["id"])
        return {"ok": True, "seq": event.seq, "event": visibility.wire(event, actor_id)}
    except ServiceError as error:
        return {"ok": False, "error": error.as_dict()}
    except OperationalError:
        # The database could not store it (a full disk, a lost connection): nothing was
        # applied (the transaction was rolled back), and the sender may retry the same op.
        logger.exception("op %s in workshop %s could not be saved",
                         raw.get("type") if isinstance(raw, dict) else None, workshop_id)
        return {"ok": False, "error": unavailable().as_dict()}
