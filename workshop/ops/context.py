"""What op handlers share: the context they run in, their outcome, and common look-ups."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from functools import cache, cached_property

from sqlalchemy import Connection, bindparam, func, select
from sqlalchemy.orm import Session

from workshop.domain import permissions
from workshop.domain import settings as workshop_settings
from workshop.models import Assumption, AssumptionGroup, Participant, Persona, Vote, Workshop
from workshop.prepared import Prepared, Record
from workshop.services import visibility
from workshop.services.errors import ServiceError

HIDDEN = {"type": "hidden", "data": {}, "actor": None}
# Persona tabs a workshop may hold; `persona.add` (board) and `persona.import` (documents) check it.
MAX_PERSONAS = 12


@dataclass
class OpContext:
    """What an op handler works with: the op's transaction, the locked workshop, the actor.

    `connection` is the transaction the op runs in. `head` is the workshop's row as its seq
    was taken (seq, settings, teams, phase) and `actor` the member's row, both read-only.
    `session` and `workshop` are made on first use, for the handlers that work with mapped
    objects; the hot ops (votes, new notes) read and write rows on the connection and never
    pay for an ORM session.
    """

    connection: Connection
    workshop_id: str
    head: Record
    actor: Record
    seq: int
    # What the op type's `prepare` made before the transaction (e.g. rendered Markdown).
    prepared: dict = field(default_factory=dict)

    @cached_property
    def session(self) -> Session:
        """An ORM session inside the op's transaction (it never commits by itself)."""
        return Session(bind=self.connection, expire_on_commit=False)

    def flush(self) -> None:
        """Write what the handler changed through the session, if it made one."""
        if "session" in self.__dict__:
            self.session.flush()

    def close(self) -> None:
        """Let go of the session, if one was made; the transaction is the caller's."""
        if "session" in self.__dict__:
            self.session.close()

    @cached_property
    def workshop(self) -> Workshop:
        """The workshop as a mapped object, for handlers that change it."""
        return by_id(self.session, Workshop, self.workshop_id)

    @property
    def settings(self) -> dict:
        """The workshop's settings with defaults filled in (as changed so far in this op)."""
        changed = self.__dict__.get("workshop")
        return workshop_settings.effective(changed.settings if changed else self.head.settings)


@dataclass(frozen=True)
class Outcome:
    """What an op did: the event, and who may see it in full (see services/visibility.py)."""

    type: str
    data: dict
    audience: str | None = None
    public: dict | None = None
    # For the sender's ack only, never logged: a secret shown once (a new API token).
    reply: dict | None = None


# ---- lookups ---------------------------------------------------------------------------

@cache
def _by_id_statement(model):
    # Built once per table: a reused statement keeps its cache key, and a SELECT by key is
    # cheaper than Session.get's identity-map machinery in a session that is always fresh.
    return select(model).where(model.id == bindparam("id"))


def by_id(session: Session, model, id_: str):
    """The row of `model` with this id, or None."""
    return session.scalars(_by_id_statement(model), {"id": id_}).one_or_none()


_PARTICIPANTS = Participant.__table__
_MEMBER = Prepared(_PARTICIPANTS.select().where(_PARTICIPANTS.c.id == bindparam("id")))


def member_row(connection: Connection, participant_id: str) -> Record | None:
    """A participant as a read-only row (prepared: the envelope reads it on every op)."""
    return _MEMBER.one_or_none(connection, id=participant_id)


def persona_in_workshop(ctx: OpContext, persona_id: str) -> Persona:
    persona = by_id(ctx.session, Persona, persona_id)
    if persona is None or persona.workshop_id != ctx.workshop_id:
        raise ServiceError("not_found", "no such persona in this workshop")
    return persona


_PERSONAS = Persona.__table__
_PERSONA_WORKSHOP = Prepared(select(_PERSONAS.c.workshop_id)
                             .where(_PERSONAS.c.id == bindparam("id")))


def check_persona(ctx: OpContext, persona_id: str) -> None:
    """Refuse a persona of another workshop, or none (prepared: every new note checks it)."""
    owner = _PERSONA_WORKSHOP.scalar(ctx.connection, id=persona_id)
    if owner != ctx.workshop_id:
        raise ServiceError("not_found", "no such persona in this workshop")


def visible_assumption(ctx: OpContext, assumption_id: str) -> Assumption:
    return _visible(ctx, by_id(ctx.session, Assumption, assumption_id))


_ASSUMPTIONS = Assumption.__table__
_ASSUMPTION_ROW = Prepared(select(_ASSUMPTIONS.c.id, _ASSUMPTIONS.c.workshop_id,
                                  _ASSUMPTIONS.c.author_id, _ASSUMPTIONS.c.hidden,
                                  _ASSUMPTIONS.c.group_id)
                           .where(_ASSUMPTIONS.c.id == bindparam("id")))


def visible_assumption_row(ctx: OpContext, assumption_id: str) -> Record:
    """A note the actor may see, as a read-only row (prepared: votes read it on every cast)."""
    return _visible(ctx, _ASSUMPTION_ROW.one_or_none(ctx.connection, id=assumption_id))


def _visible(ctx: OpContext, note):
    if (note is None or note.workshop_id != ctx.workshop_id
            or not visibility.can_see_assumption(note, ctx.actor.id)):
        raise ServiceError("not_found", "no such note in this workshop")
    return note


def assumption_to_change(ctx: OpContext, assumption_id: str) -> Assumption:
    note = visible_assumption(ctx, assumption_id)
    if not permissions.may_change(ctx.actor.role, ctx.actor.id, note.author_id):
        raise ServiceError("forbidden", "only its author or the facilitator may change this note",
                           reason="not_yours")
    return note


def _count_statement(model):
    return select(func.count()).select_from(model).where(
        model.workshop_id == bindparam("workshop_id"))


@cache
def _prepared_count(model) -> Prepared:
    # Built once per table: new notes count the workshop's notes.
    return Prepared(_count_statement(model))


def prepare_count(model) -> None:
    """Make the statement `count(ctx, model)` runs now (at import), so the server compiles
    it before its first op (workshop/prepared.py, compile_all)."""
    _prepared_count(model)


def count(ctx: OpContext, model, *where) -> int:
    """How many rows of `model` the workshop has (that match `where`), changes included."""
    ctx.flush()
    if not where:
        return _prepared_count(model).scalar(ctx.connection, workshop_id=ctx.workshop_id)
    statement = _count_statement(model).where(*where)
    return ctx.connection.execute(statement, {"workshop_id": ctx.workshop_id}).scalar()


def insert(ctx: OpContext, row) -> None:
    """Write a new mapped object with one INSERT, outside the unit of work.

    For the hot ops: the object is only read afterwards (to build the event), and the unit
    of work's flush costs several times the statement. Unset (None) columns are left out,
    so they get their defaults, and a JSON column NULL rather than JSON null.
    """
    table = row.__table__
    values = {column.key: value for column in table.columns
              if (value := getattr(row, column.key)) is not None}
    _prepared_insert(table, tuple(values)).execute(ctx.connection, **values)


@cache
def _prepared_insert(table, keys: tuple[str, ...]) -> Prepared:
    return Prepared(table.insert(), column_keys=keys)


def prepare_insert(model, unset: tuple[str, ...] = ()) -> None:
    """Make the INSERT that `insert` runs for a new row with every column set but `unset`
    now (at import), so the server compiles it before its first op."""
    table = model.__table__
    _prepared_insert(table, tuple(column.key for column in table.columns
                                  if column.key not in unset))


_VOTES_ON = select(Vote).where(Vote.assumption_id == bindparam("note_id"))


def votes_on(ctx: OpContext, note_id: str) -> list[Vote]:
    return list(ctx.session.scalars(_VOTES_ON, {"note_id": note_id}))


_VOTES = Vote.__table__
_BALLOTS_ON = Prepared(select(_VOTES.c.id, _VOTES.c.participant_id, _VOTES.c.team,
                              _VOTES.c.stance, _VOTES.c.dots)
                       .where(_VOTES.c.assumption_id == bindparam("note_id")))


def ballots_on(ctx: OpContext, note_id: str) -> list[Record]:
    """Every vote on a note as read-only rows (prepared: a popular note has hundreds)."""
    return _BALLOTS_ON.all(ctx.connection, note_id=note_id)


def assumption_outcome(ctx: OpContext, note: Assumption, type_: str,
                       build: Callable[[str | None], dict]) -> Outcome:
    """An event about a note: private to its author while hidden, authorless when anonymous."""
    if note.hidden:
        return Outcome(type_, build(note.author_id), audience=note.author_id, public=HIDDEN)
    if ctx.settings["anonymous"]:
        return Outcome(type_, build(note.author_id), audience=note.author_id,
                       public={"type": type_, "data": build(None), "actor": None})
    return Outcome(type_, build(None))


def group_in_workshop(ctx: OpContext, group_id: str) -> AssumptionGroup:
    """A group of this workshop, or not_found."""
    group = by_id(ctx.session, AssumptionGroup, group_id)
    if group is None or group.workshop_id != ctx.workshop_id:
        raise ServiceError("not_found", "no such group in this workshop")
    return group


def members_of(ctx: OpContext, group_id: str) -> list[Assumption]:
    """The notes in a group, oldest first."""
    return list(ctx.session.scalars(select(Assumption).where(Assumption.group_id == group_id)
                                    .order_by(Assumption.created_seq)))


def member_votes(ctx: OpContext, group_id: str) -> list[Vote]:
    """Every vote on the notes of a group."""
    return list(ctx.session.scalars(
        select(Vote).join(Assumption, Vote.assumption_id == Assumption.id)
        .where(Assumption.group_id == group_id)))
