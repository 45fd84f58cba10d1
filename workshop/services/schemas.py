"""Payload shapes of ops and API bodies, validated by pydantic with readable errors."""

from __future__ import annotations

import re
from typing import Annotated, Any, Literal

from pydantic import (
    AfterValidator,
    BaseModel,
    ConfigDict,
    Field,
    StringConstraints,
    ValidationError,
)

from workshop.services.errors import ServiceError

# Control characters (other than tab and newlines) are refused in free text: NUL breaks
# PostgreSQL, and \x1c-\x1f are white space to Python but not to pydantic's strip, so they
# would otherwise slip through as invisible notes and names.
_CONTROL = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f]")


def _no_control_characters(value: str) -> str:
    if _CONTROL.search(value):
        raise ValueError("must not contain control characters")
    return value


def free_text(min_length: int, max_length: int):
    """A free-text field: trimmed, length-checked, without control characters."""
    return Annotated[str, StringConstraints(strip_whitespace=True, min_length=min_length,
                                            max_length=max_length),
                     AfterValidator(_no_control_characters)]


# Ids are what the server hands out (hex, token-safe characters); anything else is refused.
Id = Annotated[str, StringConstraints(pattern=r"^[A-Za-z0-9_-]{1,64}$")]
Name = free_text(1, 80)
TeamName = free_text(0, 60)
Title = free_text(1, 200)
NoteText = free_text(1, 500)
Context = free_text(0, 2000)
Reason = free_text(0, 500)
OpId = Annotated[str, StringConstraints(pattern=r"^[A-Za-z0-9_.:-]{1,64}$")]


class Payload(BaseModel):
    """Base of every payload: unknown fields are refused and types are not coerced."""

    model_config = ConfigDict(extra="forbid", strict=True)


class OpEnvelope(Payload):
    """What a client sends as `op`."""

    op_id: OpId
    type: Annotated[str, StringConstraints(min_length=1, max_length=40)]
    data: dict[str, Any]


class SyncRequest(Payload):
    """What a client sends as `sync`."""

    since: int = Field(ge=0)


class CreateWorkshop(Payload):
    """Body of POST /api/workshops."""

    title: Title
    context: Context = ""
    teams: list[TeamName] = Field(default_factory=list, max_length=12)


class JoinWorkshop(Payload):
    """Body of POST /api/join."""

    token: Annotated[str, StringConstraints(pattern=r"^[A-Za-z0-9_.-]{1,200}$")]
    name: Name
    team: TeamName = ""


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
    category: Annotated[str, StringConstraints(min_length=1, max_length=40)]
    text: NoteText


class AssumptionEdit(Payload):
    """assumption.edit"""

    id: Id
    text: NoteText


class AssumptionDelete(Payload):
    """assumption.delete"""

    id: Id


def parse(model: type[Payload], raw: Any) -> Payload:
    """Validate raw JSON into a model, or raise ServiceError('invalid') naming the field."""
    if not isinstance(raw, dict):
        raise ServiceError("invalid", "the payload must be a JSON object")
    try:
        return model.model_validate(raw)
    except ValidationError as exc:
        first = exc.errors()[0]
        where = ".".join(str(part) for part in first["loc"]) or "payload"
        raise ServiceError("invalid", f"{where}: {first['msg']}") from None


class VoteCast(Payload):
    """vote.cast: a stance (null retracts it) and optionally the dots on the note."""

    assumption_id: Id
    stance: Literal["agree", "disagree", "unsure"] | None
    dots: int | None = Field(default=None, ge=0, le=20)


class PhaseSet(Payload):
    """phase.set"""

    phase: Literal["collect", "vote", "reconcile", "merge", "agreed"]


class SettingsUpdate(Payload):
    """settings.update: only the fields given change."""

    private_collect: bool | None = None
    blind_voting: bool | None = None
    anonymous: bool | None = None
    dot_budget: int | None = Field(default=None, ge=0, le=20)


class Reveal(Payload):
    """reveal: private notes or blind votes, all at once."""

    what: Literal["notes", "votes"]


class TimerStart(Payload):
    """timer.start: count down from now (10 s to 2 h)."""

    seconds: int = Field(ge=10, le=7200)


class TimerExtend(Payload):
    """timer.extend: add time to the running timer."""

    seconds: int = Field(ge=10, le=3600)


class Empty(Payload):
    """An op without fields (timer.stop)."""


Target = Literal["assumption", "group"]
CommentText = free_text(1, 1000)


class GroupAdd(Payload):
    """group.add: put one note onto another (or onto the other's group)."""

    assumption_id: Id
    onto_id: Id


class GroupRemove(Payload):
    """group.remove: take a note out of its group."""

    assumption_id: Id


class GroupRename(Payload):
    """group.rename"""

    id: Id
    title: Title


class GroupDissolve(Payload):
    """group.dissolve: every note goes back to standing alone."""

    id: Id


class DecisionSet(Payload):
    """decision.set: accepted, rejected, parked or reworded (with the new text); null reopens."""

    target_type: Target
    target_id: Id
    decision: Literal["accepted", "rejected", "parked", "reworded"] | None
    reason: Reason = ""
    text: NoteText | None = None


class CommentAdd(Payload):
    """comment.add: a message in the thread of a note or a group."""

    target_type: Target
    target_id: Id
    text: CommentText


class CommentDelete(Payload):
    """comment.delete"""

    id: Id


class InviteRotate(Payload):
    """invite.rotate: replace a link's secret; the old link stops working."""

    role: Literal["participant", "observer", "facilitator"]


class ParticipantRemove(Payload):
    """participant.remove"""

    id: Id
