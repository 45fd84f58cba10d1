"""A realistic board for the persona tests: three teams, twelve notes, a group, notes, links.

`snapshot()` has the shape of `services/board_state.read_board`; `research_notes()` and
`evidence_links()` the shapes of `workshop/services/shapes.research_note_view` / `link_view`.
Each call returns fresh copies, so a test may change what it gets.

What the board holds (persona "p1", the teams Marketing, Support, Product; two people each):
- identity: a1 accepted ("Runs a small bakery with two employees").
- goals: a2 accepted (all teams agree, 2 dots), a3 accepted (all agree, 5 dots),
  a4 reworded, a5 rejected.
- needs: group g1 of a6 + a7, accepted; a8 accepted but contested (Support disagrees).
- fears: a9 parked; a10 has no decision.
- channels: a11 accepted, contradicted by research.
- tone: nothing accepted (a12 rejected): the section is left out.
- persona "p2" has one accepted note, b1, that p1's document must not show.
"""

from __future__ import annotations

import copy

TEAMS = ["Marketing", "Support", "Product"]

PARTICIPANTS = [
    {"id": "fac", "name": "Fiona Facilitator", "team": "", "role": "facilitator",
     "removed": False},
    {"id": "m1", "name": "Mara", "team": "Marketing", "role": "participant", "removed": False},
    {"id": "m2", "name": "Milan", "team": "Marketing", "role": "participant", "removed": False},
    {"id": "s1", "name": "Sven", "team": "Support", "role": "participant", "removed": False},
    {"id": "s2", "name": "Sara", "team": "Support", "role": "participant", "removed": False},
    {"id": "p1x", "name": "Priya", "team": "Product", "role": "participant", "removed": False},
    {"id": "p2x", "name": "Paul", "team": "Product", "role": "participant", "removed": False},
]

CATEGORIES = [
    {"key": "identity", "label": "Identity & character", "prompt": ""},
    {"key": "goals", "label": "Goals", "prompt": ""},
    {"key": "needs", "label": "Needs", "prompt": ""},
    {"key": "motivations", "label": "Motivations", "prompt": ""},
    {"key": "fears", "label": "Fears & frustrations", "prompt": ""},
    {"key": "desires", "label": "Desires", "prompt": ""},
    {"key": "behaviours", "label": "Behaviours & habits", "prompt": ""},
    {"key": "channels", "label": "Contact & channels", "prompt": ""},
    {"key": "tone", "label": "Tone of voice", "prompt": ""},
    {"key": "messages", "label": "Core messages", "prompt": ""},
]


def votes(dots: int = 0, **teams: tuple[int, int, int]) -> dict:
    """A `votes` summary: teams given as (agree, disagree, unsure); voters = every stance."""
    tally = {team: {"agree": a, "disagree": d, "unsure": u}
             for team, (a, d, u) in sorted(teams.items())}
    voters = sum(a + d + u for a, d, u in teams.values())
    return {"voters": voters, "dots": dots, "tally": tally}


ALL_AGREE = {"Marketing": (2, 0, 0), "Support": (2, 0, 0), "Product": (2, 0, 0)}


def decision(kind: str, reason: str = "", text: str | None = None, seq: int = 90) -> dict:
    """A decision as `workshop/ops/reconcile.decision_set` records it (by the facilitator)."""
    return {"decision": kind, "reason": reason, "text": text, "by": "fac",
            "at": "2025-03-04T10:15:00Z", "seq": seq}


def note(id_: str, category: str, text: str, seq: int, author: str, vote: dict,
         decided: dict | None = None, group: str | None = None, persona: str = "p1") -> dict:
    """One sticky note in snapshot form."""
    return {"id": id_, "persona_id": persona, "category": category, "text": text, "seq": seq,
            "hidden": False, "group_id": group, "decision": decided, "author_id": author,
            "votes": vote, "my_vote": None}


def _assumptions() -> list[dict]:
    return [
        note("a1", "identity", "Runs a small bakery with two employees", 10, "m1",
             votes(1, **ALL_AGREE), decision("accepted", "Everyone has met her")),
        note("a2", "goals", "Wants to get paid faster by business customers", 11, "m2",
             votes(2, **ALL_AGREE), decision("accepted", "Clear in interviews")),
        note("a3", "goals", "Wants her books done without an accountant's help", 12, "s1",
             votes(5, **ALL_AGREE), decision("accepted", "")),
        note("a4", "goals", "wants growth", 13, "p1x",
             votes(0, Marketing=(2, 0, 0), Support=(1, 0, 1), Product=(2, 0, 0)),
             decision("reworded", "Too vague as written",
                      "Wants to open a second shop within two years")),
        note("a5", "goals", "Wants to become an influencer", 14, "m1",
             votes(0, Marketing=(1, 1, 0), Support=(0, 2, 0), Product=(0, 2, 0)),
             decision("rejected", "Nobody saw this in research")),
        note("a6", "needs", "Needs to see at a glance who still owes her money", 15, "s2",
             votes(1, Marketing=(1, 0, 0), Support=(2, 0, 0)), group="g1"),
        note("a7", "needs", "Overview of open invoices on the phone", 16, "p2x",
             votes(2, Product=(2, 0, 0), Marketing=(1, 0, 0)), group="g1"),
        note("a8", "needs", "Needs a chat with a human within minutes", 17, "s1",
             votes(3, Marketing=(2, 0, 0), Support=(0, 2, 0), Product=(2, 0, 0)),
             decision("accepted", "Product and Marketing saw it in interviews; Support keeps "
                                  "the concern about staffing")),
        note("a9", "fears", "Is afraid of <script>alert('x')</script> hidden fees", 18, "m2",
             votes(0, Marketing=(1, 0, 1)), decision("parked", "Check the survey first")),
        note("a10", "fears", "Fears losing data when the phone breaks", 19, "p1x",
             votes(0, Support=(1, 0, 0))),
        note("a11", "channels", "Prefers e-mail over phone calls", 20, "m1",
             votes(0, Marketing=(2, 0, 0), Support=(1, 0, 1), Product=(1, 1, 0)),
             decision("accepted", "")),
        note("a12", "tone", "=HYPERLINK(\"http://evil.example\",\"click\")", 21, "s2",
             votes(0, Support=(0, 1, 0)), decision("rejected", "Not a tone")),
        note("b1", "goals", "Wants cheaper card payments", 22, "m1",
             votes(0, **ALL_AGREE), decision("accepted", ""), persona="p2"),
    ]


def _groups() -> list[dict]:
    # Combined ballots of a6 + a7 (see domain/grouping.py): one vote per person.
    return [{"id": "g1", "persona_id": "p1", "category": "needs",
             "title": "Sees open invoices at a glance, also on the phone", "seq": 30,
             "decision": decision("accepted", "Seen in every support ticket cluster"),
             "votes": votes(3, Marketing=(1, 0, 0), Support=(2, 0, 0), Product=(2, 0, 0))}]


def snapshot() -> dict:
    """The whole board, as the facilitator sees it."""
    return copy.deepcopy({
        "workshop": {"id": "w1", "title": "Small business banking", "context": "",
                     "teams": list(TEAMS), "phase": "merge",
                     "settings": {"anonymous": False}},
        "seq": 120,
        "me": PARTICIPANTS[0],
        "categories": CATEGORIES,
        "personas": [{"id": "p1", "name": "Anouk the baker"}, {"id": "p2", "name": "Other"}],
        "participants": PARTICIPANTS,
        "assumptions": _assumptions(),
        "groups": _groups(),
        "comments": [],
    })


EXTRA_NOTES = [  # (category, text, Marketing, Support, Product, dots)
    ("identity", "Second-generation owner; took over from her father", (2, 0, 0), (1, 0, 1),
     (2, 0, 0), 0),
    ("motivations", "Pride in a product the neighbourhood loves", (2, 0, 0), (2, 0, 0),
     (1, 0, 1), 2),
    ("motivations", "Wants evenings with her family, not with admin", (2, 0, 0), (2, 0, 0),
     (2, 0, 0), 4),
    ("desires", "Invoices that chase themselves", (2, 0, 0), (1, 0, 1), (2, 0, 0), 3),
    ("behaviours", "Does the books on Sunday evening on her tablet", (1, 0, 1), (2, 0, 0),
     (2, 0, 0), 1),
    ("behaviours", "Checks the balance every morning before the suppliers come", (2, 0, 0),
     (2, 0, 0), (1, 1, 0), 0),
    ("channels", "Reads push notifications, ignores newsletters", (1, 0, 1), (2, 0, 0),
     (2, 0, 0), 1),
    ("tone", "Plain words, no banking jargon", (2, 0, 0), (2, 0, 0), (2, 0, 0), 2),
    ("messages", "Your money in on time, without chasing", (2, 0, 0), (1, 0, 1), (2, 0, 0), 2),
    ("messages", "A person to talk to when it matters", (1, 1, 0), (2, 0, 0), (2, 0, 0), 1),
]


def rich_snapshot() -> dict:
    """The fixture board with ten more accepted notes: a full persona, as most are."""
    board = snapshot()
    for n, (category, text, marketing, support, product, dots) in enumerate(EXTRA_NOTES):
        board["assumptions"].append(note(
            f"x{n}", category, text, 50 + n, PARTICIPANTS[1 + n % 6]["id"],
            votes(dots, Marketing=marketing, Support=support, Product=product),
            decision("accepted", "")))
    return board


def rich_document() -> dict:
    """The full persona's document with the same identity as `document()`."""
    from workshop.domain.merge import build_document

    doc = build_document(rich_snapshot(), "p1", research_notes(), evidence_links())
    return {**doc, "identity": document()["identity"]}


def research_notes() -> list[dict]:
    """Three research notes of the library."""
    return [
        {"id": "n1", "title": "Interviews with 8 bakery owners", "source_type": "interview",
         "date": "2025-01-20", "respondents": 8, "tags": ["bakery", "invoices"]},
        {"id": "n2", "title": "Support tickets Q4", "source_type": "support",
         "date": "2024-12-31", "respondents": None, "tags": ["tickets"]},
        {"id": "n3", "title": "Channel survey", "source_type": "survey", "date": None,
         "respondents": 412, "tags": []},
    ]


def evidence_links() -> list[dict]:
    """Four links: a2 and the group supported, a11 contradicted, a5 supported (rejected)."""
    return [
        {"id": "l1", "note_id": "n1", "target_type": "assumption", "target_id": "a2",
         "relation": "supports", "quote": "Six of eight wait more than 30 days for payment.",
         "author_id": "m1", "seq": 40},
        {"id": "l2", "note_id": "n2", "target_type": "assumption", "target_id": "a7",
         "relation": "supports", "quote": "\"Where do I see unpaid invoices?\" is the top "
                                          "question.", "author_id": "s1", "seq": 41},
        {"id": "l3", "note_id": "n3", "target_type": "assumption", "target_id": "a11",
         "relation": "contradicts", "quote": "61% prefer a phone call for urgent matters.",
         "author_id": "p1x", "seq": 42},
        {"id": "l4", "note_id": "n1", "target_type": "assumption", "target_id": "a5",
         "relation": "supports", "quote": "One owner posts daily on Instagram.",
         "author_id": "m2", "seq": 43},
    ]


def document() -> dict:
    """The merged document of persona p1 with its identity filled in, as people would."""
    from workshop.domain.merge import build_document, with_field

    doc = build_document(snapshot(), "p1", research_notes(), evidence_links())
    for path, value in {
        "identity.name": "Anouk de Vries",
        "identity.quote": "I bake bread, not spreadsheets.",
        "identity.story": "Anouk runs **De Korenbloem**, a bakery in Utrecht, with two "
                          "employees. Mornings start at four; the paperwork waits until "
                          "the kids are in bed.\n\nShe wants money in on time and no "
                          "surprises from the bank.",
        "identity.role": "Owner, artisan bakery",
        "identity.age_range": "35–45",
        "identity.location": "Utrecht, NL",
    }.items():
        doc = with_field(doc, path, value)
    return doc


def meta(status: str = "draft", version: int = 2) -> dict:
    """Export metadata as the services pass it."""
    return {"workshop_title": "Small business banking", "persona_name": "Anouk de Vries",
            "version": version, "status": status,
            "agreed_at": "2025-03-05T16:00:00Z" if status == "agreed" else None,
            "exported_at": "2025-03-06T09:30:00Z", "teams": list(TEAMS)}
