"""Socket.IO: the extension object, bound by the app factory, and its publisher."""

from __future__ import annotations

import threading
import time
from collections.abc import Callable
from contextlib import AbstractContextManager

from flask.sessions import SecureCookieSessionInterface
from flask_socketio import SocketIO
from socketio.packet import Packet

from workshop import jsoncodec
from workshop.config import Config
from workshop.realtime.handlers import register_handlers
from workshop.realtime.outbox import Delivery, EventOutbox, chunks
from workshop.realtime.rooms import events_room, own_forms_room, participant_room, workshop_room
from workshop.realtime.send_queue import bound_send_queues
from workshop.realtime.whole_sends import write_whole_frames

# Created unbound, bound in create_app (the Flask-SocketIO extension pattern).
socketio = SocketIO()

# Largest accepted Socket.IO message; a bigger one is refused by the transport.
MAX_MESSAGE_BYTES = 64 * 1024

# Where Socket.IO is served (the client library's default).
SOCKETIO_PATH = "socket.io"


class SocketIOPublisher:
    """Publishes to Socket.IO rooms (through the message queue when one is configured).

    Presence goes out as changes: the connection that joins gets the whole list once, and
    the room gets a `presence_delta` naming who arrived or left. Deltas are coalesced: at
    most one per workshop per `presence_interval` seconds, the first at once and the rest as
    one trailing delta with every change since. When 1,000 people connect within a few
    seconds, each person then receives a few deltas that name each newcomer once, instead of
    a list of up to 1,000 names per arrival (docs/performance.md, "Presence").

    Events are handed to an `EventOutbox` and sent by its background task, coalesced.
    """

    def __init__(self, server: SocketIO, presence_interval: float = 0.0,
                 rooms_are_local: bool = False):
        self.server = server
        self.presence_interval = presence_interval
        # One worker (no message queue) knows every room, so it can skip emitting to empty
        # ones: python-socketio encodes a message before it looks who is in the room.
        self.rooms_are_local = rooms_are_local
        self.outbox = EventOutbox(self.send_events, server.start_background_task)
        self._presence_lock = threading.Lock()
        self._presence_changed: dict[str, set[str]] = {}
        self._presence_sent_at: dict[str, float] = {}

    def publish_event(self, workshop_id: str, event: dict,
                      participant_id: str | None = None, origin: str | None = None) -> None:
        """Queue a committed log event for the workshop, or for one participant of it; the
        outbox's task sends it. `origin`, the connection whose op wrote it, is not sent it:
        its ack carries it."""
        self.outbox.put(workshop_id, event, participant_id, origin)

    def applying(self, workshop_id: str) -> AbstractContextManager:
        """Around applying an op: the workshop's events may wait for this op's (see
        EventOutbox.applying)."""
        return self.outbox.applying(workshop_id)

    def send_events(self, workshop_id: str, deliveries: list[Delivery]) -> None:
        """Emit a workshop's new entries, each in the form its receivers may see.

        `deliveries` are in seq order, an entry's own form (to its participant) before its
        public form (None), as `visibility.deliveries` lists them. Connections that take one
        event per message get exactly that order. Batching connections get their own forms
        first and then all the public forms in as few `events` messages as fit: an own form
        can then arrive just ahead of the batch that holds the entries before it, never after
        the public form of its own entry (docs/protocol.md, Batches).

        The connection an op came from has that op's entry in its ack and is sent it in no
        other form: every `event` of the entry skips it, and a batch reaches it without its
        own entries (as a message of its own when the batch also holds others'). So its own
        form (the ack) is the only form it ever gets, whichever message comes first, and two
        writes to the sender no longer come before every other receiver's: the ack is
        queued before the outbox sends, so the sender's writer runs first (docs/performance.md,
        "Fan-out").
        """
        public: list[Delivery] = []
        for delivery in deliveries:
            if delivery.participant_id is None:
                public.append(delivery)
                self._emit("event", delivery.event, events_room(workshop_id, False),
                           skip=delivery.origin)
            else:
                self._emit("event", delivery.event,
                           own_forms_room(delivery.participant_id, False), skip=delivery.origin)
        for delivery in deliveries:
            if delivery.participant_id is not None:
                self._emit("event", delivery.event,
                           own_forms_room(delivery.participant_id, True), skip=delivery.origin)
        room = events_room(workshop_id, True)
        # An op's connection is always one of this worker's, so the local room says whether
        # it takes batches (with a message queue too).
        batching = self._members(room)
        for batch in chunks(public):
            origins = list(dict.fromkeys(d.origin for d in batch if d.origin in batching))
            self._emit("events", {"events": [d.event for d in batch]}, room,
                       skip=origins or None)
            for origin in origins:  # the others' entries, to a sender that wrote some of them
                others = [d.event for d in batch if d.origin != origin]
                if others:
                    self.server.emit("events", {"events": others}, to=origin)

    def _members(self, room: str) -> dict:
        """This worker's connections in a room (Socket.IO sid -> Engine.IO sid)."""
        return self.server.server.manager.rooms.get("/", {}).get(room) or {}

    def _emit(self, name: str, payload: dict, room: str,
              skip: str | list[str] | None = None) -> None:
        if self.rooms_are_local:
            # Nobody here (python-socketio drops a room when its last member leaves), or only
            # connections to skip: python-socketio would encode the message for no one.
            skipped = {skip} if isinstance(skip, str) else set(skip or ())
            if not self._members(room).keys() - skipped:
                return
        self.server.emit(name, payload, to=room, skip_sid=skip)

    def disconnect_participant(self, workshop_id: str, participant_id: str) -> None:
        """Close this process's connections of a participant; their ops are refused anyway,
        because membership is checked in the database on every op."""
        room = participant_room(participant_id)
        for sid, _ in list(self.server.server.manager.get_participants("/", room)):
            self.server.server.disconnect(sid, namespace="/")

    def send_presence(self, workshop_id: str, sid: str, present: list[dict]) -> None:
        """Send the whole presence list to one connection, the one that just joined."""
        self.server.emit("presence", {"workshop": workshop_id, "present": present}, to=sid)

    def publish_presence_change(self, workshop_id: str, participant_id: str,
                                present: Callable[[], list[dict]]) -> None:
        """Tell the room that a participant arrived or left, coalesced (see the class).

        The `presence_delta` names only the participants that changed since the last one,
        each as `present()` has them when it is sent, so a join costs every connected
        person one small entry instead of the whole list (docs/protocol.md, presence).
        """
        if self.presence_interval <= 0:
            self._emit_presence_delta(workshop_id, {participant_id}, present)
            return
        with self._presence_lock:
            changed = self._presence_changed.get(workshop_id)
            if changed is not None:  # a delta is waiting: it will carry this change too
                changed.add(participant_id)
                return
            now = time.monotonic()
            wait = self._presence_sent_at.get(workshop_id, -1e9) + self.presence_interval - now
            if wait <= 0:
                self._presence_sent_at[workshop_id] = now
            else:
                self._presence_changed[workshop_id] = {participant_id}
        if wait <= 0:
            self._emit_presence_delta(workshop_id, {participant_id}, present)
        else:
            self.server.start_background_task(self._trailing_presence, workshop_id, wait,
                                              present)

    def _trailing_presence(self, workshop_id: str, wait: float,
                           present: Callable[[], list[dict]]) -> None:
        """Send the changes gathered since the last delta once the interval has passed."""
        self.server.sleep(wait)
        with self._presence_lock:
            changed = self._presence_changed.pop(workshop_id, None)
            self._presence_sent_at[workshop_id] = time.monotonic()
            # Forget workshops that have been quiet for a while, so the map stays small.
            horizon = time.monotonic() - 10 * self.presence_interval
            for stale in [w for w, at in self._presence_sent_at.items() if at < horizon]:
                del self._presence_sent_at[stale]
        if changed:
            self._emit_presence_delta(workshop_id, changed, present)

    def _emit_presence_delta(self, workshop_id: str, changed: set[str],
                             present: Callable[[], list[dict]]) -> None:
        now_present = {person["id"]: person for person in present()}
        joined = [now_present[pid] for pid in sorted(changed) if pid in now_present]
        left = sorted(pid for pid in changed if pid not in now_present)
        self.server.emit("presence_delta",
                         {"workshop": workshop_id, "joined": joined, "left": left},
                         to=workshop_room(workshop_id))


def keep_presence_alive(registry) -> None:
    """Renew a shared presence registry's entries in the background (none in-process)."""
    from workshop.services.shared_presence import SharedPresenceRegistry

    if not isinstance(registry, SharedPresenceRegistry):
        return

    def renew():
        while True:
            socketio.sleep(registry.ttl / 3)
            registry.heartbeat()

    socketio.start_background_task(renew)


class JsonPacket(Packet):
    """Socket.IO packets as this app sends them: JSON only, encoded by orjson.

    The default packet walks every payload looking for bytes to send as binary attachments
    before it encodes it; for a `sync` answer of 500 events that walk alone took ~9 ms. Nothing
    here sends bytes, so the walk is skipped (binary packets from clients still decode).
    """

    uses_binary_events = False
    json = jsoncodec


def _route_socketio_path(app) -> None:
    """Give the Socket.IO URL a URL rule, so that every event's request context matches it.

    Flask-SocketIO pushes a request context for the connection's URL around each event.
    Without a rule, matching raises NotFound, which the request keeps with its traceback;
    the traceback's frames point back at the context, so each event left ~120 objects of
    cyclic garbage that only the cyclic GC frees, and its pauses stall the hub
    (docs/performance.md, "Garbage collection"). Engine.IO's middleware answers this path
    before Flask routes anything, so the view never runs.
    """

    def served_by_socketio():
        return {"error": {"code": "not_found", "message": "Socket.IO answers here"}}, 404

    # Werkzeug matches WebSocket requests only against rules made for them.
    for endpoint, kind in (("socketio", {"methods": ["GET", "POST"]}),
                           ("socketio_websocket", {"websocket": True})):
        app.add_url_rule(f"/{SOCKETIO_PATH}/", endpoint=endpoint, view_func=served_by_socketio,
                         strict_slashes=False, **kind)


class ConnectionSessionInterface(SecureCookieSessionInterface):
    """Flask's signed-cookie session, not opened again for every Socket.IO event.

    Flask opens the session whenever a request context is pushed, and Flask-SocketIO pushes
    one around every event, then swaps in the copy of the session it made when the
    connection opened (kept in the connection's WSGI environ as "saved_session"). So every
    event decoded and verified the cookie (base64, HMAC, JSON) only to throw the result
    away: ~100 of the ~145 µs that pushing an event's context took. Here the event gets
    that copy at once. A connection's first event, and every HTTP request, open the cookie
    as before.
    """

    def open_session(self, app, request):
        saved = request.environ.get(_CONNECTION_SESSION)
        if saved is not None:
            return saved
        return super().open_session(app, request)


# Where Flask-SocketIO keeps a connection's copy of the session (manage_session=True).
_CONNECTION_SESSION = "saved_session"


def init_app(app, config: Config) -> SocketIOPublisher:
    """Bind Socket.IO to the app and register the handlers."""
    socketio.init_app(
        app,
        async_mode=config.async_mode,
        message_queue=config.message_queue,
        channel=config.message_queue_channel,
        # None means same origin only; never "*".
        cors_allowed_origins=config.allowed_origins,
        max_http_buffer_size=MAX_MESSAGE_BYTES,
        # One connection's events are handled in the order they arrive: a client flushing its
        # outbox sends ops back to back, and they must be applied in that order.
        async_handlers=False,
        ping_interval=20,
        ping_timeout=20,
        path=SOCKETIO_PATH,
        serializer=JsonPacket,
        json=jsoncodec,
    )
    bound_send_queues(socketio.server.eio, config.send_queue_bytes)
    if socketio.server.eio.async_mode in ("gevent", "threading"):
        write_whole_frames()  # simple-websocket serves these modes (see whole_sends.py)
    _route_socketio_path(app)
    app.session_interface = ConnectionSessionInterface()
    register_handlers(socketio)
    return SocketIOPublisher(socketio, config.presence_interval,
                             rooms_are_local=config.message_queue is None)
