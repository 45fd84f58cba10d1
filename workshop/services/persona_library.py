"""The persona library: the agreed personas of every workshop whose facilitator listed it,
searchable, each with its last review date and share link. Read only; no accounts."""

from __future__ import annotations

import unicodedata

from sqlalchemy import select

from workshop.domain.tokens import SHARE, make_kind_token
from workshop.models import Persona, PersonaVersion, ShareLink, Workshop
from workshop.services import log
from workshop.services.backend import Backend

MAX_ENTRIES = 500


def _folded(text: str) -> str:
    """Lower case without accents, so "zoe" finds "Zoë"."""
    decomposed = unicodedata.normalize("NFKD", text.casefold())
    return "".join(c for c in decomposed if not unicodedata.combining(c))


def _reviewed(version: PersonaVersion) -> str | None:
    """The last review date: a version's review field when the review feature records one,
    else the day it was agreed."""
    reviewed = getattr(version, "reviewed_at", None) or version.agreed_at
    return log.iso(reviewed) if reviewed else None


def entries(backend: Backend, query: str = "") -> list[dict]:
    """Listed workshops' personas with an agreed version, newest agreement first; `query`
    matches the persona's name, role, quote, location or the workshop's title."""
    words = [_folded(w) for w in query.split() if w]
    with backend.db.reading() as session:
        rows = session.execute(
            select(PersonaVersion, Persona.name, Workshop.title)
            .join(Persona, Persona.id == PersonaVersion.persona_id)
            .join(Workshop, Workshop.id == PersonaVersion.workshop_id)
            .where(Workshop.library_listed.is_(True), PersonaVersion.status == "agreed")
            .order_by(PersonaVersion.persona_id, PersonaVersion.number.desc())).all()
        latest: dict[str, tuple] = {}
        for version, name, title in rows:
            latest.setdefault(version.persona_id, (version, name, title))
        shares: dict[str, str] = {}
        for share in session.scalars(select(ShareLink).where(
                ShareLink.persona_id.in_(list(latest)), ShareLink.version.is_(None))
                .order_by(ShareLink.created_seq)):
            shares.setdefault(share.persona_id, make_kind_token(SHARE, share.id, share.secret))
        found = []
        for persona_id, (version, name, title) in latest.items():
            identity = version.document.get("identity", {})
            entry = {"persona_id": persona_id, "name": identity.get("name") or name,
                     "role": identity.get("role") or "", "quote": identity.get("quote") or "",
                     "location": identity.get("location") or "", "workshop_title": title,
                     "version": version.number,
                     "agreed_at": log.iso(version.agreed_at) if version.agreed_at else None,
                     "last_reviewed": _reviewed(version),
                     "share_path": f"/p/{shares[persona_id]}" if persona_id in shares else None}
            haystack = _folded(" ".join((entry["name"], entry["role"], entry["quote"],
                                         entry["location"], title)))
            if all(word in haystack for word in words):
                found.append(entry)
    found.sort(key=lambda e: e["agreed_at"] or "", reverse=True)
    return found[:MAX_ENTRIES]


def personas_of(backend: Backend, workshop_id: str) -> list[dict]:
    """A workshop's personas with their version numbers and statuses (the sharing page)."""
    with backend.db.reading() as session:
        personas = session.scalars(select(Persona).where(
            Persona.workshop_id == workshop_id).order_by(Persona.created_seq)).all()
        versions = session.execute(select(PersonaVersion.persona_id, PersonaVersion.number,
                                          PersonaVersion.status).where(
            PersonaVersion.workshop_id == workshop_id).order_by(PersonaVersion.number)).all()
        return [{"id": p.id, "name": p.name,
                 "versions": [{"number": n, "status": s} for pid, n, s in versions
                              if pid == p.id]} for p in personas]
