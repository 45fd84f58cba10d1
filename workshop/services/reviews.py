"""Reviews of agreed personas: their status for the page and the exports, and the due list
that `flask --app workshop reviews --due` prints and records as `review.due` events."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, date, datetime

from sqlalchemy import select

from workshop.domain import backlog, merge, review
from workshop.domain.evidence import CONTRADICTED, evidence_state
from workshop.domain.review import ReviewSettings
from workshop.models import (
    Event,
    Persona,
    PersonaUsage,
    PersonaVersion,
    ResearchQuestion,
    Workshop,
)
from workshop.services import log, visibility
from workshop.services.backend import Backend
from workshop.services.board_state import board_inputs
from workshop.services.errors import ServiceError
from workshop.services.shapes import question_view, usage_view

AGREED = "agreed"


def today() -> date:
    """Today in UTC, the zone every stored date is in."""
    return datetime.now(UTC).date()


def version_status(version: PersonaVersion | None, settings: ReviewSettings,
                   on: date) -> dict:
    """The review status of a version (domain/review.status); a draft has no review date."""
    if version is None:
        return review.status([], None, on, settings.stale_months)
    review_on = (review.review_by(version.agreed_at, settings.after_days)
                 if version.status == AGREED and version.agreed_at else None)
    return review.status(merge.all_items(version.document), review_on, on,
                         settings.stale_months)


def usages(session, persona_id: str) -> list[dict]:
    """The decisions that used a persona, in the order they were recorded."""
    return [usage_view(u) for u in session.scalars(select(PersonaUsage).where(
        PersonaUsage.persona_id == persona_id).order_by(PersonaUsage.created_seq))]


def questions(session, persona_id: str) -> list[dict]:
    """A persona's research questions, in the order they were asked."""
    return [question_view(q) for q in session.scalars(select(ResearchQuestion).where(
        ResearchQuestion.persona_id == persona_id).order_by(ResearchQuestion.created_seq))]


def placed_backlog(document: dict, live: dict[str, list[dict]]) -> list[dict]:
    """The document's traits on the backlog's 2×2, with their evidence as of today (a trait
    tested since the document was made counts as tested)."""
    placed = backlog.place(merge.all_items(document))
    for entry in placed:
        found = live.get(entry["id"])
        if found:
            entry["evidence"] = evidence_state(found)
            entry["quadrant"] = backlog.quadrant(entry["important"], entry["evidence"])
            entry["rethink"] = entry["evidence"] == CONTRADICTED
    return placed


def _versions(session, persona_id: str) -> list[PersonaVersion]:
    return list(session.scalars(select(PersonaVersion).where(
        PersonaVersion.persona_id == persona_id).order_by(PersonaVersion.number)))


def read_review(session, workshop_id: str, viewer: dict, persona_id: str,
                settings: ReviewSettings, on: date) -> dict:
    """What the persona page shows after the workshop, read in the caller's session."""
    workshop = session.get(Workshop, workshop_id)
    persona = session.get(Persona, persona_id)
    if workshop is None or persona is None or persona.workshop_id != workshop_id:
        raise ServiceError("not_found", "no such persona in this workshop")
    versions = _versions(session, persona_id)
    current = versions[-1] if versions else None
    agreed = next((v for v in reversed(versions) if v.status == AGREED), None)
    status = version_status(agreed, settings, on)
    attention, placed = {}, []
    if current is not None:
        snapshot, notes, links = board_inputs(session, workshop_id, viewer)
        live = review.live_links(snapshot, links)
        if agreed is not None:
            dates = {note["id"]: note.get("date") for note in notes}
            attention = review.attention(merge.all_items(agreed.document), live, dates,
                                         agreed.updated_seq, on, settings.stale_months)
        placed = placed_backlog(current.document, live)
    return {"persona_id": persona_id,
            "current": current.number if current else None,
            "agreed": agreed.number if agreed else None,
            "review": status, "attention": attention,
            "usages": usages(session, persona_id), "questions": questions(session, persona_id),
            "backlog": placed}


def persona_review(backend: Backend, workshop_id: str, viewer: dict, persona_id: str) -> dict:
    """The review status, attention list, decision register and backlog of one persona."""
    with backend.db.reading() as session:
        return read_review(session, workshop_id, viewer, persona_id, backend.review, today())


# ---- the due list ---------------------------------------------------------------------------

@dataclass(frozen=True)
class Due:
    """An agreed persona version past its review-by date."""

    workshop_id: str
    workshop_title: str
    persona_id: str
    persona_name: str
    number: int
    review_by: str
    stale_traits: int
    due: bool
    recorded: bool  # whether this run wrote its `review.due` event (an earlier one may have)


def _current_agreed(session) -> list[tuple[Workshop, Persona, PersonaVersion]]:
    """Every persona whose newest version is agreed, with its workshop."""
    newest: dict[str, PersonaVersion] = {}
    for version in session.scalars(select(PersonaVersion).order_by(PersonaVersion.persona_id,
                                                                   PersonaVersion.number)):
        newest[version.persona_id] = version
    out = []
    for version in newest.values():
        if version.status != AGREED:
            continue
        persona = session.get(Persona, version.persona_id)
        out.append((session.get(Workshop, version.workshop_id), persona, version))
    return sorted(out, key=lambda row: (row[2].agreed_at is None, row[0].title, row[1].name))


def _already_recorded(connection, workshop_id: str, persona_id: str, number: int) -> bool:
    rows = connection.execute(select(Event.data).where(Event.workshop_id == workshop_id,
                                                       Event.type == "review.due"))
    return any(data.get("persona_id") == persona_id and data.get("number") == number
               for (data,) in rows)


def _listed(backend: Backend, on: date) -> list[Due]:
    """Every persona whose newest version is agreed, by review date (nothing recorded)."""
    with backend.db.reading() as session:
        found = []
        for workshop, persona, version in _current_agreed(session):
            status = version_status(version, backend.review, on)
            # The persona as its document names it (what people know it by), else its tab.
            name = version.document["identity"].get("name") or persona.name
            found.append(Due(workshop.id, workshop.title, persona.id, name,
                             version.number, status["review_by"], len(status["stale"]),
                             due=status["due"], recorded=False))
    return sorted(found, key=lambda r: (r.review_by, r.workshop_title, r.persona_name))


def agreed(backend: Backend, on: date | None = None) -> list[Due]:
    """Every agreed persona version (the newest of its persona), by review date."""
    return _listed(backend, on or today())


def due(backend: Backend, on: date | None = None) -> list[Due]:
    """The agreed persona versions due for review on `on` (today), by review date; each gets
    one `review.due` event in its workshop's log, the first time it is listed only."""
    return [Due(**{**row.__dict__, "recorded": _record(backend, row)})
            for row in _listed(backend, on or today()) if row.due]


def _record(backend: Backend, row: Due) -> bool:
    """Write the `review.due` event of a due version unless one is in the log; commit, then
    publish, as an op does. Returns whether it was written now."""
    with backend.publisher.applying(row.workshop_id), \
            backend.db.write_transaction(row.workshop_id) as connection:
        # The seq first: it locks the workshop on PostgreSQL, so two runs at once cannot
        # both find no event and both write one.
        head = log.take_seq(connection, row.workshop_id)
        if _already_recorded(connection, row.workshop_id, row.persona_id, row.number):
            connection.rollback()  # gives the seq back
            return False
        event = log.write(connection, row.workshop_id, head.seq, "review.due",
                          {"persona_id": row.persona_id, "number": row.number,
                           "review_by": row.review_by, "stale_traits": row.stale_traits})
        connection.commit()
        visibility.publish(backend, event)
    return True
