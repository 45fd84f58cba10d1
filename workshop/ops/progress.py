"""Progress ops: saying "I'm done" with the current phase, so the facilitator sees who is not."""

from __future__ import annotations

from sqlalchemy import update

from workshop.domain.permissions import FACILITATOR, PARTICIPANT
from workshop.models import Participant
from workshop.ops.context import OpContext, Outcome
from workshop.ops.registry import OpSet
from workshop.services.schemas import Payload

AREA = OpSet()
op = AREA.op

_PARTICIPANTS = Participant.__table__


class DoneSet(Payload):
    """done.set: true says "I'm done" with this phase, false takes it back."""

    done: bool


@op("done.set", payload=DoneSet, roles={FACILITATOR, PARTICIPANT})
def done_set(ctx: OpContext, data: DoneSet) -> Outcome:
    """Say you are done with the current phase (or not after all); only a flag, no content."""
    ctx.connection.execute(update(_PARTICIPANTS).where(_PARTICIPANTS.c.id == ctx.actor.id)
                           .values(done=data.done))
    return Outcome("done.changed", {"participant_id": ctx.actor.id, "done": data.done,
                                    "phase": ctx.head.phase})


def clear_done(ctx: OpContext) -> None:
    """Forget every "I'm done": called when an op moved the workshop to another phase."""
    ctx.connection.execute(update(_PARTICIPANTS)
                           .where(_PARTICIPANTS.c.workshop_id == ctx.workshop_id,
                                  _PARTICIPANTS.c.done.is_(True))
                           .values(done=False))
