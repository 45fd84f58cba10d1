"""Shared payload pieces: the base model, field types, the op envelope, API bodies, `parse`.

Each op's own payload model lives beside its handler in `workshop/ops/` (docs/adding-an-op.md).
"""

from __future__ import annotations

import datetime as dt
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

from workshop.domain.teams import MAX_TEAMS
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
CategoryKey = Annotated[str, StringConstraints(min_length=1, max_length=40)]
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
    teams: list[TeamName] = Field(default_factory=list, max_length=MAX_TEAMS)


class JoinWorkshop(Payload):
    """Body of POST /api/join."""

    token: Annotated[str, StringConstraints(pattern=r"^[A-Za-z0-9_.-]{1,200}$")]
    name: Name
    team: TeamName = ""


def parse(model: type[Payload], raw: Any) -> Payload:
    """Validate raw JSON into a model, or raise ServiceError('invalid') naming the field."""
    if not isinstance(raw, dict):
        raise ServiceError("invalid", "the payload must be a JSON object")
    try:
        return model.model_validate(raw)
    except ValidationError as exc:
        first = exc.errors()[0]
        where = ".".join(str(part) for part in first["loc"]) or "payload"
        # A check of ours (a calendar date) says why in its own words, without pydantic's
        # "Value error, " before them.
        why = (str(first["ctx"]["error"]) if first["type"] == "value_error" else first["msg"])
        raise ServiceError("invalid", f"{where}: {why}") from None


# ---- research notes and their import ---------------------------------------------------

SourceType = Literal["interview", "survey", "analytics", "support", "desk", "other"]
NoteTitle = free_text(1, 200)
NoteBody = free_text(0, 20_000)
Tag = free_text(1, 40)


def calendar_date(value: str) -> str:
    """A YYYY-MM-DD that names a day (not 2026-02-30, not year 0); ValueError otherwise."""
    try:
        dt.date.fromisoformat(value)
    except ValueError:
        raise ValueError("not a calendar date (YYYY-MM-DD)") from None
    return value


# A date's shape only: for a payload whose handler checks the day itself and can say more
# about what failed (an import of research notes names the note).
DateShape = Annotated[str, StringConstraints(pattern=r"^\d{4}-\d{2}-\d{2}$")]
IsoDate = Annotated[DateShape, AfterValidator(calendar_date)]
Quote = free_text(1, 2000)


class Preview(Payload):
    """Body of POST /api/preview: Markdown to render as the library will show it."""

    body: NoteBody


class ImportFile(Payload):
    """One file of an import, its bytes in base64 (JSON keeps one CSRF rule for all writes)."""

    name: free_text(1, 200)
    content_base64: Annotated[str, StringConstraints(max_length=3_000_000)]


class ImportDefaults(Payload):
    """Fields for imported notes that do not say otherwise (survey questions, untyped files)."""

    source_type: SourceType | None = None
    date: IsoDate | None = None
    tags: list[Tag] = Field(default_factory=list, max_length=20)


class ImportRequest(Payload):
    """Body of POST /api/workshops/<id>/notes/import."""

    files: list[ImportFile] = Field(min_length=1, max_length=200)
    csv_mode: Literal["rows", "survey"] = "rows"
    defaults: ImportDefaults = Field(default_factory=ImportDefaults)
    dry_run: bool = False
    op_id: OpId | None = None


# ---- the persona document ----------------------------------------------------------------

FieldPath = Annotated[str, StringConstraints(pattern=r"^(identity\.[a-z_]{1,20}|items\.[ag]:"
                                                     r"[A-Za-z0-9_-]{1,64})$")]


class PictureUpload(Payload):
    """Body of POST …/personas/<id>/picture: a PNG, JPEG or WebP image (≤ 2 MiB) in base64."""

    content_base64: Annotated[str, StringConstraints(min_length=1, max_length=2_800_000)]
    base_rev: int = Field(ge=0)
    reopen: bool = False
    op_id: OpId


class ViewSignal(Payload):
    """`signal` from the facilitator's board: the persona and view it shows, for presenters."""

    type: Literal["view"]
    persona_id: Id
    view: Literal["board", "divergence", "research", "data", "plan"]


class EditingSignal(Payload):
    """`signal` from a client: which field of a persona document it is editing (null: none)."""

    type: Literal["editing"]
    persona_id: Id
    path: FieldPath | None
