"""Starting a review of an agreed persona: the next draft of its document.

After that a review is a workshop like any other: the board's phases, votes, decisions, the
document's diff and sign-off. What needs attention in it (domain/review.attention) is read,
not stored: `GET …/personas/<id>/review` says it as of today, with the operator's stale
threshold, and the board filters on it.
"""

from __future__ import annotations

from workshop.domain.permissions import FACILITATOR
from workshop.ops.context import OpContext, Outcome, persona_in_workshop
from workshop.ops.documents import AGREED, latest_version, next_draft
from workshop.ops.registry import OpSet
from workshop.services.errors import ServiceError
from workshop.services.schemas import Id, Payload
from workshop.services.shapes import version_view

AREA = OpSet()
op = AREA.op


class ReviewStart(Payload):
    """review.start: open the next draft of an agreed persona for a review."""

    persona_id: Id


@op("review.start", payload=ReviewStart, roles={FACILITATOR})
def review_start(ctx: OpContext, data: ReviewStart) -> Outcome:
    """Start a review: the next draft of the agreed version, its text as agreed."""
    persona = persona_in_workshop(ctx, data.persona_id)
    current = latest_version(ctx.session, persona.id)
    if current is None or current.status != AGREED:
        raise ServiceError("conflict", "only an agreed persona is reviewed: agree a version "
                                       "first", reason="review_needs_agreed")
    draft = next_draft(ctx, current)
    return Outcome("review.started", {"persona_id": persona.id, "number": draft.number,
                                      "started": version_view(draft),
                                      "phase": ctx.workshop.phase})
