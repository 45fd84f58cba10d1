"""Socket.IO: the extension object, bound by the app factory, and its publisher."""

from __future__ import annotations

import threading
import time

from flask_socketio import SocketIO

from workshop.config import Config

# Created unbound, bound in create_app (the Flask-SocketIO extension pattern).
socketio = SocketIO()

# Largest accepted Socket.IO message; a bigger one is refused by the transport.
MAX_MESSAGE_BYTES = 64 * 1024


def workshop_room(workshop_id: str) -> str:
    """The room every connection of a workshop joins."""
    return f"w:{workshop_id}"


def participant_room(participant_id: str) -> str:
    """The room of one participant's connections (private event forms go there)."""
    return f"p:{participant_id}"


class SocketIOPublisher:
    """Publishes to Socket.IO rooms (through the message queue when one is configured).

    Presence is coalesced: at most one `presence` signal per workshop per
    `presence_interval` seconds, the first at once and the rest as one trailing signal with
    the latest list. Each signal carries the whole list to everyone, so when 200 people
    (re)connect within a few seconds, one signal per connection would send 200 lists of up to
    200 names to up to 200 clients, about 40,000 messages; coalesced it is a handful.
    """

    def __init__(self, server: SocketIO, presence_interval: float = 0.0):
        self.server = server
        self.presence_interval = presence_interval
        self._presence_lock = threading.Lock()
        self._presence_latest: dict[str, list[dict]] = {}
        self._presence_sent_at: dict[str, float] = {}

    def publish_event(self, workshop_id: str, event: dict,
                      participant_id: str | None = None) -> None:
        """Send a committed log event to the workshop's room, or to one participant."""
        room = participant_room(participant_id) if participant_id else workshop_room(workshop_id)
        self.server.emit("event", event, to=room)

    def disconnect_participant(self, workshop_id: str, participant_id: str) -> None:
        """Close this process's connections of a participant; their ops are refused anyway,
        because membership is checked in the database on every op."""
        room = participant_room(participant_id)
        for sid, _ in list(self.server.server.manager.get_participants("/", room)):
            self.server.server.disconnect(sid, namespace="/")

    def publish_presence(self, workshop_id: str, present: list[dict]) -> None:
        """Send the presence list to the workshop's room, coalesced (see the class)."""
        if self.presence_interval <= 0:
            self._emit_presence(workshop_id, present)
            return
        with self._presence_lock:
            scheduled = workshop_id in self._presence_latest
            self._presence_latest[workshop_id] = present
            if scheduled:  # the trailing signal will carry this newer list
                return
            now = time.monotonic()
            wait = self._presence_sent_at.get(workshop_id, -1e9) + self.presence_interval - now
            if wait <= 0:
                del self._presence_latest[workshop_id]
                self._presence_sent_at[workshop_id] = now
        if wait <= 0:
            self._emit_presence(workshop_id, present)
        else:
            self.server.start_background_task(self._trailing_presence, workshop_id, wait)

    def _trailing_presence(self, workshop_id: str, wait: float) -> None:
        """Send the latest list once the interval since the last signal has passed."""
        self.server.sleep(wait)
        with self._presence_lock:
            present = self._presence_latest.pop(workshop_id, None)
            self._presence_sent_at[workshop_id] = time.monotonic()
            # Forget workshops that have been quiet for a while, so the map stays small.
            horizon = time.monotonic() - 10 * self.presence_interval
            for stale in [w for w, at in self._presence_sent_at.items() if at < horizon]:
                del self._presence_sent_at[stale]
        if present is not None:
            self._emit_presence(workshop_id, present)

    def _emit_presence(self, workshop_id: str, present: list[dict]) -> None:
        self.server.emit("presence", {"workshop": workshop_id, "present": present},
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


def init_app(app, config: Config) -> SocketIOPublisher:
    """Bind Socket.IO to the app and register the handlers."""
    from workshop.realtime.handlers import register_handlers

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
    )
    register_handlers(socketio)
    # Flask-SocketIO's test client only sees what is emitted while a handler runs, so tests
    # (testing=True) get every presence signal at once.
    return SocketIOPublisher(socketio, 0.0 if config.testing else config.presence_interval)
