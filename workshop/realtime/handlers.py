"""Socket.IO handlers: parse the payload, call one service function, answer."""

from __future__ import annotations

from flask import current_app, request, session
from flask_socketio import ConnectionRefusedError, SocketIO, emit, join_room
from sqlalchemy.exc import OperationalError

from workshop.ops.apply import apply_op
from workshop.reads.sync import sync
from workshop.realtime.rooms import events_room, own_forms_room, participant_room, workshop_room
from workshop.services import presence, signals, workshops
from workshop.services.errors import ServiceError, unavailable
from workshop.services.schemas import SyncRequest, parse
from workshop.web.security import bearer_token
from workshop.web.sessions import membership


def _backend():
    return current_app.extensions["workshop"]


def _refuse_invalid(message: str) -> ConnectionRefusedError:
    return ConnectionRefusedError("invalid", {"code": "invalid", "message": message})


def on_connect(auth=None):
    """A browser opens a board with auth {"workshop": id[, "batch": true]}; it joins the
    workshop's rooms and every member receives the new `presence` list. Refused without a
    membership cookie."""
    if bearer_token() is not None or (isinstance(auth, dict) and "token" in auth):
        # API tokens and share links read over HTTP only; the socket is for members.
        raise ConnectionRefusedError("forbidden", {
            "code": "forbidden", "message": "API tokens and share links cannot open a socket"})
    workshop_id = auth.get("workshop") if isinstance(auth, dict) else None
    if not isinstance(workshop_id, str):
        raise _refuse_invalid("auth.workshop is required")
    batched = auth.get("batch", False)
    if not isinstance(batched, bool):
        raise _refuse_invalid("auth.batch must be true or false")
    try:
        _admit(workshop_id, batched)
    except OperationalError:
        # The database failed (a lost connection, a locked file): refused with a reason
        # instead of an unanswered connect, so the client retries it like any refusal.
        raise ConnectionRefusedError("unavailable", unavailable().as_dict()) from None


def _admit(workshop_id: str, batched: bool) -> None:
    """The member behind the cookie joins the workshop's rooms, or the connect is refused."""
    member = workshops.find_member(_backend(), workshop_id, membership(workshop_id))
    if member is None and workshops.was_removed(_backend(), workshop_id,
                                                membership(workshop_id)):
        # Said, so the removed person's open page can tell them instead of reconnecting.
        raise ConnectionRefusedError("unauthenticated", {
            "code": "unauthenticated", "reason": "removed",
            "message": "the facilitator removed you from this workshop"})
    if member is None:
        raise ConnectionRefusedError("unauthenticated", {
            "code": "unauthenticated", "message": "join this workshop through its link first"})
    session["socket"] = {"workshop": workshop_id, "participant": member["id"]}
    join_room(workshop_room(workshop_id))
    join_room(participant_room(member["id"]))
    join_room(events_room(workshop_id, batched))
    join_room(own_forms_room(member["id"], batched))
    presence.arrive(_backend(), workshop_id, request.sid, member)


def on_disconnect(*_args):
    """A connection closes; the remaining members receive the new `presence` list."""
    bound = session.get("socket")
    if bound:
        presence.leave(_backend(), bound["workshop"], request.sid)


def on_op(payload=None):
    """A member sends `op`; acked with {"ok", "seq", "event"} or {"ok": false, "error"}.
    The resulting `event` goes to everyone else in the workshop, after commit; this
    connection has it in the ack."""
    bound = session.get("socket") or {}
    return apply_op(_backend(), bound.get("workshop", ""), bound.get("participant"), payload,
                        origin=request.sid)


def on_sync(payload=None):
    """A member sends `sync` {"since": n}; acked with the events after n, or a snapshot."""
    bound = session.get("socket") or {}
    try:
        request_ = parse(SyncRequest, payload)
        member = workshops.find_member(_backend(), bound.get("workshop", ""),
                                       bound.get("participant"))
        if member is None:
            raise ServiceError("unauthenticated", "you are not a member of this workshop")
        return sync(_backend(), bound["workshop"], member, request_.since)
    except ServiceError as error:
        return {"ok": False, "error": error.as_dict()}
    except OperationalError:  # the database failed: answered, so the client can retry
        return {"ok": False, "error": unavailable().as_dict()}


def on_signal(payload=None):
    """A member sends `signal` {"type": "editing", "persona_id", "path"}; everyone else in the
    workshop receives it as `signal` with who sent it. Nothing is stored; acked {"ok": true}."""
    bound = session.get("socket") or {}
    try:
        member = workshops.find_member(_backend(), bound.get("workshop", ""),
                                       bound.get("participant"))
        relayed = signals.relay(_backend(), member, payload)
    except ServiceError as error:
        return {"ok": False, "error": error.as_dict()}
    except OperationalError:  # the database failed: answered, so the client can retry
        return {"ok": False, "error": unavailable().as_dict()}
    emit("signal", relayed, to=workshop_room(bound["workshop"]), include_self=False)
    return {"ok": True}


def register_handlers(server: SocketIO) -> None:
    """Attach the handlers above to the default namespace."""
    server.on_event("connect", on_connect)
    server.on_event("disconnect", on_disconnect)
    server.on_event("op", on_op)
    server.on_event("sync", on_sync)
    server.on_event("signal", on_signal)
