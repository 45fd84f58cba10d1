"""Board ops: persona tabs and the assumptions (sticky notes) on them."""

from __future__ import annotations

from sqlalchemy import select

from workshop.domain import permissions
from workshop.domain.categories import CATEGORY_KEYS
from workshop.domain.permissions import FACILITATOR, PARTICIPANT
from workshop.domain.tokens import new_id
from workshop.models import Assumption, Comment, NoteGroup, Persona
from workshop.ops import research
from workshop.ops.context import (
    MAX_PERSONAS,
    OpContext,
    Outcome,
    ballots_on,
    check_persona,
    count,
    insert,
    note_outcome,
    note_to_change,
    persona_in_workshop,
    prepare_count,
    prepare_insert,
    votes_on,
)
from workshop.ops.registry import OpSet
from workshop.services import visibility
from workshop.services.errors import ServiceError
from workshop.services.schemas import CategoryKey, Id, Name, NoteText, Payload
from workshop.services.views import persona_view

MAX_ASSUMPTIONS = 2000

# The statements of the hot ops that are made on demand, made now so that the server compiles
# them with the others before its first op (workshop/prepared.py): a new note's INSERT (it
# starts in no group and undecided) and the counts that guard the limits.
prepare_insert(Assumption, unset=("group_id", "decision"))
prepare_count(Assumption)
prepare_count(Persona)

AREA = OpSet()
op = AREA.op


# ---- payloads ------------------------------------------------------------------------------

class PersonaAdd(Payload):
    """persona.add"""

    name: Name


class PersonaRename(Payload):
    """persona.rename"""

    id: Id
    name: Name


class AssumptionAdd(Payload):
    """assumption.add"""

    persona_id: Id
    category: CategoryKey
    text: NoteText


class AssumptionEdit(Payload):
    """assumption.edit"""

    id: Id
    text: NoteText


class AssumptionDelete(Payload):
    """assumption.delete"""

    id: Id


# ---- personas and assumptions --------------------------------------------------------------

@op("persona.add", payload=PersonaAdd, roles={FACILITATOR})
def persona_add(ctx: OpContext, data: PersonaAdd) -> Outcome:
    """Add a persona tab (one per target group)."""
    if count(ctx, Persona) >= MAX_PERSONAS:
        raise ServiceError("limit", f"a workshop holds at most {MAX_PERSONAS} personas")
    persona = Persona(id=new_id(), workshop_id=ctx.workshop_id, name=data.name,
                      created_seq=ctx.seq)
    ctx.session.add(persona)
    return Outcome("persona.added", {"persona": persona_view(persona)})


@op("persona.rename", payload=PersonaRename, roles={FACILITATOR})
def persona_rename(ctx: OpContext, data: PersonaRename) -> Outcome:
    """Rename a persona."""
    persona = persona_in_workshop(ctx, data.id)
    previous, persona.name = persona.name, data.name
    return Outcome("persona.renamed", {"id": persona.id, "name": persona.name,
                                       "previous": previous})


@op("assumption.add", payload=AssumptionAdd, roles={FACILITATOR, PARTICIPANT})
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


@op("assumption.edit", payload=AssumptionEdit, roles={FACILITATOR, PARTICIPANT})
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


@op("assumption.delete", payload=AssumptionDelete, roles={FACILITATOR, PARTICIPANT})
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
