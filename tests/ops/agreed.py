"""An agreed persona to work on after the workshop: three accepted notes, one with research."""

from __future__ import annotations

from tests.helpers import add_note, add_research, make_room, send
from workshop.reads.snapshot import snapshot


def agreed_room(backend) -> dict:
    """A room (Maria facilitates, Sam and Lotte take part) whose persona has an agreed
    version 1 with the traits `a:<id>` of "Pays by phone", "Hates forms" and "Cycles"; the
    second has a supporting research note (`research`)."""
    room = make_room(backend, "maria", "sam", "lotte")
    wid, maria, sam = room["id"], room["maria"], room["sam"]
    texts = ("Pays by phone", "Hates forms", "Cycles to work")
    notes = [add_note(backend, wid, sam, text)["event"]["data"]["assumption"]["id"]
             for text in texts]
    send(backend, wid, sam["id"], "vote.cast", {"assumption_id": notes[0], "stance": "agree",
                                                "dots": 3})
    room["research"] = add_research(backend, wid, sam, date="2026-11-01")
    assert send(backend, wid, sam["id"], "evidence.link", {
        "note_id": room["research"]["id"], "assumption_id": notes[1], "relation": "supports",
        "quote": "far too long"})["ok"]
    for note in notes:
        assert send(backend, wid, maria["id"], "decision.set", {
            "target_type": "assumption", "target_id": note, "decision": "accepted"})["ok"]
    persona = snapshot(backend, wid, maria)["personas"][0]["id"]
    send(backend, wid, maria["id"], "phase.set", {"phase": "merge"})
    assert send(backend, wid, maria["id"], "document.create", {"persona_id": persona})["ok"]
    assert send(backend, wid, maria["id"], "document.agree",
                {"persona_id": persona, "number": 1})["ok"]
    room.update(persona=persona, notes=notes, traits=[f"a:{n}" for n in notes])
    return room
