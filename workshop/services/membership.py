"""Who is in: rotating a link's secret and removing a participant."""

from __future__ import annotations

from workshop.domain import permissions
from workshop.domain.tokens import make_token, new_secret
from workshop.models import Participant, Workshop
from workshop.services.backend import Backend
from workshop.services.errors import ServiceError
from workshop.services.op_context import OpContext, Outcome
from workshop.services.schemas import InviteRotate, ParticipantRemove

SECRET_FIELD = {
    permissions.PARTICIPANT: "invite_secret",
    permissions.OBSERVER: "observer_secret",
    permissions.FACILITATOR: "facilitator_secret",
}


def invite_rotate(ctx: OpContext, data: InviteRotate) -> Outcome:
    """Give a link a new secret. The secret itself never enters the log: the facilitator
    reads the new link from GET /api/workshops/<id>/links."""
    setattr(ctx.workshop, SECRET_FIELD[data.role], new_secret())
    return Outcome("invite.rotated", {"role": data.role})


def participant_remove(ctx: OpContext, data: ParticipantRemove) -> Outcome:
    """Remove someone: their cookie stops working and their connections are cut; with
    `rotate_link`, the link of their role gets a new secret in the same step, so it cannot
    bring them back (docs/protocol.md, Removing someone)."""
    member = ctx.session.get(Participant, data.id)
    if member is None or member.workshop_id != ctx.workshop_id or member.removed:
        raise ServiceError("not_found", "no such participant in this workshop")
    if member.id == ctx.actor.id:
        raise ServiceError("conflict", "you cannot remove yourself")
    member.removed = True
    if not data.rotate_link:
        return Outcome("participant.removed", {"id": member.id})
    setattr(ctx.workshop, SECRET_FIELD[member.role], new_secret())
    return Outcome("participant.removed", {"id": member.id, "rotated": member.role})


def links(backend: Backend, workshop_id: str, viewer: dict) -> dict[str, str]:
    """The current link tokens of a workshop, for its facilitators only."""
    if viewer["role"] != permissions.FACILITATOR:
        raise ServiceError("forbidden", "only the facilitator sees the links")
    with backend.db.reading() as session:
        workshop = session.get(Workshop, workshop_id)
        return {role: make_token(workshop.id, getattr(workshop, field))
                for role, field in SECRET_FIELD.items()}


HANDLERS = {
    "invite.rotate": (InviteRotate, invite_rotate),
    "participant.remove": (ParticipantRemove, participant_remove),
}
