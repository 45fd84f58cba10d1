"""Research notes and evidence links: the ops that change the library and tie it to the board."""

from __future__ import annotations

from typing import Literal

from pydantic import Field
from sqlalchemy import select

from workshop.domain import evidence, permissions
from workshop.domain.categories import category_label
from workshop.domain.permissions import FACILITATOR, PARTICIPANT
from workshop.domain.tokens import new_id
from workshop.models import Assumption, AssumptionGroup, Claim, EvidenceLink, ResearchNote
from workshop.ops import backlog
from workshop.ops.context import (
    OpContext,
    Outcome,
    count,
    group_in_workshop,
    members_of,
    visible_assumption,
)
from workshop.ops.registry import OpSet
from workshop.rendering import render_all, render_markdown, visible_text
from workshop.services.errors import ServiceError
from workshop.services.schemas import (
    DateShape,
    Id,
    NoteBody,
    NoteTitle,
    Payload,
    Quote,
    SourceType,
    Tag,
    calendar_date,
)
from workshop.services.shapes import link_view, research_note_view

MAX_NOTES = 1000
MAX_LINKS = 5000
# One import may not carry more Markdown than this (its event goes to every client).
MAX_IMPORT_CHARS = 2_000_000
# Rendering Markdown is pure Python (~1-2 ms per 1,000 characters): an op carrying more than
# this is rendered in a worker process before its transaction, so the hub is not held.
RENDER_ELSEWHERE_CHARS = 4000

AREA = OpSet()
op = AREA.op


# ---- payloads ------------------------------------------------------------------------------

class ResearchNoteAdd(Payload):
    """research_note.add: a research note for the library (Markdown body)."""

    title: NoteTitle
    source_type: SourceType
    body: NoteBody
    tags: list[Tag] = Field(default_factory=list, max_length=20)
    date: DateShape | None = None  # a calendar day: _check_date
    respondents: int | None = Field(default=None, ge=0, le=10_000_000)


class ResearchNoteEdit(Payload):
    """research_note.edit: only the fields given change."""

    id: Id
    title: NoteTitle | None = None
    source_type: SourceType | None = None
    body: NoteBody | None = None
    tags: list[Tag] | None = Field(default=None, max_length=20)
    date: DateShape | None = None  # a calendar day: _check_date
    respondents: int | None = Field(default=None, ge=0, le=10_000_000)
    # Explicitly emptying the optional fields (null above means "unchanged").
    clear: list[Literal["date", "respondents"]] = Field(default_factory=list, max_length=2)
    # The note's updated_seq the edit started from; if it was saved since, `conflict`.
    base_seq: int | None = Field(default=None, ge=0)


class ResearchNoteDelete(Payload):
    """research_note.delete: the note and every evidence link to it."""

    id: Id


class ResearchNotesImport(Payload):
    """research_notes.import: many notes at once, all or none (the HTTP import sends this)."""

    notes: list[ResearchNoteAdd] = Field(min_length=1, max_length=500)


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


# ---- text of a note, for checking quoted passages ------------------------------------------

def _readings(body: str, body_html: str) -> tuple[str, str]:
    """The two texts a quote may come from: the note as a reader sees it, and its Markdown."""
    return visible_text(body_html), body


def passage_in_note(note: ResearchNote, quote: str) -> bool:
    """Whether the quoted passage is in the note, as a reader sees it or as written.

    People select passages in the rendered note, so "**very** slow, sadly" is quoted as
    "very slow, sadly" (inline formatting adds no space; a block boundary reads as one);
    white space and case are not significant.
    """
    return evidence.quote_in(quote, *_readings(note.body, note.body_html))


# ---- notes -------------------------------------------------------------------------------

def _tags(values: list[str]) -> list[str]:
    """Tags without duplicates (case-insensitive), in the order given."""
    seen, tags = set(), []
    for value in values:
        tag = " ".join(value.split())
        if tag.casefold() not in seen:
            seen.add(tag.casefold())
            tags.append(tag)
    return tags


def _check_date(value: str | None) -> None:
    """Refuse a date that names no day, when the note is written: an import then says which
    of its notes carries it (research_notes.import)."""
    if value is None:
        return
    try:
        calendar_date(value)
    except ValueError as error:
        raise ServiceError("invalid", f"date: {error}") from None


def _set_body(ctx: OpContext, note: ResearchNote, body: str) -> None:
    note.body = body
    # rendering.py is the one place Markdown becomes HTML: here or, for long bodies, in a
    # worker process before the op's transaction (see render_bodies).
    note.body_html = ctx.prepared.get(body) or render_markdown(body)


def render_bodies(offload, data: object) -> dict[str, str]:
    """The Markdown bodies of a note op rendered in a worker, when there is much of it.

    `data` is the op's payload as sent, not yet validated: only what looks like a body is
    taken, and the handler renders anything missing here itself.
    """
    notes = data.get("notes") if isinstance(data, dict) else None
    candidates = [data] + (notes[:500] if isinstance(notes, list) else [])
    bodies = list(dict.fromkeys(
        note["body"] for note in candidates
        if isinstance(note, dict) and isinstance(note.get("body"), str)))
    if sum(len(body) for body in bodies) <= RENDER_ELSEWHERE_CHARS:
        return {}
    return offload.run(render_all, bodies)


def _set_tags(note: ResearchNote, tags: list[str]) -> None:
    note.tags = _tags(tags)
    note.tags_text = " ".join(note.tags)


def _new_research_note(ctx: OpContext, data: ResearchNoteAdd) -> ResearchNote:
    _check_date(data.date)
    note = ResearchNote(id=new_id(), workshop_id=ctx.workshop.id, title=data.title,
                        source_type=data.source_type, date=data.date,
                        respondents=data.respondents, author_id=ctx.actor.id,
                        created_seq=ctx.seq, updated_seq=ctx.seq)
    _set_body(ctx, note, data.body)
    _set_tags(note, data.tags)
    ctx.session.add(note)
    return note


# The four research-note ops were note.*/notes.* before issue 26 (docs/protocol.md, Aliases):
# a browser may still hold unsent ops under the old names across a deploy.
@op("research_note.add", payload=ResearchNoteAdd, roles={FACILITATOR, PARTICIPANT},
    prepare=render_bodies, aliases=("note.add",))
def research_note_add(ctx: OpContext, data: ResearchNoteAdd) -> Outcome:
    """Add a research note to the library."""
    if count(ctx, ResearchNote) >= MAX_NOTES:
        raise ServiceError("limit", f"a workshop holds at most {MAX_NOTES} research notes")
    note = _new_research_note(ctx, data)
    return Outcome("research_note.added", {"note": research_note_view(note)})


def _research_note_to_change(ctx: OpContext, note_id: str) -> ResearchNote:
    note = ctx.session.get(ResearchNote, note_id)
    if note is None or note.workshop_id != ctx.workshop.id:
        raise ServiceError("not_found", "no such research note in this workshop")
    if not permissions.may_change(ctx.actor.role, ctx.actor.id, note.author_id):
        raise ServiceError("forbidden", "only its author or the facilitator may change this "
                                        "research note", reason="not_yours")
    return note


def _target_text(ctx: OpContext, link: EvidenceLink) -> str:
    """What the linked board item says (an assumption's text, a group's title)."""
    target = ctx.session.get(AssumptionGroup if link.target_type == "group" else Assumption,
                             link.target_id)
    if target is None:
        return ""
    return target.title if link.target_type == "group" else target.text


def _refuse_breaking_evidence(ctx: OpContext, note: ResearchNote, before: tuple[str, str]) -> None:
    """Refuse a body that no longer holds a passage quoted as evidence.

    The quote is the evidence: an edit that silently dropped it would leave a badge that
    points at nothing. The error names every such link so the author can keep the passage
    or remove the link first.
    """
    links = list(ctx.session.scalars(select(EvidenceLink).where(EvidenceLink.note_id == note.id)
                                     .order_by(EvidenceLink.created_seq)))
    broken = set(evidence.broken_by_edit([(link.id, link.quote) for link in links], before,
                                         _readings(note.body, note.body_html)))
    if not broken:
        return
    stale = [link_view(link) | {"target_text": _target_text(ctx, link)}
             for link in links if link.id in broken]
    named = "; ".join(f"“{_short(link['quote'])}” {link['relation']} "
                      f"“{_short(link['target_text'])}”" for link in stale)
    raise ServiceError("conflict", f"this edit removes {len(stale)} passage"
                                   f"{'s' if len(stale) != 1 else ''} quoted as evidence "
                                   f"({named}): keep the quoted text in the note, or remove "
                                   "the link first",
                       details={"links": stale})


def _short(text: str, limit: int = 60) -> str:
    """A quote or item text short enough to name in a message."""
    return text if len(text) <= limit else text[:limit - 1].rstrip() + "…"


@op("research_note.edit", payload=ResearchNoteEdit, roles={FACILITATOR, PARTICIPANT},
    prepare=render_bodies, aliases=("note.edit",))
def research_note_edit(ctx: OpContext, data: ResearchNoteEdit) -> Outcome:
    """Change a note's fields (refused if saved since `base_seq`); the event keeps the old."""
    note = _research_note_to_change(ctx, data.id)
    _check_date(data.date)
    previous: dict = {}
    changes = data.model_dump(exclude_none=True, exclude={"id", "clear", "base_seq"})
    for field in data.clear:
        if field in changes:
            raise ServiceError("invalid", f"clear: {field} is both set and cleared")
        changes[field] = None
    if not changes:
        raise ServiceError("invalid", "nothing to change")
    if data.base_seq is not None and data.base_seq != note.updated_seq:
        # Like the persona document: nothing is silently overwritten, the editor gets both
        # versions and decides.
        raise ServiceError("conflict", "someone saved this note after you started editing: "
                                       "compare both versions and save again",
                           details={"current": research_note_view(note), "yours": changes,
                                    "base_seq": data.base_seq})
    before = _readings(note.body, note.body_html)
    for field, value in changes.items():
        previous[field] = list(note.tags) if field == "tags" else getattr(note, field)
        if field == "body":
            _set_body(ctx, note, value)
            _refuse_breaking_evidence(ctx, note, before)
        elif field == "tags":
            _set_tags(note, value)
        else:
            setattr(note, field, value)
    note.updated_seq = ctx.seq
    return Outcome("research_note.edited", {"note": research_note_view(note), "previous": previous})


@op("research_note.delete", payload=ResearchNoteDelete, roles={FACILITATOR, PARTICIPANT},
    aliases=("note.delete",))
def research_note_delete(ctx: OpContext, data: ResearchNoteDelete) -> Outcome:
    """Remove a note and the evidence links to its passages."""
    note = _research_note_to_change(ctx, data.id)
    links = list(ctx.session.scalars(select(EvidenceLink).where(EvidenceLink.note_id == note.id)
                                     .order_by(EvidenceLink.created_seq)))
    outcome = Outcome("research_note.deleted", {
        "id": note.id, "links": [link.id for link in links],
        "previous": {"title": note.title, "source_type": note.source_type}})
    for link in links:
        ctx.session.delete(link)
    ctx.session.flush()
    ctx.session.delete(note)
    return outcome


@op("research_notes.import", payload=ResearchNotesImport, roles={FACILITATOR, PARTICIPANT},
    prepare=render_bodies, aliases=("notes.import",))
def research_notes_import(ctx: OpContext, data: ResearchNotesImport) -> Outcome:
    """Add many notes in one step: all of them, or (on any error) none."""
    if count(ctx, ResearchNote) + len(data.notes) > MAX_NOTES:
        raise ServiceError("limit", f"a workshop holds at most {MAX_NOTES} research notes")
    if sum(len(note.body) for note in data.notes) > MAX_IMPORT_CHARS:
        raise ServiceError("limit", f"one import carries at most {MAX_IMPORT_CHARS:,} "
                                    "characters of notes: split it")
    notes = []
    for number, draft in enumerate(data.notes):
        try:
            notes.append(_new_research_note(ctx, draft))
        except ServiceError as error:
            # The op's transaction rolls back the notes added so far; say which one failed.
            raise ServiceError(error.code, f"notes.{number}.{error.message} (note {number + 1}, "
                                           f"“{draft.title}”)") from None
    return Outcome("research_notes.imported",
                   {"notes": [research_note_view(note) for note in notes]})


# ---- evidence ----------------------------------------------------------------------------

@op("evidence.link", payload=EvidenceLinkAdd, roles={FACILITATOR, PARTICIPANT})
def evidence_link(ctx: OpContext, data: EvidenceLinkAdd) -> Outcome:
    """Link a passage of a note to a board item as evidence for or against it."""
    if (data.assumption_id is None) == (data.group_id is None):
        raise ServiceError("invalid", "give either assumption_id or group_id")
    note = ctx.session.get(ResearchNote, data.note_id)
    if note is None or note.workshop_id != ctx.workshop.id:
        raise ServiceError("not_found", "no such research note in this workshop")
    if data.group_id is not None:
        target_type, target = "group", group_in_workshop(ctx, data.group_id)
    else:
        target_type, target = "assumption", visible_assumption(ctx, data.assumption_id)
        if target.hidden:
            raise ServiceError("conflict", "reveal private notes before linking evidence "
                                           "to them")
    if not passage_in_note(note, data.quote):
        raise ServiceError("invalid", "quote: the passage is not in this research note")
    if count(ctx, EvidenceLink) >= MAX_LINKS:
        raise ServiceError("limit", f"a workshop holds at most {MAX_LINKS} evidence links")
    link = EvidenceLink(id=new_id(), workshop_id=ctx.workshop.id, note_id=note.id,
                        target_type=target_type, target_id=target.id, relation=data.relation,
                        quote=data.quote, author_id=ctx.actor.id, created_seq=ctx.seq)
    ctx.session.add(link)
    data = {"link": link_view(link)}
    closed = backlog.close_answered(ctx, target_type, target, link.id)
    if closed:  # the research questions this link answers close themselves
        data["closed_questions"] = closed
    return Outcome("evidence.linked", data)


@op("evidence.unlink", payload=EvidenceUnlink, roles={FACILITATOR, PARTICIPANT})
def evidence_unlink(ctx: OpContext, data: EvidenceUnlink) -> Outcome:
    """Remove an evidence link (whoever made it, or the facilitator)."""
    link = ctx.session.get(EvidenceLink, data.id)
    if link is None or link.workshop_id != ctx.workshop.id:
        raise ServiceError("not_found", "no such evidence link in this workshop")
    if not permissions.may_change(ctx.actor.role, ctx.actor.id, link.author_id):
        raise ServiceError("forbidden", "only whoever made the link or the facilitator may "
                                        "remove it")
    outcome = Outcome("evidence.unlinked", {"id": link.id, "previous": link_view(link)})
    ctx.session.delete(link)
    return outcome


# ---- what other services ask -------------------------------------------------------------

def links_of(ctx: OpContext, target_ids: list[str]) -> list[EvidenceLink]:
    """The evidence links on any of these items."""
    return list(ctx.session.scalars(select(EvidenceLink).where(
        EvidenceLink.workshop_id == ctx.workshop.id, EvidenceLink.target_id.in_(target_ids))))


def drop_links(ctx: OpContext, target_ids: list[str]) -> list[str]:
    """Delete the evidence links on items that are going away; returns their ids."""
    links = links_of(ctx, target_ids) if target_ids else []
    for link in links:
        ctx.session.delete(link)
    return sorted(link.id for link in links)


def _data_supports(ctx: OpContext, ids: list[str]) -> bool:
    """Whether a data check on any of these items is consistent (evidence.data_links)."""
    results = ctx.session.scalars(select(Claim.result).where(
        Claim.workshop_id == ctx.workshop.id, Claim.target_id.in_(ids)))
    return any(evidence.DATA_RELATIONS.get((result or {}).get("status")) == "supports"
               for result in results)


def require_support(ctx: OpContext, target: Assumption | AssumptionGroup, target_type: str) -> None:
    """Refuse accepting an item of a category that needs research, when none supports it.

    A group is supported by a link on the group itself or on any of its notes.
    """
    required = ctx.settings["require_evidence"]
    if target.category not in required:
        return
    ids = [target.id] + ([n.id for n in members_of(ctx, target.id)]
                         if target_type == "group" else [])
    supported = ctx.session.scalar(select(EvidenceLink.id).where(
        EvidenceLink.workshop_id == ctx.workshop.id, EvidenceLink.target_id.in_(ids),
        EvidenceLink.relation == "supports").limit(1))
    if supported is None and not _data_supports(ctx, ids):
        raise ServiceError("conflict", f"{category_label(target.category)} items need "
                                       "supporting research before they can be accepted: link "
                                       "a passage of a research note that supports it first")
