"""A realistic demo workshop, created through the same services as real use."""

from __future__ import annotations

from sqlalchemy import select

from workshop.domain.tokens import make_token, new_id
from workshop.models import Workshop
from workshop.services import ops, workshops
from workshop.services.backend import Backend

DEMO_TITLE = "Who is our customer? — the home energy coach"

_PEOPLE = [
    ("Lotte", "Marketing"),
    ("Sam", "Support"),
    ("Jeroen", "Sales"),
    ("Priya", "Product"),
]

# (persona index, category, author index, text)
_NOTES = [
    (0, "identity", 0, "Anouk, 38, owns a 1970s terraced house in Utrecht"),
    (0, "goals", 0, "Wants to cut the energy bill before winter without a big renovation"),
    (0, "needs", 1, "Needs to know which measure pays back first, in euros, not kWh"),
    (0, "fears", 1, "Afraid of being sold a heat pump she does not need"),
    (0, "fears", 2, "Worries installers will not show up on time"),
    (0, "motivations", 3, "Feels responsible for the climate her kids grow up in"),
    (0, "behaviours", 3, "Reads reviews on her phone in the evening, decides at the weekend"),
    (0, "channels", 1, "Prefers WhatsApp over phone calls for quick questions"),
    (0, "channels", 0, "Opens our newsletter when the subject line mentions savings"),
    (0, "tone", 0, "Plain, calm, no jargon; never pushy"),
    (0, "messages", 2, "Start small: a €50 step this month, a bigger one next year"),
    (1, "identity", 3, "Ruben, 23, rents a room in a shared student house"),
    (1, "needs", 3, "Needs tips that work without the landlord's permission"),
    (1, "desires", 0, "Would love to see how his house compares with the neighbours"),
    (1, "fears", 1, "Fears arguments with housemates about the thermostat"),
]


def find_demo(backend: Backend) -> str | None:
    """The facilitator token of the oldest demo workshop, if one exists."""
    with backend.db.reading() as session:
        workshop = session.scalars(select(Workshop).where(Workshop.title == DEMO_TITLE)
                                   .order_by(Workshop.created_at)).first()
        return make_token(workshop.id, workshop.facilitator_secret) if workshop else None


def seed_demo(backend: Backend) -> str:
    """Create the demo workshop and return its facilitator token."""
    created = workshops.create_workshop(backend, {
        "title": DEMO_TITLE,
        "context": "We are launching an app that coaches households to save energy. "
                   "Before we design the onboarding, we want one shared picture of who "
                   "we build it for — and to see where our teams disagree.",
        "teams": [team for _, team in _PEOPLE],
    })
    facilitator = workshops.join_workshop(
        backend, {"token": created.facilitator_token, "name": "Maria", "team": ""})
    people = [workshops.join_workshop(backend, {"token": created.invite_token, "name": name,
                                                "team": team}) for name, team in _PEOPLE]
    snapshot = workshops.snapshot(backend, created.id, facilitator)
    personas = [snapshot["personas"][0]["id"]]
    _op(backend, created.id, facilitator["id"], "persona.rename",
        {"id": personas[0], "name": "Anouk, the busy homeowner"})
    added = _op(backend, created.id, facilitator["id"], "persona.add",
                {"name": "Ruben, the student renter"})
    personas.append(added["event"]["data"]["persona"]["id"])
    for persona, category, author, text in _NOTES:
        _op(backend, created.id, people[author]["id"], "assumption.add",
            {"persona_id": personas[persona], "category": category, "text": text})
    return created.facilitator_token


def _op(backend: Backend, workshop_id: str, actor_id: str, type_: str, data: dict) -> dict:
    ack = ops.apply_op(backend, workshop_id, actor_id,
                       {"op_id": new_id(), "type": type_, "data": data})
    if not ack["ok"]:
        raise RuntimeError(f"demo op {type_} failed: {ack['error']}")
    return ack
