"""Reading the persona document: versions, diffs, the A4 check, and every export format."""

from __future__ import annotations

import json
import threading
from collections import OrderedDict
from dataclasses import dataclass
from datetime import UTC, datetime

from sqlalchemy import select

from workshop.domain import filenames, merge, review
from workshop.domain.diff import affected_usages, diff_documents
from workshop.domain.export import formats, onepager
from workshop.domain.export.formats import ExportFormat
from workshop.domain.review import ReviewSettings
from workshop.models import Persona, PersonaVersion, Workshop
from workshop.offload import WorkerPool
from workshop.services import log, reviews
from workshop.services.backend import Backend
from workshop.services.board_state import board_inputs
from workshop.services.errors import ServiceError
from workshop.services.shapes import version_summary, version_view


@dataclass(frozen=True)
class Export:
    """A file to hand out: its bytes, media type and a file name in Unicode and in ASCII."""

    content: bytes
    media_type: str
    filename: str
    ascii_filename: str


@dataclass(frozen=True)
class Loaded:
    """A persona document as exported: the document and the export's meta."""

    document: dict
    meta: dict


def _persona(session, workshop_id: str, persona_id: str) -> Persona:
    persona = session.get(Persona, persona_id)
    if persona is None or persona.workshop_id != workshop_id:
        raise ServiceError("not_found", "no such persona in this workshop")
    return persona


def _version(session, persona_id: str, number: int | None) -> PersonaVersion | None:
    query = select(PersonaVersion).where(PersonaVersion.persona_id == persona_id)
    if number is None:
        return session.scalars(query.order_by(PersonaVersion.number.desc()).limit(1)).first()
    version = session.scalars(query.where(PersonaVersion.number == number)).first()
    if version is None:
        raise ServiceError("not_found", f"this persona has no version {number}")
    return version


def _load(session, workshop_id: str, viewer: dict, persona_id: str,
          number: int | None, settings: ReviewSettings) -> Loaded:
    """The version asked for, or the current one; without any, a draft built from the board."""
    workshop = session.get(Workshop, workshop_id)
    if workshop is None:
        raise ServiceError("not_found", "no such workshop")
    persona = _persona(session, workshop_id, persona_id)
    version = _version(session, persona_id, number)
    snapshot, notes, links = board_inputs(session, workshop_id, viewer)
    if version is None:  # exports work in every phase: before the merge, a preview draft
        document, number, status, agreed_at = (
            merge.build_document(snapshot, persona_id, notes, links), 0, "draft", None)
    else:
        document, number, status = version.document, version.number, version.status
        agreed_at = log.iso(version.agreed_at) if version.agreed_at else None
    # "Needs research" is a warning about today: today's settings and links decide it.
    document = merge.with_research_flags(document, snapshot, links)
    if status == "draft":  # a draft's data checks are today's; an agreed one keeps its own
        document = merge.with_data(document, snapshot)
    meta = {"workshop_title": workshop.title, "persona_name": persona.name, "version": number,
            "status": status, "agreed_at": agreed_at,
            "exported_at": log.iso(datetime.now(UTC)),
            "teams": merge.voting_teams(snapshot),
            **_after(session, persona_id, version, document, snapshot, links, settings)}
    return Loaded(document, meta)


def _after(session, persona_id: str, version: PersonaVersion | None,
           document: dict, snapshot: dict, links: list[dict],
           settings: ReviewSettings) -> dict:
    """The life after the workshop in the export's meta: the review status (of this version
    when agreed, else of the last agreed one, traits as exported), the decisions that used
    the persona, the validation backlog and its research questions."""
    agreed = version if version is not None and version.status == "agreed" else \
        session.scalars(select(PersonaVersion).where(
            PersonaVersion.persona_id == persona_id, PersonaVersion.status == "agreed")
            .order_by(PersonaVersion.number.desc()).limit(1)).first()
    on = reviews.today()
    review_on = None
    if agreed is not None and agreed.agreed_at is not None:
        review_on = review.review_by(agreed.agreed_at, settings.after_days)
    status = review.status(merge.all_items(document), review_on, on, settings.stale_months)
    usages = [{key: usage[key] for key in ("title", "link", "date", "team", "traits")}
              for usage in reviews.usages(session, persona_id)]
    questions = [{key: q[key] for key in ("trait", "question", "owner", "method", "due")}
                 | {"closed": q["closed_by"] is not None}
                 for q in reviews.questions(session, persona_id)]
    return {"review": status, "usages": usages, "questions": questions,
            "backlog": reviews.placed_backlog(document, review.live_links(snapshot, links))}


def load(backend: Backend, workshop_id: str, viewer: dict, persona_id: str,
         number: int | None = None) -> Loaded:
    """A persona document and its export meta (see `_load`)."""
    with backend.db.reading() as session:
        return _load(session, workshop_id, viewer, persona_id, number, backend.review)


def _format(extension: str, scope: str) -> ExportFormat:
    """The export asked for (workshop/domain/export/formats.py), or `invalid`."""
    fmt = formats.find(extension, scope)
    if fmt is None:
        choices = ", ".join(f.extension for f in formats.of_scope(scope))
        raise ServiceError("invalid", f"format: choose one of {choices}")
    return fmt


def _make(backend: Backend, fmt: ExportFormat, owner: str | None, *inputs) -> bytes:
    """The file's bytes, made in a worker process when the format asks for it."""
    if fmt.offload:
        return backend.offload.run(fmt.make, *inputs, owner=owner)
    return fmt.make(*inputs)


def export_persona(backend: Backend, workshop_id: str, viewer: dict, persona_id: str,
                   extension: str, number: int | None = None) -> Export:
    """The persona in one persona format (md, json, html, pdf); a draft says so in the file."""
    fmt = _format(extension, formats.PERSONA)
    loaded = load(backend, workshop_id, viewer, persona_id, number)
    document, meta = loaded.document, loaded.meta
    if fmt.agreed_only and not meta["review"]["review_by"]:
        raise ServiceError("conflict", f"the {fmt.label} file needs an agreed version: agree "
                                       "one first", reason="export_needs_agreed")
    content = _make(backend, fmt, viewer["id"], document, meta)
    label = f"v{meta['version']}" if meta["status"] == "agreed" else \
        f"v{meta['version']}-draft" if meta["version"] else "draft"
    names = filenames.download_name(
        [(document["identity"]["name"] or meta["persona_name"], "persona"), (label, label)],
        extension)
    return Export(content, fmt.media_type, *names)


def onepager_page(backend: Backend, workshop_id: str, viewer: dict, persona_id: str,
                  number: int | None, stylesheet_href: str) -> str:
    """The one-pager as a page of the app, linking its print stylesheet (laid out in a
    worker process, as its download is)."""
    loaded = load(backend, workshop_id, viewer, persona_id, number)
    return backend.offload.run(onepager.onepager_html, loaded.document, loaded.meta,
                               stylesheet_href=stylesheet_href, owner=viewer["id"])


def export_assumptions(backend: Backend, workshop_id: str, viewer: dict,
                       extension: str) -> Export:
    """Every assumption of the workshop with votes, decisions and evidence states (csv)."""
    fmt = _format(extension, formats.WORKSHOP)
    with backend.db.reading() as session:
        workshop = session.get(Workshop, workshop_id)
        if workshop is None:
            raise ServiceError("not_found", "no such workshop")
        title = workshop.title
        snapshot, notes, links = board_inputs(session, workshop_id, viewer)
    content = _make(backend, fmt, viewer["id"], snapshot, notes, links)
    names = filenames.download_name([(title, "workshop"), ("assumptions", "assumptions")],
                                    extension)
    return Export(content, fmt.media_type, *names)


def versions(backend: Backend, workshop_id: str, persona_id: str) -> dict:
    """A persona's current document and the history of its versions."""
    with backend.db.reading() as session:
        persona = _persona(session, workshop_id, persona_id)
        rows = list(session.scalars(select(PersonaVersion).where(
            PersonaVersion.persona_id == persona_id).order_by(PersonaVersion.number)))
        return {"persona": {"id": persona.id, "name": persona.name},
                "current": version_view(rows[-1]) if rows else None,
                "versions": [version_summary(v) for v in rows]}


def version(backend: Backend, workshop_id: str, persona_id: str, number: int) -> dict:
    """One version of a persona's document."""
    with backend.db.reading() as session:
        _persona(session, workshop_id, persona_id)
        return version_view(_version(session, persona_id, number))


def diff(backend: Backend, workshop_id: str, persona_id: str, old: int, new: int) -> dict:
    """A side-by-side diff of two versions, field by field, words marked."""
    with backend.db.reading() as session:
        _persona(session, workshop_id, persona_id)
        before, after = _version(session, persona_id, old), _version(session, persona_id, new)
        rows = diff_documents(before.document, after.document)
        # The decisions that relied on a trait this diff changes or drops.
        return {"from": old, "to": new, "rows": rows,
                "affected": affected_usages(rows, reviews.usages(session, persona_id))}


def fit(backend: Backend, workshop_id: str, viewer: dict, persona_id: str) -> dict:
    """How many A4 pages the current document's one-pager takes (1 is the aim)."""
    loaded = load(backend, workshop_id, viewer, persona_id)
    meta = {**loaded.meta, "exported_at": "", "agreed_at": None}  # layout only
    pages = _pages(backend.offload, json.dumps(loaded.document, sort_keys=True),
                   json.dumps(meta, sort_keys=True), viewer["id"])
    return {"pages": pages, "fits": pages == 1}


_PAGES_KEPT = 64
_pages_kept: OrderedDict[tuple[str, str], int] = OrderedDict()
_pages_lock = threading.Lock()


def _pages(offload: WorkerPool, document_json: str, meta_json: str, owner: str) -> int:
    """Laying out a page takes a good part of a second: every editor asks after each save,
    so the answer is kept per document text (whoever asked), and laid out once in a worker
    process for all who ask at the same time; the one who sends the job counts it."""
    key = (document_json, meta_json)
    with _pages_lock:
        if key in _pages_kept:
            _pages_kept.move_to_end(key)
            return _pages_kept[key]
    pages = offload.run_shared(("pages", *key), onepager.page_count,
                               json.loads(document_json), json.loads(meta_json), owner=owner)
    with _pages_lock:
        _pages_kept[key] = pages
        while len(_pages_kept) > _PAGES_KEPT:
            _pages_kept.popitem(last=False)
    return pages
