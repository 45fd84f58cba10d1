"""The snapshot: everything a viewer may see of a workshop, consistent with its seq."""

from __future__ import annotations

from sqlalchemy import select

from workshop.models import PersonaUsage, PersonaVersion, ResearchQuestion, Workshop, utcnow
from workshop.services import log
from workshop.services.backend import Backend
from workshop.services.board_state import read_board
from workshop.services.shapes import (
    question_view,
    usage_view,
    version_summary,
    version_view,
)


def snapshot(backend: Backend, workshop_id: str, viewer: dict) -> dict:
    """Everything the viewer may see of the workshop, consistent with its seq."""
    with backend.db.reading() as session:
        return read_snapshot(session, workshop_id, viewer)


def read_snapshot(session, workshop_id: str, viewer: dict) -> dict:
    """The snapshot, read in the caller's session (one consistent read)."""
    board = read_board(session, workshop_id, viewer)
    workshop = session.get(Workshop, workshop_id)  # loaded by read_board: no second query
    return {
        "workshop": board["workshop"],
        "seq": workshop.seq,
        "server_time": log.iso(utcnow()),  # lets clients count timers from the server's clock
        "me": viewer,
        **board,
        **_documents(session, workshop_id),
        **_after(session, workshop_id),
    }


def _documents(session, workshop_id: str) -> dict:
    """Each persona's current document version, and the history of every version."""
    versions = list(session.scalars(select(PersonaVersion)
                                    .where(PersonaVersion.workshop_id == workshop_id)
                                    .order_by(PersonaVersion.created_seq,
                                              PersonaVersion.number)))
    current: dict[str, PersonaVersion] = {}
    for version in versions:
        current[version.persona_id] = version  # the later number wins
    return {"documents": [version_view(v) for v in current.values()],
            "versions": [version_summary(v) for v in versions]}


def _after(session, workshop_id: str) -> dict:
    """The decision register and the research questions, in the order they were recorded."""
    usages = session.scalars(select(PersonaUsage).where(PersonaUsage.workshop_id == workshop_id)
                             .order_by(PersonaUsage.created_seq))
    questions = session.scalars(select(ResearchQuestion)
                                .where(ResearchQuestion.workshop_id == workshop_id)
                                .order_by(ResearchQuestion.created_seq))
    return {"usages": [usage_view(u) for u in usages],
            "questions": [question_view(q) for q in questions]}
