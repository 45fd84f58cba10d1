"""persona.delete: a persona tab goes with everything on it, and only when that is safe."""

import pytest

from tests.helpers import add_note, add_research, comparable, make_member, make_workshop, send
from tests.reference_reducer import replay
from workshop.reads.snapshot import snapshot
from workshop.reads.sync import sync


@pytest.fixture
def room(backend):
    """A workshop with two personas; the second ("Ruben") carries a bit of everything."""
    created = make_workshop(backend)
    maria = make_member(backend, created.facilitator_token, "Maria", "Marketing")
    sam = make_member(backend, created.invite_token, "Sam", "Support")
    first = snapshot(backend, created.id, maria)["personas"][0]["id"]
    ruben = send(backend, created.id, maria["id"], "persona.add",
                 {"name": "Ruben"})["event"]["data"]["persona"]["id"]
    return {"id": created.id, "maria": maria, "sam": sam, "first": first, "ruben": ruben}


def _fill(backend, room):
    """Notes, a vote, a group with a thread, evidence and a draft document on Ruben."""
    wid, maria, sam, ruben = room["id"], room["maria"], room["sam"], room["ruben"]
    notes = [add_note(backend, wid, sam, text, persona_id=ruben)["event"]["data"]["assumption"]
             ["id"] for text in ("Rents a room", "Rents an attic", "Cycles to work")]
    send(backend, wid, sam["id"], "vote.cast",
         {"assumption_id": notes[2], "stance": "agree", "dots": 2})
    group = send(backend, wid, maria["id"], "group.add", {
        "assumption_id": notes[0], "onto_id": notes[1]})["event"]["data"]["groups"][0]["id"]
    send(backend, wid, sam["id"], "comment.add",
         {"target_type": "group", "target_id": group, "text": "Same thing"})
    research = add_research(backend, wid, sam)
    send(backend, wid, sam["id"], "evidence.link", {
        "note_id": research["id"], "assumption_id": notes[2], "relation": "supports",
        "quote": "far too long"})
    send(backend, wid, maria["id"], "phase.set", {"phase": "merge"})
    assert send(backend, wid, maria["id"], "document.create", {"persona_id": ruben})["ok"]
    return research


def test_a_persona_goes_with_everything_on_it_and_replay_still_equals_the_snapshot(
        backend, room):
    kept = add_note(backend, room["id"], room["sam"], "Pays by phone")["event"]["data"]
    research = _fill(backend, room)
    ack = send(backend, room["id"], room["maria"]["id"], "persona.delete",
               {"id": room["ruben"], "confirm": True})
    assert ack["ok"], ack
    assert ack["event"]["type"] == "persona.deleted"
    assert ack["event"]["data"] == {"id": room["ruben"], "previous": {"name": "Ruben"}}
    for viewer in (room["maria"], room["sam"]):
        state = snapshot(backend, room["id"], viewer)
        assert [p["id"] for p in state["personas"]] == [room["first"]]
        assert [a["id"] for a in state["assumptions"]] == [kept["assumption"]["id"]]
        assert state["groups"] == state["comments"] == state["evidence"] == []
        assert state["documents"] == state["versions"] == []
        assert [n["id"] for n in state["notes"]] == [research["id"]]  # the library stays
        events = sync(backend, room["id"], viewer, 0)["events"]
        assert replay(events) == comparable(state)
    # The dots spent on Ruben's notes are free again.
    assert send(backend, room["id"], room["sam"]["id"], "vote.cast", {
        "assumption_id": kept["assumption"]["id"], "stance": "agree", "dots": 5})["ok"]


def test_a_persona_with_notes_needs_confirm_and_an_empty_one_does_not(backend, room):
    add_note(backend, room["id"], room["sam"], "Rents a room", persona_id=room["ruben"])
    refused = send(backend, room["id"], room["maria"]["id"], "persona.delete",
                   {"id": room["ruben"]})
    assert refused["error"]["code"] == "conflict"
    assert refused["error"]["reason"] == "persona_delete_unconfirmed"
    empty = send(backend, room["id"], room["maria"]["id"], "persona.add",
                 {"name": "Empty"})["event"]["data"]["persona"]["id"]
    assert send(backend, room["id"], room["maria"]["id"], "persona.delete", {"id": empty})["ok"]


def test_private_notes_go_too_and_their_author_learns_only_the_persona(backend, room):
    send(backend, room["id"], room["maria"]["id"], "settings.update", {"private_collect": True})
    add_note(backend, room["id"], room["sam"], "Secret", persona_id=room["ruben"])
    # The facilitator cannot see the note, but it still needs confirming: it is deleted too.
    assert send(backend, room["id"], room["maria"]["id"], "persona.delete",
                {"id": room["ruben"]})["error"]["reason"] == "persona_delete_unconfirmed"
    ack = send(backend, room["id"], room["maria"]["id"], "persona.delete",
               {"id": room["ruben"], "confirm": True})
    assert ack["ok"] and ack["event"]["data"] == {"id": room["ruben"],
                                                  "previous": {"name": "Ruben"}}
    state = snapshot(backend, room["id"], room["sam"])
    assert state["assumptions"] == []
    assert replay(sync(backend, room["id"], room["sam"], 0)["events"]) == \
        comparable(state)


def test_the_last_persona_and_an_agreed_one_stay(backend, room):
    wid, maria = room["id"], room["maria"]
    send(backend, wid, maria["id"], "phase.set", {"phase": "merge"})
    send(backend, wid, maria["id"], "document.create", {"persona_id": room["ruben"]})
    send(backend, wid, maria["id"], "document.agree", {"persona_id": room["ruben"], "number": 1})
    agreed = send(backend, wid, maria["id"], "persona.delete",
                  {"id": room["ruben"], "confirm": True})
    assert agreed["error"]["code"] == "conflict"
    assert agreed["error"]["reason"] == "persona_agreed"
    assert send(backend, wid, maria["id"], "persona.delete",
                {"id": room["first"], "confirm": True})["ok"]
    last = send(backend, wid, maria["id"], "persona.delete",
                {"id": room["ruben"], "confirm": True})
    assert last["error"]["reason"] == "last_persona"
    assert [p["name"] for p in snapshot(backend, wid, maria)["personas"]] == ["Ruben"]


def test_a_persona_of_another_workshop_is_not_found(backend, room):
    other = make_workshop(backend, "Another company")
    eve = make_member(backend, other.facilitator_token, "Eve", "")
    ack = send(backend, other.id, eve["id"], "persona.delete",
               {"id": room["ruben"], "confirm": True})
    assert ack["error"]["code"] == "not_found"
