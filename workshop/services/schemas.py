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

from workshop.domain.phases import PhaseKey
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
    """participant.remove: optionally with a new secret for the link they came in through."""

    id: Id
    # Without it, their invite link lets them straight back in as someone new.
    rotate_link: bool = False


# ---- research notes and evidence -------------------------------------------------------

SourceType = Literal["interview", "survey", "analytics", "support", "desk", "other"]
NoteTitle = free_text(1, 200)
NoteBody = free_text(0, 20_000)
Tag = free_text(1, 40)
IsoDate = Annotated[str, StringConstraints(pattern=r"^\d{4}-\d{2}-\d{2}$")]
Quote = free_text(1, 2000)


class NoteAdd(Payload):
    """note.add: a research note for the library (Markdown body)."""

    title: NoteTitle
    source_type: SourceType
    body: NoteBody
    tags: list[Tag] = Field(default_factory=list, max_length=20)
    date: IsoDate | None = None
    respondents: int | None = Field(default=None, ge=0, le=10_000_000)


class NoteEdit(Payload):
    """note.edit: only the fields given change."""

    id: Id
    title: NoteTitle | None = None
    source_type: SourceType | None = None
    body: NoteBody | None = None
    tags: list[Tag] | None = Field(default=None, max_length=20)
    date: IsoDate | None = None
    respondents: int | None = Field(default=None, ge=0, le=10_000_000)
    # Explicitly emptying the optional fields (null above means "unchanged").
    clear: list[Literal["date", "respondents"]] = Field(default_factory=list, max_length=2)
    # The note's updated_seq the edit started from; if it was saved since, `conflict`.
    base_seq: int | None = Field(default=None, ge=0)


class NoteDelete(Payload):
    """note.delete: the note and every evidence link to it."""

    id: Id


class NotesImport(Payload):
    """notes.import: many notes at once, all or none (the HTTP import sends this)."""

    notes: list[NoteAdd] = Field(min_length=1, max_length=500)


class EvidenceLinkAdd(Payload):
    """evidence.link: a passage of a note supports or contradicts a note or a group."""

    note_id: Id
    assumption_id: Id | None = None
    group_id: Id | None = None
    relation: Literal["supports", "contradicts"]
    quote: Quote


class EvidenceUnlink(Payload):
    """evidence.unlink"""

    id: Id


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


class DocumentCreate(Payload):
    """document.create: the persona document from the accepted notes (version 1)."""

    persona_id: Id


class DocumentSave(Payload):
    """document.save: one field, based on the revision the editor started from."""

    persona_id: Id
    path: FieldPath
    value: free_text(0, 5000)
    base_rev: int = Field(ge=0)
    # Confirms that a save on an agreed version starts the next one (documents.py, _editable).
    reopen: bool = False


class Picture(Payload):
    """An uploaded picture inside the document: a small image, base64-encoded."""

    kind: Literal["upload"]
    media_type: Literal["image/png", "image/jpeg", "image/webp"]
    data: Annotated[str, StringConstraints(min_length=1, max_length=200_000)]


class DocumentPicture(Payload):
    """document.picture: a picture (checked by the server), or null for the generated avatar."""

    persona_id: Id
    picture: Picture | None
    base_rev: int = Field(ge=0)
    reopen: bool = False


class DocumentSign(Payload):
    """document.sign: your team signs off this version."""

    persona_id: Id
    number: int = Field(ge=1)


class DocumentAgree(Payload):
    """document.agree: mark this version agreed (frozen from now on)."""

    persona_id: Id
    number: int = Field(ge=1)


class PictureUpload(Payload):
    """Body of POST …/personas/<id>/picture: a PNG, JPEG or WebP image (≤ 2 MiB) in base64."""

    content_base64: Annotated[str, StringConstraints(min_length=1, max_length=2_800_000)]
    base_rev: int = Field(ge=0)
    reopen: bool = False
    op_id: OpId


class PersonaImport(Payload):
    """persona.import: a persona exported as JSON, recreated here as a new persona."""

    export: dict[str, Any]


class EditingSignal(Payload):
    """`signal` from a client: which field of a persona document it is editing (null: none)."""

    type: Literal["editing"]
    persona_id: Id
    path: FieldPath | None
