"""Board ops: persona tabs and the assumptions (sticky notes) on them."""

from __future__ import annotations

from sqlalchemy import delete, select

from workshop.domain import permissions
from workshop.domain.categories import CATEGORY_KEYS
from workshop.domain.permissions import FACILITATOR, PARTICIPANT
from workshop.domain.tokens import new_id
from workshop.models import (
    Assumption,
    AssumptionGroup,
    Claim,
    Comment,
    EvidenceLink,
    Persona,
    PersonaSegment,
    PersonaUsage,
    PersonaVersion,
    ResearchQuestion,
    Vote,
)
from workshop.ops import research
from workshop.ops.context import (
    MAX_PERSONAS,
    OpContext,
    Outcome,
    assumption_outcome,
    assumption_to_change,
    ballots_on,
    check_persona,
    count,
    insert,
    persona_in_workshop,
    prepare_count,
    prepare_insert,
    votes_on,
)
from workshop.ops.documents import AGREED
from workshop.ops.registry import OpSet
from workshop.services import visibility
from workshop.services.errors import ServiceError
from workshop.services.schemas import CategoryKey, Id, Name, NoteText, Payload
from workshop.services.shapes import persona_view

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


class PersonaDelete(Payload):
    """persona.delete: a persona tab and everything on it."""

    id: Id
    # Confirms that its notes, groups and document go with it (refused without, when it has any).
    confirm: bool = False


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


@op("persona.delete", payload=PersonaDelete, roles={FACILITATOR})
def persona_delete(ctx: OpContext, data: PersonaDelete) -> Outcome:
    """Delete a persona tab with its notes, votes, groups, threads, evidence links and draft
    document. Refused for the last persona and for one with an agreed version (an agreed
    persona is part of the record); one that holds anything needs `confirm`."""
    persona = persona_in_workshop(ctx, data.id)
    if count(ctx, Persona) <= 1:
        raise ServiceError("conflict", "a workshop keeps at least one persona",
                           reason="last_persona")
    session = ctx.session
    statuses = set(session.scalars(select(PersonaVersion.status).where(
        PersonaVersion.persona_id == persona.id)))
    if AGREED in statuses:
        raise ServiceError("conflict", "this persona has an agreed version, which stays on "
                                       "record: it cannot be deleted", reason="persona_agreed")
    notes = list(session.scalars(select(Assumption.id).where(
        Assumption.persona_id == persona.id)))
    groups = list(session.scalars(select(AssumptionGroup.id).where(
        AssumptionGroup.persona_id == persona.id)))
    if not data.confirm and (notes or statuses):
        # Says neither how many nor whose: some of the notes may be others' private ones.
        raise ServiceError("conflict", "this persona has notes or a document, which are "
                                       "deleted with it: send it again with confirm: true",
                           reason="persona_delete_unconfirmed")
    items = notes + groups
    # Children first, so the foreign keys hold on every database.
    session.execute(delete(EvidenceLink).where(EvidenceLink.workshop_id == ctx.workshop_id,
                                               EvidenceLink.target_id.in_(items)))
    session.execute(delete(Comment).where(Comment.workshop_id == ctx.workshop_id,
                                          Comment.target_id.in_(items)))
    session.execute(delete(Vote).where(Vote.assumption_id.in_(notes)))
    session.execute(delete(Assumption).where(Assumption.persona_id == persona.id))
    session.execute(delete(AssumptionGroup).where(AssumptionGroup.persona_id == persona.id))
    session.execute(delete(PersonaVersion).where(PersonaVersion.persona_id == persona.id))
    session.execute(delete(PersonaUsage).where(PersonaUsage.persona_id == persona.id))
    session.execute(delete(ResearchQuestion).where(ResearchQuestion.persona_id == persona.id))
    session.execute(delete(Claim).where(Claim.persona_id == persona.id))
    session.execute(delete(PersonaSegment).where(PersonaSegment.persona_id == persona.id))
    session.delete(persona)
    # The event names only the persona: every client drops what hangs on it, and nobody
    # learns of private notes they could not see.
    return Outcome("persona.deleted", {"id": persona.id, "previous": {"name": persona.name}})


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
    return assumption_outcome(ctx, note, "assumption.added", lambda viewer: {
        "assumption": visibility.assumption_view(note, settings, [], viewer)})


@op("assumption.edit", payload=AssumptionEdit, roles={FACILITATOR, PARTICIPANT})
def assumption_edit(ctx: OpContext, data: AssumptionEdit) -> Outcome:
    """Change a note's text while nobody has voted on it or decided it; the log keeps what
    it was. After that the facilitator rewords it (decision.set), which keeps the original."""
    note = assumption_to_change(ctx, data.id)
    group = ctx.session.get(AssumptionGroup, note.group_id) if note.group_id else None
    voters = sum(1 for ballot in ballots_on(ctx, note.id) if ballot.stance or ballot.dots)
    fixed = permissions.text_fixed(voters, bool(note.decision or (group and group.decision)))
    if fixed:
        raise ServiceError("conflict", fixed.message, reason=fixed.reason)
    previous, note.text, note.updated_seq = note.text, data.text, ctx.seq
    return assumption_outcome(ctx, note, "assumption.edited", lambda _viewer: {
        "id": note.id, "text": note.text, "previous": previous})


@op("assumption.delete", payload=AssumptionDelete, roles={FACILITATOR, PARTICIPANT})
def assumption_delete(ctx: OpContext, data: AssumptionDelete) -> Outcome:
    """Remove a note and its votes; the log keeps what it said."""
    note = assumption_to_change(ctx, data.id)
    if note.group_id:
        raise ServiceError("conflict", "take the note out of its group before deleting it")
    settings = ctx.settings
    links = research.drop_links(ctx, [note.id])  # evidence about a note goes with it
    outcome = assumption_outcome(ctx, note, "assumption.deleted", lambda viewer: {
        "id": note.id, "previous": visibility.assumption_view(note, settings, [], viewer),
        "links": links})
    for vote in votes_on(ctx, note.id):
        ctx.session.delete(vote)
    for comment in ctx.session.scalars(select(Comment).where(Comment.target_id == note.id)):
        ctx.session.delete(comment)
    ctx.session.delete(note)
    return outcome
