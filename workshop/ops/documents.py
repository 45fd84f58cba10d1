"""The agreed persona: its document, saved field by field with revisions, versions and sign-off.

Concurrent edits: every editable field carries a revision. A save names the revision it
started from; if someone saved that field since, the save is refused with `conflict` and the
ack carries both versions, so the editor merges by hand. Nothing is silently overwritten, and
every save is in the event log (who, which field, from what, to what). Why this, and not a
CRDT: docs/decisions/per-field-revisions.md.
"""

from __future__ import annotations

from typing import Annotated, Any, Literal

from pydantic import Field, StringConstraints
from sqlalchemy import select

from workshop.domain import merge, names, permissions
from workshop.domain import settings as workshop_settings
from workshop.domain.export.json_format import from_json
from workshop.domain.permissions import FACILITATOR, PARTICIPANT
from workshop.domain.phases import DOCUMENT_PHASES
from workshop.domain.tokens import new_id
from workshop.models import Participant, Persona, PersonaVersion, utcnow
from workshop.ops.context import (
    MAX_PERSONAS,
    OpContext,
    Outcome,
    count,
    persona_in_workshop,
)
from workshop.ops.registry import OpSet
from workshop.services import log, pictures
from workshop.services.board_state import board_inputs
from workshop.services.errors import ServiceError
from workshop.services.schemas import FieldPath, Id, Payload, free_text
from workshop.services.shapes import persona_view, version_view

DRAFT, AGREED = "draft", "agreed"

AREA = OpSet()
op = AREA.op


# ---- payloads ------------------------------------------------------------------------------

class DocumentCreate(Payload):
    """document.create: the persona document from the accepted notes (version 1)."""

    persona_id: Id


class DocumentSave(Payload):
    """document.save: one field, based on the revision the editor started from."""

    persona_id: Id
    path: FieldPath
    value: free_text(0, 5000)
    base_rev: int = Field(ge=0)
    # Confirms that a save on an agreed version starts the next one (see _editable below).
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


class PersonaImport(Payload):
    """persona.import: a persona exported as JSON, recreated here as a new persona."""

    export: dict[str, Any]


# ---- lookups -----------------------------------------------------------------------------

def latest_version(session, persona_id: str) -> PersonaVersion | None:
    """The newest version of a persona's document, if it has one."""
    return session.scalars(select(PersonaVersion).where(PersonaVersion.persona_id == persona_id)
                           .order_by(PersonaVersion.number.desc()).limit(1)).first()


def _current(ctx: OpContext, persona_id: str) -> PersonaVersion:
    persona_in_workshop(ctx, persona_id)
    version = latest_version(ctx.session, persona_id)
    if version is None:
        raise ServiceError("conflict", "this persona has no document yet: the facilitator "
                                       "creates it from the accepted notes")
    return version


def _named_version(ctx: OpContext, persona_id: str, number: int) -> PersonaVersion:
    version = _current(ctx, persona_id)
    if version.number != number:
        raise ServiceError("conflict", f"version {number} is not the current version "
                                       f"(that is version {version.number})")
    return version


def _fresh_revisions(document: dict, by: str, seq: int) -> dict:
    return {path: {"rev": 0, "by": by, "seq": seq}
            for path in [*merge.editable_fields(document), "identity.picture"]}

def _first_draft(ctx: OpContext, persona_id: str, document: dict) -> PersonaVersion:
    """Version 1 of a persona's document, a draft; a new draft takes an Agreed workshop back
    to Merge (domain/settings.phase_after_new_draft)."""
    version = PersonaVersion(id=new_id(), workshop_id=ctx.workshop_id, persona_id=persona_id,
                             number=1, status=DRAFT, document=document,
                             revisions=_fresh_revisions(document, ctx.actor.id, ctx.seq),
                             signoffs={}, created_seq=ctx.seq, updated_seq=ctx.seq)
    ctx.session.add(version)
    ctx.workshop.phase = workshop_settings.phase_after_new_draft(ctx.workshop.phase)
    return version



# ---- ops ---------------------------------------------------------------------------------

@op("document.create", payload=DocumentCreate, roles={FACILITATOR})
def document_create(ctx: OpContext, data: DocumentCreate) -> Outcome:
    """Create a persona's document from its accepted notes and groups (version 1, a draft)."""
    persona = persona_in_workshop(ctx, data.persona_id)
    if ctx.head.phase not in DOCUMENT_PHASES:
        # The document is built from the decisions: before the merge they are not all made,
        # and a document started early would miss what is accepted later.
        raise ServiceError("conflict", "the persona document is created in the merge phase: "
                                       "move the workshop to merge first",
                           reason="document_in_merge")
    if latest_version(ctx.session, persona.id) is not None:
        raise ServiceError("conflict", "this persona already has a document: edit it")
    viewer = {"id": ctx.actor.id, "role": ctx.actor.role}
    snapshot, notes, links = board_inputs(ctx.session, ctx.workshop_id, viewer)
    document = merge.build_document(snapshot, persona.id, notes, links)
    version = _first_draft(ctx, persona.id, document)
    # persona_id at the top, as in every other document event: clients filter on it.
    return Outcome("document.created", {"persona_id": persona.id,
                                        "version": version_view(version),
                                        "phase": ctx.workshop.phase})


def _editable(ctx: OpContext, persona_id: str,
              reopen: bool) -> tuple[PersonaVersion, dict | None]:
    """The draft to change; an agreed version is frozen, so the first change starts the next,
    when the change says so (`reopen`) and the actor may (the reopen setting).

    Returns the draft and, when it was started now, its view before the change.
    """
    current = _current(ctx, persona_id)
    if current.status == DRAFT:
        return current, None
    refused = permissions.reopen_refusal(ctx.actor.role,
                                         ctx.settings["reopen_facilitator_only"], reopen,
                                         current.number)
    if refused:
        code, why = refused
        raise ServiceError(code, why.message, reason=why.reason,
                           details={"number": current.number, "next": current.number + 1})
    draft = next_draft(ctx, current)
    return draft, version_view(draft)


def next_draft(ctx: OpContext, current: PersonaVersion) -> PersonaVersion:
    """The draft that follows an agreed version, its text as agreed; the workshop goes back
    to Merge from Agreed (domain/settings.phase_after_new_draft)."""
    ctx.workshop.phase = workshop_settings.phase_after_new_draft(ctx.workshop.phase)
    draft = PersonaVersion(id=new_id(), workshop_id=ctx.workshop_id,
                           persona_id=current.persona_id, number=current.number + 1,
                           status=DRAFT, document=current.document,
                           revisions=dict(current.revisions), signoffs={},
                           created_seq=ctx.seq, updated_seq=ctx.seq)
    ctx.session.add(draft)
    return draft


def _check_revision(version: PersonaVersion, path: str, base_rev: int, yours) -> dict:
    revision = version.revisions.get(path)
    if revision is None:
        raise ServiceError("invalid", f"path: the document has no field {path!r}")
    if revision["rev"] != base_rev:
        current = (version.document["identity"].get("picture") if path == "identity.picture"
                   else merge.editable_fields(version.document)[path])
        raise ServiceError("conflict", "someone saved this field after you started editing: "
                                       "compare both versions and save again",
                           details={"path": path, "current": {"value": current, **revision},
                                    "yours": yours})
    return revision


def _saved(ctx: OpContext, version: PersonaVersion, started: dict | None, path: str,
           value, previous) -> Outcome:
    revision = {"rev": version.revisions[path]["rev"] + 1, "by": ctx.actor.id, "seq": ctx.seq}
    version.revisions = {**version.revisions, path: revision}
    cleared = bool(version.signoffs)  # a sign-off is for the text as it was
    version.signoffs = {}
    version.updated_seq = ctx.seq
    data = {"persona_id": version.persona_id, "number": version.number, "path": path,
            "value": value, "revision": revision, "previous": previous,
            "signoffs_cleared": cleared}
    if started is not None:
        data["started"] = version_view(version)  # the new draft, this change included
        data["phase"] = ctx.workshop.phase  # back to merge if it was agreed
    return Outcome("document.saved", data)


@op("document.save", payload=DocumentSave, roles={FACILITATOR, PARTICIPANT})
def document_save(ctx: OpContext, data: DocumentSave) -> Outcome:
    """Save one field of the persona document, if nobody saved it since `base_rev`."""
    version, started = _editable(ctx, data.persona_id, data.reopen)
    _check_revision(version, data.path, data.base_rev, data.value)
    if data.path == "identity.picture":
        raise ServiceError("invalid", "path: the picture changes through document.picture")
    previous = merge.editable_fields(version.document)[data.path]
    try:
        version.document = merge.with_field(version.document, data.path, data.value)
    except ValueError as error:
        raise ServiceError("invalid", f"value: {error}") from None
    return _saved(ctx, version, started, data.path, data.value, previous)


@op("document.picture", payload=DocumentPicture, roles={FACILITATOR, PARTICIPANT})
def document_picture(ctx: OpContext, data: DocumentPicture) -> Outcome:
    """Use an uploaded picture or, with null, the generated avatar."""
    ref = data.picture.model_dump() if data.picture else None
    if ref is not None:
        pictures.check(ref)  # an op may come from any client, not only the upload route
    version, started = _editable(ctx, data.persona_id, data.reopen)
    _check_revision(version, "identity.picture", data.base_rev, ref)
    previous = version.document["identity"].get("picture")
    version.document = merge.with_picture(version.document, ref)
    return _saved(ctx, version, started, "identity.picture", ref, previous)


@op("document.sign", payload=DocumentSign, roles={FACILITATOR, PARTICIPANT})
def document_sign(ctx: OpContext, data: DocumentSign) -> Outcome:
    """Sign off the current draft for your team (its representative's yes)."""
    version = _named_version(ctx, data.persona_id, data.number)
    if version.status != DRAFT:
        raise ServiceError("conflict", "this version is already agreed",
                           reason="already_agreed")
    if not ctx.actor.team:
        raise ServiceError("forbidden", "sign-off is per team: join with a team to sign off",
                           reason="signoff_needs_team")
    signoff = {"by": ctx.actor.id, "name": ctx.actor.name, "at": log.iso(utcnow())}
    version.signoffs = {**version.signoffs, ctx.actor.team: signoff}
    return Outcome("document.signed", {"persona_id": version.persona_id,
                                       "number": version.number, "team": ctx.actor.team,
                                       "signoff": signoff})


def missing_signoffs(ctx: OpContext, version: PersonaVersion) -> list[str]:
    """Teams with members that have not signed off this version."""
    teams = {p.team for p in ctx.session.scalars(select(Participant).where(
        Participant.workshop_id == ctx.workshop_id, Participant.removed.is_(False)))
        if p.team}
    return [team for team in ctx.head.teams if team in teams
            and team not in version.signoffs]


@op("document.agree", payload=DocumentAgree, roles={FACILITATOR})
def document_agree(ctx: OpContext, data: DocumentAgree) -> Outcome:
    """Mark the current draft agreed: from now on it is frozen."""
    version = _named_version(ctx, data.persona_id, data.number)
    if version.status != DRAFT:
        raise ServiceError("conflict", "this version is already agreed",
                           reason="already_agreed")
    if ctx.settings["require_signoff"]:
        missing = missing_signoffs(ctx, version)
        if missing:
            raise ServiceError("conflict", "waiting for sign-off from " + ", ".join(missing),
                               details={"teams": missing}, reason="waiting_signoff")
    version.status, version.agreed_by, version.agreed_at = AGREED, ctx.actor.id, utcnow()
    version.updated_seq = ctx.seq
    # The data checks as they are now are frozen with it: deleting or refreshing the data
    # later leaves this version's figures as they were agreed.
    board = board_inputs(ctx.session, ctx.workshop_id,
                         {"id": ctx.actor.id, "role": ctx.actor.role})[0]
    version.document = merge.with_data(version.document, board)
    data = version.document.get("data")
    ctx.session.flush()
    ctx.workshop.phase = workshop_settings.phase_after_agreeing(
        ctx.workshop.phase, _document_statuses(ctx))
    return Outcome("document.agreed", {"persona_id": version.persona_id,
                                       "number": version.number, "agreed_by": ctx.actor.id,
                                       "agreed_at": log.iso(version.agreed_at),
                                       "seq": ctx.seq, "phase": ctx.workshop.phase,
                                       **({"data": data} if data is not None else {})})


def _document_statuses(ctx: OpContext) -> list[str]:
    """The status of every persona's current document in the workshop."""
    newest = {}
    for version in ctx.session.scalars(select(PersonaVersion).where(
            PersonaVersion.workshop_id == ctx.workshop_id).order_by(PersonaVersion.number)):
        newest[version.persona_id] = version.status
    return list(newest.values())


@op("persona.import", payload=PersonaImport, roles={FACILITATOR})
def persona_import(ctx: OpContext, data: PersonaImport) -> Outcome:
    """Recreate an exported persona (JSON) in this workshop: a new persona with version 1.

    The document is kept exactly as exported, provenance included: it records where the
    persona came from, so exporting it again gives the same document.
    """
    try:
        document, meta = from_json(data.export)
    except (ValueError, TypeError) as error:
        raise ServiceError("invalid", f"export: {error}") from None
    except RecursionError:
        raise ServiceError("invalid", "export: nested too deeply") from None
    picture = document["identity"].get("picture")
    if picture is not None:  # an export is a file anyone can edit: check it like an upload
        pictures.check(picture, field="export: persona.identity.picture")
    if count(ctx, Persona) >= MAX_PERSONAS:
        raise ServiceError("limit", f"a workshop holds at most {MAX_PERSONAS} personas")
    # Named after the persona itself (its document's name), not the tab it came from, and
    # never twice the same name among this workshop's tabs.
    wanted = (document["identity"]["name"].strip() or meta.get("persona_name", "").strip()
              or "Imported persona")
    taken = ctx.session.scalars(select(Persona.name).where(
        Persona.workshop_id == ctx.workshop_id))
    persona = Persona(id=new_id(), workshop_id=ctx.workshop_id,
                      name=names.unique_name(wanted, taken), created_seq=ctx.seq)
    ctx.session.add(persona)
    ctx.session.flush()
    version = _first_draft(ctx, persona.id, document)
    source = {key: meta.get(key) for key in ("workshop_title", "persona_name", "version",
                                             "status")}
    return Outcome("persona.imported", {"persona": persona_view(persona),
                                        "version": version_view(version), "source": source,
                                        "phase": ctx.workshop.phase})
