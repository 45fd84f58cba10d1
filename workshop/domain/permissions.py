"""Who may do what: roles and the rules for changing someone's note."""

from __future__ import annotations

FACILITATOR = "facilitator"
PARTICIPANT = "participant"
OBSERVER = "observer"
ROLES = (FACILITATOR, PARTICIPANT, OBSERVER)

# Op types each role may send at all; finer rules (ownership) follow below.
_ALLOWED: dict[str, frozenset[str]] = {
    FACILITATOR: frozenset(
        {"persona.add", "persona.rename", "assumption.add", "assumption.edit",
         "assumption.delete", "vote.cast", "phase.set", "settings.update", "reveal",
         "timer.start", "timer.extend", "timer.stop", "group.add", "group.remove",
         "group.dissolve", "group.rename", "decision.set", "comment.add", "comment.delete",
         "invite.rotate", "participant.remove", "note.add", "note.edit", "note.delete",
         "notes.import", "evidence.link", "evidence.unlink", "document.create",
         "document.save", "document.picture", "document.sign", "document.agree",
         "persona.import"}
    ),
    PARTICIPANT: frozenset(
        {"assumption.add", "assumption.edit", "assumption.delete", "vote.cast", "comment.add",
         "comment.delete", "note.add", "note.edit", "note.delete", "notes.import",
         "evidence.link", "evidence.unlink", "document.save", "document.picture",
         "document.sign"}
    ),
    OBSERVER: frozenset(),
}


def may_send(role: str, op_type: str) -> bool:
    """Whether a role may send this op type at all."""
    return op_type in _ALLOWED.get(role, frozenset())


def may_change_note(role: str, actor_id: str, author_id: str) -> bool:
    """Authors change their own notes; the facilitator may change anyone's."""
    return role == FACILITATOR or (role == PARTICIPANT and actor_id == author_id)
