"""Applying ops: the one write path shared by Socket.IO and HTTP."""

from __future__ import annotations

import logging
from pathlib import Path

from sqlalchemy import Connection, Row
from sqlalchemy.exc import IntegrityError, OperationalError

from workshop.domain.tokens import is_safe_id
from workshop.domain.webhooks import DELIVERED
from workshop.ops import progress
from workshop.ops.catalogue import OPS
from workshop.ops.context import OpContext, member_row
from workshop.ops.registry import OpSpec, Preparing
from workshop.prepared import Record
from workshop.services import log, visibility
from workshop.services.backend import Backend
from workshop.services.errors import ServiceError, unavailable
from workshop.services.schemas import OpEnvelope, parse

logger = logging.getLogger(__name__)


def _apply_new(connection: Connection, head: Record, workshop_id: str, actor_id: str,
               envelope: OpEnvelope, spec: OpSpec, prepared: dict) -> tuple[log.Entry, dict]:
    """Check the member, apply the op and write its log entry, then commit; answers the
    entry and what the ack alone carries (Outcome.reply)."""
    actor = member_row(connection, actor_id)
    if actor is not None and actor.workshop_id == workshop_id and actor.removed:
        raise ServiceError("unauthenticated", "the facilitator removed you from this workshop")
    if actor is None or actor.workshop_id != workshop_id:
        raise ServiceError("unauthenticated", "you are not a member of this workshop")
    if actor.role not in spec.roles:
        raise ServiceError("forbidden", f"{actor.role}s may not send {envelope.type}")
    data = parse(spec.schema, envelope.data)
    ctx = OpContext(connection, workshop_id, head, actor, head.seq, prepared)
    try:
        outcome = spec.handler(ctx, data)
        ctx.flush()  # the handler's changes go before the entry that records them
        moved = ctx.__dict__.get("workshop")
        if moved is not None and moved.phase != head.phase:
            progress.clear_done(ctx)  # "I'm done" counts for one phase only
        event = log.write(connection, workshop_id, head.seq, outcome.type, outcome.data,
                          actor_id=actor.id, op_id=envelope.op_id,
                          audience=outcome.audience, public=outcome.public)
        connection.commit()
    finally:
        ctx.close()
    return event, outcome.reply or {}


def _duplicate(done: Row, actor_id: str) -> dict:
    """The ack for a retried op: the entry its first attempt wrote."""
    return {"ok": True, "seq": done.seq, "duplicate": True,
            "event": visibility.wire(done, actor_id)}


def apply_op(backend: Backend, workshop_id: str, actor_id: str | None, raw: object,
             origin: str | None = None, attachment: Path | None = None) -> dict:
    """Apply one op for a member and return its ack; a retried op id is applied once.

    Commit, then publish: the event reaches other clients only once it is in the log.
    `origin` is the connection the op came from (None over HTTP); the ack brings it the
    event, so the event is not sent to it again. `attachment` is a file the request brought
    for the op's `prepare` hook (an uploaded data export).
    """
    try:
        envelope = parse(OpEnvelope, raw)
        # An old name (an alias) is applied, logged and answered as the op it now names.
        spec = OPS.resolve(envelope.type)
        if spec is None:
            raise ServiceError("unknown_op", f"unknown op type {envelope.type!r}")
        if not is_safe_id(actor_id):
            raise ServiceError("unauthenticated", "join the workshop first")
        # Checked before the write lock, so a flood never queues behind others' writes.
        if not backend.rate_limiter.allow(actor_id):
            with backend.db.reading() as session:  # a retry of an applied op is still answered
                done = log.find_op(session.connection(), workshop_id, actor_id, envelope.op_id)
                if done is not None:
                    return _duplicate(done, actor_id)
            raise ServiceError("rate_limited", "too many changes at once: wait a moment and "
                                               "try again")
        if not is_safe_id(workshop_id):
            raise ServiceError("not_found", "no such workshop")
        # Heavy work (rendering long Markdown) runs before the write lock, off the hub.
        prepared = (spec.prepare(Preparing(backend.offload, backend.db, workshop_id, actor_id,
                                           attachment), envelope.data) if spec.prepare else {})
        # A Core connection, not an ORM session: the envelope and the hot ops work on rows,
        # and a handler that needs mapped objects makes a session in this same transaction.
        # Entered before waiting for the write lock: the events of the ops ahead may wait
        # for this one's and go out together (realtime/outbox.py).
        with backend.publisher.applying(workshop_id), \
                backend.db.write_transaction(workshop_id) as connection:
            head = log.take_seq(connection, workshop_id)  # locks the workshop on PostgreSQL
            if head is None:
                raise ServiceError("not_found", "no such workshop")
            try:
                event, reply = _apply_new(connection, head, workshop_id, actor_id, envelope, spec,
                                   prepared)
            except (ServiceError, IntegrityError):
                # Nearly every op is new, so a retry is only looked for when applying it
                # fails: the log's unique index refuses a second entry for its op id, or it
                # no longer applies (the note it deleted is gone). Either way it gets the
                # answer the first time got, and the rollback returns the seq it took.
                connection.rollback()
                done = log.find_op(connection, workshop_id, actor_id, envelope.op_id)
                if done is None:
                    raise
                return _duplicate(done, actor_id)
            visibility.publish(backend, event, origin)
            if event.type in DELIVERED and backend.webhooks is not None:
                backend.webhooks.wake()  # committed: its delivery never holds up this op
            if event.type == "participant.removed":
                backend.publisher.disconnect_participant(workshop_id, event.data["id"])
        return {"ok": True, "seq": event.seq, "event": visibility.wire(event, actor_id), **reply}
    except ServiceError as error:
        return {"ok": False, "error": error.as_dict()}
    except OperationalError:
        # The database could not store it (a full disk, a lost connection): nothing was
        # applied (the transaction was rolled back), and the sender may retry the same op.
        logger.exception("op %s in workshop %s could not be saved",
                         raw.get("type") if isinstance(raw, dict) else None, workshop_id)
        return {"ok": False, "error": unavailable().as_dict()}
