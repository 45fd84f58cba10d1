"""Payload shapes of ops and API bodies, validated by pydantic with readable errors."""

from __future__ import annotations

from typing import Annotated, Any

from pydantic import BaseModel, ConfigDict, Field, StringConstraints, ValidationError

from workshop.services.errors import ServiceError

Id = Annotated[str, StringConstraints(min_length=1, max_length=64)]
Name = Annotated[str, StringConstraints(strip_whitespace=True, min_length=1, max_length=80)]
TeamName = Annotated[str, StringConstraints(strip_whitespace=True, max_length=60)]
Title = Annotated[str, StringConstraints(strip_whitespace=True, min_length=1, max_length=200)]
NoteText = Annotated[str, StringConstraints(strip_whitespace=True, min_length=1, max_length=500)]
OpId = Annotated[str, StringConstraints(min_length=1, max_length=64)]


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
    context: Annotated[str, StringConstraints(strip_whitespace=True, max_length=2000)] = ""
    teams: list[TeamName] = Field(default_factory=list, max_length=12)


class JoinWorkshop(Payload):
    """Body of POST /api/join."""

    token: Annotated[str, StringConstraints(min_length=1, max_length=200)]
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
