"""Membership ops: rotating a link's secret and removing a participant."""

from __future__ import annotations

from typing import Literal

from workshop.domain import permissions
from workshop.domain.permissions import FACILITATOR
from workshop.domain.tokens import new_secret
from workshop.models import Participant
from workshop.ops.context import OpContext, Outcome
from workshop.ops.registry import OpSet
from workshop.services.errors import ServiceError
from workshop.services.schemas import Id, Payload

SECRET_FIELD = {
    permissions.PARTICIPANT: "invite_secret",
    permissions.OBSERVER: "observer_secret",
    permissions.FACILITATOR: "facilitator_secret",
}

AREA = OpSet()
op = AREA.op


class InviteRotate(Payload):
    """invite.rotate: replace a link's secret; the old link stops working."""

    role: Literal["participant", "observer", "facilitator"]


class ParticipantRemove(Payload):
    """participant.remove: optionally with a new secret for the link they came in through."""

    id: Id
    # Without it, their invite link lets them straight back in as someone new.
    rotate_link: bool = False


@op("invite.rotate", payload=InviteRotate, roles={FACILITATOR})
def invite_rotate(ctx: OpContext, data: InviteRotate) -> Outcome:
    """Give a link a new secret. The secret itself never enters the log: the facilitator
    reads the new link from GET /api/workshops/<id>/links."""
    setattr(ctx.workshop, SECRET_FIELD[data.role], new_secret())
    return Outcome("invite.rotated", {"role": data.role})


@op("participant.remove", payload=ParticipantRemove, roles={FACILITATOR})
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
