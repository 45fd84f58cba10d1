"""The names of the Socket.IO rooms a connection joins and the publisher sends to."""

from __future__ import annotations


def workshop_room(workshop_id: str) -> str:
    """The room every connection of a workshop joins."""
    return f"w:{workshop_id}"


def participant_room(participant_id: str) -> str:
    """The room of all of one participant's connections (e.g. two tabs)."""
    return f"p:{participant_id}"


# Connections receive the log one event per message (`event`, the default) or in batches
# (`events`, asked for at connect); each kind has its own rooms because each is sent the
# same entries in a different order (see SocketIOPublisher.send_events).

def events_room(workshop_id: str, batched: bool) -> str:
    """The room in which a workshop's connections of one kind get the public forms."""
    return f"{'wb' if batched else 'we'}:{workshop_id}"


def own_forms_room(participant_id: str, batched: bool) -> str:
    """The room in which one participant's connections of one kind get their own forms."""
    return f"{'pb' if batched else 'pe'}:{participant_id}"
