"""Applying ops: the one write path shared by Socket.IO and HTTP."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from workshop.domain import permissions
from workshop.domain.categories import CATEGORY_KEYS
from workshop.domain.tokens import new_id
from workshop.models import Assumption, Participant, Persona, Workshop
from workshop.services import log
from workshop.services.backend import Backend
from workshop.services.errors import ServiceError
from workshop.services.schemas import (
    AssumptionAdd,
    AssumptionDelete,
    AssumptionEdit,
    OpEnvelope,
    Payload,
    PersonaAdd,
    PersonaRename,
    parse,
)
from workshop.services.views import assumption_view, persona_view

MAX_PERSONAS = 12
MAX_ASSUMPTIONS = 2000


@dataclass
class OpContext:
    """What an op handler works with: the open session, the locked workshop, the actor."""

    session: Session
    workshop: Workshop
    actor: Participant
    seq: int


Handler = Callable[[OpContext, Payload], tuple[str, dict]]


@dataclass(frozen=True)
class OpSpec:
    """An op type: its payload schema and the handler that applies it."""

    schema: type[Payload]
    handler: Handler


def _persona_in_workshop(ctx: OpContext, persona_id: str) -> Persona:
    persona = ctx.session.get(Persona, persona_id)
    if persona is None or persona.workshop_id != ctx.workshop.id:
        raise ServiceError("not_found", "no such persona in this workshop")
    return persona


def _note_to_change(ctx: OpContext, assumption_id: str) -> Assumption:
    note = ctx.session.get(Assumption, assumption_id)
    if note is None or note.workshop_id != ctx.workshop.id:
        raise ServiceError("not_found", "no such note in this workshop")
    if not permissions.may_change_note(ctx.actor.role, ctx.actor.id, note.author_id):
        raise ServiceError("forbidden", "only its author or the facilitator may change this note")
    return note


def _count(ctx: OpContext, model) -> int:
    return ctx.session.scalar(
        select(func.count()).select_from(model).where(model.workshop_id == ctx.workshop.id))


def persona_add(ctx: OpContext, data: PersonaAdd) -> tuple[str, dict]:
    """Add a persona tab (one per target group)."""
    if _count(ctx, Persona) >= MAX_PERSONAS:
        raise ServiceError("limit", f"a workshop holds at most {MAX_PERSONAS} personas")
    persona = Persona(id=new_id(), workshop_id=ctx.workshop.id, name=data.name,
                      created_seq=ctx.seq)
    ctx.session.add(persona)
    return "persona.added", {"persona": persona_view(persona)}


def persona_rename(ctx: OpContext, data: PersonaRename) -> tuple[str, dict]:
    """Rename a persona."""
    persona = _persona_in_workshop(ctx, data.id)
    previous, persona.name = persona.name, data.name
    return "persona.renamed", {"id": persona.id, "name": persona.name, "previous": previous}


def assumption_add(ctx: OpContext, data: AssumptionAdd) -> tuple[str, dict]:
    """Stick a new note in a category of a persona."""
    persona = _persona_in_workshop(ctx, data.persona_id)
    if data.category not in CATEGORY_KEYS:
        raise ServiceError("invalid", f"category: unknown category {data.category!r}")
    if _count(ctx, Assumption) >= MAX_ASSUMPTIONS:
        raise ServiceError("limit", f"a workshop holds at most {MAX_ASSUMPTIONS} notes")
    note = Assumption(id=new_id(), workshop_id=ctx.workshop.id, persona_id=persona.id,
                      category=data.category, text=data.text, author_id=ctx.actor.id,
                      created_seq=ctx.seq, updated_seq=ctx.seq)
    ctx.session.add(note)
    return "assumption.added", {"assumption": assumption_view(note)}


def assumption_edit(ctx: OpContext, data: AssumptionEdit) -> tuple[str, dict]:
    """Change a note's text; the log keeps what it was."""
    note = _note_to_change(ctx, data.id)
    previous, note.text, note.updated_seq = note.text, data.text, ctx.seq
    return "assumption.edited", {"id": note.id, "text": note.text, "previous": previous}


def assumption_delete(ctx: OpContext, data: AssumptionDelete) -> tuple[str, dict]:
    """Remove a note; the log keeps what it said."""
    note = _note_to_change(ctx, data.id)
    ctx.session.delete(note)
    return "assumption.deleted", {"id": note.id, "previous": assumption_view(note)}


OPS: dict[str, OpSpec] = {
    "persona.add": OpSpec(PersonaAdd, persona_add),
    "persona.rename": OpSpec(PersonaRename, persona_rename),
    "assumption.add": OpSpec(AssumptionAdd, assumption_add),
    "assumption.edit": OpSpec(AssumptionEdit, assumption_edit),
    "assumption.delete": OpSpec(AssumptionDelete, assumption_delete),
}


def apply_op(backend: Backend, workshop_id: str, actor_id: str | None, raw: object) -> dict:
    """Apply one op for a member and return its ack; a retried op id is applied once.

    Commit, then publish: the event reaches other clients only once it is in the log.
    """
    try:
        envelope = parse(OpEnvelope, raw)
        spec = OPS.get(envelope.type)
        if spec is None:
            raise ServiceError("unknown_op", f"unknown op type {envelope.type!r}")
        if actor_id is None:
            raise ServiceError("unauthenticated", "join the workshop first")
        with backend.db.writing() as session:
            seq = log.next_seq(session, workshop_id)  # also locks the workshop on PostgreSQL
            if seq is None:
                raise ServiceError("not_found", "no such workshop")
            done = log.find_op(session, workshop_id, actor_id, envelope.op_id)
            if done is not None:
                session.rollback()
                return {"ok": True, "seq": done.seq, "duplicate": True, "event": log.wire(done)}
            actor = session.get(Participant, actor_id)
            if actor is None or actor.workshop_id != workshop_id or actor.removed:
                raise ServiceError("unauthenticated", "you are not a member of this workshop")
            if not permissions.may_send(actor.role, envelope.type):
                raise ServiceError("forbidden", f"a {actor.role} may not send {envelope.type}")
            data = parse(spec.schema, envelope.data)
            ctx = OpContext(session, session.get(Workshop, workshop_id), actor, seq)
            event_type, event_data = spec.handler(ctx, data)
            event = log.append(session, workshop_id, seq, event_type, event_data,
                               actor_id=actor.id, op_id=envelope.op_id)
            session.commit()
            wire = log.wire(event)
            backend.publisher.publish_event(workshop_id, wire)
        return {"ok": True, "seq": seq, "event": wire}
    except ServiceError as error:
        return {"ok": False, "error": error.as_dict()}
