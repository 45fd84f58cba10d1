"""Socket.IO: the extension object, bound by the app factory, and its publisher."""

from __future__ import annotations

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
    """Publishes to Socket.IO rooms (through the message queue when one is configured)."""

    def __init__(self, server: SocketIO):
        self.server = server

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
        """Send the presence list to the workshop's room."""
        self.server.emit("presence", {"workshop": workshop_id, "present": present},
                         to=workshop_room(workshop_id))


def init_app(app, config: Config) -> SocketIOPublisher:
    """Bind Socket.IO to the app and register the handlers."""
    from workshop.realtime.handlers import register_handlers

    socketio.init_app(
        app,
        async_mode=config.async_mode,
        message_queue=config.message_queue,
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
    return SocketIOPublisher(socketio)
