"""A workshop with an agreed persona, for the share link, API token and webhook tests."""

from __future__ import annotations

from tests.helpers import add_note, make_member, make_workshop, send
from workshop.reads.snapshot import snapshot


def agreed_room(backend, anonymous: bool = False) -> dict:
    """One accepted note merged into an agreed version 1 named Anouk."""
    created = make_workshop(backend, teams=["Marketing", "Support"])
    maria = make_member(backend, created.facilitator_token, "Maria", "")
    sam = make_member(backend, created.invite_token, "Sam", "Support")
    wid = created.id
    if anonymous:
        assert send(backend, wid, maria["id"], "settings.update", {"anonymous": True})["ok"]
    note = add_note(backend, wid, sam, "Pays every bill on her phone", "behaviours")
    note_id = note["event"]["data"]["assumption"]["id"]
    assert send(backend, wid, maria["id"], "decision.set", {
        "target_type": "assumption", "target_id": note_id, "decision": "accepted",
        "reason": ""})["ok"]
    assert send(backend, wid, maria["id"], "phase.set", {"phase": "merge"})["ok"]
    persona = snapshot(backend, wid, maria)["personas"][0]["id"]
    assert send(backend, wid, maria["id"], "document.create", {"persona_id": persona})["ok"]
    assert send(backend, wid, sam["id"], "document.save", {
        "persona_id": persona, "path": "identity.name", "value": "Anouk", "base_rev": 0})["ok"]
    assert send(backend, wid, maria["id"], "document.agree",
                {"persona_id": persona, "number": 1})["ok"]
    return {"id": wid, "created": created, "maria": maria, "sam": sam, "persona": persona}


def share(backend, room: dict, **data) -> str:
    """Create a share link and answer its id."""
    ack = send(backend, room["id"], room["maria"]["id"], "share.create",
               {"persona_id": room["persona"], **data})
    assert ack["ok"], ack
    return ack["event"]["data"]["id"]
