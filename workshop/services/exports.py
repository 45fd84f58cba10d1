"""Reading the persona document: versions, diffs, the A4 check, and every export format."""

from __future__ import annotations

import json
import threading
from collections import OrderedDict
from dataclasses import dataclass
from datetime import UTC, datetime

from sqlalchemy import select

from workshop.domain import filenames, merge
from workshop.domain.diff import diff_documents
from workshop.domain.export import csv_format, json_format, markdown, onepager
from workshop.models import Persona, PersonaVersion, Workshop
from workshop.offload import WorkerPool
from workshop.ops.documents import board_inputs
from workshop.services import log
from workshop.services.backend import Backend
from workshop.services.errors import ServiceError
from workshop.services.views import version_summary, version_view

FORMATS = {"md": "markdown", "json": "json", "html": "html", "pdf": "pdf"}
MEDIA_TYPES = {"markdown": "text/markdown; charset=utf-8", "json": "application/json",
               "html": "text/html; charset=utf-8", "pdf": "application/pdf",
               "csv": "text/csv; charset=utf-8"}


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
          number: int | None) -> Loaded:
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
    meta = {"workshop_title": workshop.title, "persona_name": persona.name, "version": number,
            "status": status, "agreed_at": agreed_at,
            "exported_at": log.iso(datetime.now(UTC)),
            "teams": merge.voting_teams(snapshot)}
    return Loaded(document, meta)


def load(backend: Backend, workshop_id: str, viewer: dict, persona_id: str,
         number: int | None = None) -> Loaded:
    """A persona document and its export meta (see `_load`)."""
    with backend.db.reading() as session:
        return _load(session, workshop_id, viewer, persona_id, number)


def export_persona(backend: Backend, workshop_id: str, viewer: dict, persona_id: str,
                   extension: str, number: int | None = None) -> Export:
    """The persona in one format (md, json, html, pdf); a draft says so in the file."""
    fmt = FORMATS.get(extension)
    if fmt is None:
        raise ServiceError("invalid", f"format: choose one of {', '.join(FORMATS)}")
    loaded = load(backend, workshop_id, viewer, persona_id, number)
    document, meta = loaded.document, loaded.meta
    # Formatting a big board is tens of milliseconds of pure Python (page layout: seconds),
    # so every format is made in a worker process, never on the serving hub.
    content = backend.offload.run(formatted, fmt, document, meta, owner=viewer["id"])
    label = f"v{meta['version']}" if meta["status"] == "agreed" else \
        f"v{meta['version']}-draft" if meta["version"] else "draft"
    names = filenames.download_name(
        [(document["identity"]["name"] or meta["persona_name"], "persona"), (label, label)],
        extension)
    return Export(content, MEDIA_TYPES[fmt], *names)


def formatted(fmt: str, document: dict, meta: dict) -> bytes:
    """The document's bytes in one format; runs in a worker process (workshop/offload.py)."""
    if fmt == "markdown":
        return markdown.to_markdown(document, meta).encode()
    if fmt == "json":
        return json.dumps(json_format.to_json(document, meta), ensure_ascii=False,
                          indent=2).encode()
    if fmt == "html":
        return standalone_html(document, meta).encode()
    return onepager.to_pdf(document, meta)


def onepager_page(backend: Backend, workshop_id: str, viewer: dict, persona_id: str,
                  number: int | None, stylesheet_href: str) -> str:
    """The one-pager as a page of the app, linking its print stylesheet (laid out in a
    worker process, as its download is)."""
    loaded = load(backend, workshop_id, viewer, persona_id, number)
    return backend.offload.run(onepager.onepager_html, loaded.document, loaded.meta,
                               stylesheet_href=stylesheet_href, owner=viewer["id"])


def standalone_html(document: dict, meta: dict) -> str:
    """The one-pager as one self-contained file (its stylesheet inside) for download."""
    page = onepager.onepager_html(document, meta, stylesheet_href="")
    css = onepager.STYLESHEET.read_text(encoding="utf-8")
    return page.replace("</head>", f"<style>\n{css}\n</style>\n</head>", 1)


def assumptions_csv(backend: Backend, workshop_id: str, viewer: dict) -> Export:
    """Every assumption of the workshop with votes, decisions and evidence states."""
    with backend.db.reading() as session:
        workshop = session.get(Workshop, workshop_id)
        if workshop is None:
            raise ServiceError("not_found", "no such workshop")
        title = workshop.title
        snapshot, notes, links = board_inputs(session, workshop_id, viewer)
    # A 2,000-note board takes ~120 ms to format: in a worker process, not on the hub.
    content = backend.offload.run(csv_format.assumptions_csv, snapshot, notes, links,
                                  owner=viewer["id"])
    names = filenames.download_name([(title, "workshop"), ("assumptions", "assumptions")],
                                    "csv")
    return Export(content.encode("utf-8-sig"),  # the BOM makes spreadsheets read UTF-8
                  MEDIA_TYPES["csv"], *names)


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
        return {"from": old, "to": new, "rows": diff_documents(before.document,
                                                               after.document)}


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
