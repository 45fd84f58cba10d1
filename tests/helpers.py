"""Test helpers that create workshops, members and notes through the real services."""

from __future__ import annotations

import uuid

from workshop.ops.apply import apply_op
from workshop.reads.snapshot import snapshot
from workshop.services import workshops
from workshop.services.backend import Backend


def make_workshop(backend: Backend, title: str = "Who is our customer?",
                  teams: list[str] | None = None):
    """A new workshop; returns its CreatedWorkshop (ids and tokens)."""
    return workshops.create_workshop(
        backend, {"title": title, "teams": teams or ["Marketing", "Support"]})


def make_member(backend: Backend, token: str, name: str = "Sam", team: str = "Support") -> dict:
    """Join through a token; returns the participant."""
    return workshops.join_workshop(backend, {"token": token, "name": name, "team": team})


# The people the service tests meet: who joins through which link, with which team.
CAST = {"maria": ("facilitator_token", "Maria", ""), "sam": ("invite_token", "Sam", "Support"),
        "lotte": ("invite_token", "Lotte", "Marketing"), "olga": ("observer_token", "Olga", "")}


def make_room(backend: Backend, *people: str, **roles: str) -> dict:
    """A new workshop and people of the cast who joined it, by name (`"sam"`) or under a role
    (`facilitator="maria"`); answers {"id", "created", name or role: participant, …}."""
    created = make_workshop(backend)
    room = {"id": created.id, "created": created}
    for key, who in [(name, name) for name in people] + list(roles.items()):
        link, name, team = CAST[who]
        room[key] = make_member(backend, getattr(created, link), name, team)
    return room


def send(backend: Backend, workshop_id: str, actor_id: str | None, type_: str, data: dict,
         op_id: str | None = None) -> dict:
    """Apply one op and return its ack."""
    return apply_op(backend, workshop_id, actor_id,
                    {"op_id": op_id or uuid.uuid4().hex, "type": type_, "data": data})


def first_persona(backend: Backend, workshop_id: str, viewer: dict) -> str:
    """The id of the workshop's first persona."""
    return snapshot(backend, workshop_id, viewer)["personas"][0]["id"]


def add_note(backend: Backend, workshop_id: str, member: dict, text: str = "Wants less hassle",
             category: str = "goals", persona_id: str | None = None) -> dict:
    """Add a note and return the ack (asserting it succeeded)."""
    persona_id = persona_id or first_persona(backend, workshop_id, member)
    ack = send(backend, workshop_id, member["id"], "assumption.add",
               {"persona_id": persona_id, "category": category, "text": text})
    assert ack["ok"], ack
    return ack


def comparable(state: dict) -> dict:
    """The parts of a snapshot a replayed log must reproduce (not the viewer-specific ones)."""
    return {key: state[key] for key in ("workshop", "seq", "personas", "participants",
                                        "assumptions", "groups", "comments", "notes",
                                        "evidence", "documents", "versions", "usages",
                                        "questions", "done", "datasets",
                                        "segments", "ties", "claims")}


def add_research(backend: Backend, workshop_id: str, member: dict,
                 title: str = "Interview with Anna",
                 body: str = "Anna says the forms take **far too long** on her phone.",
                 source_type: str = "interview", **fields) -> dict:
    """Add a research note and return it (asserting it succeeded)."""
    ack = send(backend, workshop_id, member["id"], "research_note.add",
               {"title": title, "source_type": source_type, "body": body, **fields})
    assert ack["ok"], ack
    return ack["event"]["data"]["note"]
