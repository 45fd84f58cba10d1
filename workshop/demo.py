"""A realistic demo workshop, created through the same services as real use."""

from __future__ import annotations

from sqlalchemy import select

from workshop.domain.tokens import make_token, new_id
from workshop.models import Workshop
from workshop.ops.apply import apply_op
from workshop.reads.snapshot import snapshot
from workshop.services import workshops
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


# (title, source type, date, respondents, tags, author index, Markdown body)
_RESEARCH = [
    ("Home visit: Anouk in Utrecht", "interview", "2026-10-07", 1, ["home visit", "Utrecht"], 1,
     "Visited Anouk at home (terraced house, 1972).\n\n"
     "- She has a folder of quotes for a heat pump but **does not trust them**: \"every "
     "installer says something else\".\n"
     "- She wants to know *which step pays back first* and asked twice what it costs per month."
     "\n- She reads reviews in the evening on her phone and decides with her partner at the "
     "weekend.\n\n> \"Just tell me what to do first, in euros.\""),
    ("Energy bill survey, October", "survey", "2026-10-20", 412, ["survey", "bills"], 0,
     "Online panel, homeowners and renters.\n\n"
     "| Answer | Share |\n|---|---|\n| Wants advice on the first step | 61% |\n"
     "| Prefers WhatsApp for questions | 44% |\n| Prefers phone calls | 12% |\n"
     "| Reads our newsletter | 9% |\n\n"
     "Renters mostly cannot change the heating themselves; **thermostat settings** are a "
     "frequent source of conflict in shared houses."),
    ("Support tickets Q3", "support", "2026-09-30", None, ["tickets", "installers"], 1,
     "318 tickets. The top three themes:\n\n1. Installers who do not show up or are late "
     "(27%).\n2. Questions about the payback of measures (19%).\n3. Complaints about "
     "pushy sales calls (9%)."),
]

# (research index, note index, relation, quote)
_EVIDENCE = [
    (0, 2, "supports", "which step pays back first"),
    (0, 6, "supports", "She reads reviews in the evening on her phone"),
    (1, 7, "supports", "Prefers WhatsApp for questions"),
    (2, 4, "supports", "Installers who do not show up or are late"),
    (0, 3, "supports", "does not trust them"),
    (2, 9, "supports", "Complaints about pushy sales calls"),
    (1, 8, "contradicts", "Reads our newsletter"),
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
    personas = [snapshot(backend, created.id, facilitator)["personas"][0]["id"]]
    _op(backend, created.id, facilitator["id"], "persona.rename",
        {"id": personas[0], "name": "Anouk, the busy homeowner"})
    added = _op(backend, created.id, facilitator["id"], "persona.add",
                {"name": "Ruben, the student renter"})
    personas.append(added["event"]["data"]["persona"]["id"])
    notes = [_op(backend, created.id, people[author]["id"], "assumption.add",
                 {"persona_id": personas[persona], "category": category,
                  "text": text})["event"]["data"]["assumption"]["id"]
             for persona, category, author, text in _NOTES]
    research = []
    for title, source_type, date, respondents, tags, author, body in _RESEARCH:
        data = {"title": title, "source_type": source_type, "date": date, "tags": tags,
                "body": body}
        if respondents is not None:
            data["respondents"] = respondents
        research.append(_op(backend, created.id, people[author]["id"], "research_note.add",
                            data)["event"]["data"]["note"]["id"])
    for source, note, relation, quote in _EVIDENCE:
        _op(backend, created.id, facilitator["id"], "evidence.link", {
            "note_id": research[source], "assumption_id": notes[note], "relation": relation,
            "quote": quote})
    return created.facilitator_token


def _op(backend: Backend, workshop_id: str, actor_id: str, type_: str, data: dict) -> dict:
    ack = apply_op(backend, workshop_id, actor_id,
                       {"op_id": new_id(), "type": type_, "data": data})
    if not ack["ok"]:
        raise RuntimeError(f"demo op {type_} failed: {ack['error']}")
    return ack
