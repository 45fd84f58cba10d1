"""question.add / edit / remove, and a question closing itself when evidence is linked."""

import pytest

from tests.helpers import comparable, send
from tests.ops.agreed import agreed_room
from tests.reference_reducer import replay
from workshop.reads.snapshot import snapshot
from workshop.reads.sync import sync


@pytest.fixture
def room(backend):
    return agreed_room(backend)


def question(room, trait, **fields):
    return {"persona_id": room["persona"], "trait": trait,
            "question": "Do they really pay by phone?", "owner": "Lotte",
            "method": "5 customer interviews", "due": "2027-01-31", **fields}


def test_a_question_closes_when_evidence_is_linked_to_its_trait(backend, room):
    wid, sam = room["id"], room["sam"]
    ack = send(backend, wid, sam["id"], "question.add", question(room, room["traits"][0]))
    assert ack["ok"], ack
    asked = ack["event"]["data"]["question"]
    assert asked["closed_by"] is None and asked["owner"] == "Lotte"
    other = send(backend, wid, sam["id"], "question.add",
                 question(room, room["traits"][2]))["event"]["data"]["question"]
    link = send(backend, wid, sam["id"], "evidence.link", {
        "note_id": room["research"]["id"], "assumption_id": room["notes"][0],
        "relation": "contradicts", "quote": "on her phone"})
    assert link["event"]["data"]["closed_questions"] == [asked["id"]]
    state = snapshot(backend, wid, sam)
    closed = {q["id"]: q["closed_by"] for q in state["questions"]}
    assert closed == {asked["id"]: link["event"]["data"]["link"]["id"], other["id"]: None}
    assert replay(sync(backend, wid, sam, 0)["events"]) == comparable(state)


def test_a_tested_trait_gets_no_question(backend, room):
    ack = send(backend, room["id"], room["sam"]["id"], "question.add",
               question(room, room["traits"][1]))
    assert ack["error"]["reason"] == "question_trait_tested"


def test_edit_and_remove(backend, room):
    wid = room["id"]
    asked = send(backend, wid, room["sam"]["id"], "question.add",
                 question(room, room["traits"][0]))["event"]["data"]["question"]
    edited = send(backend, wid, room["sam"]["id"], "question.edit", {
        "id": asked["id"], "question": "How do they pay?", "owner": "Sam",
        "method": "Payment data", "due": "2027-02-28"})
    assert edited["ok"] and edited["event"]["data"]["question"]["owner"] == "Sam"
    assert send(backend, wid, room["sam"]["id"], "question.remove",
                {"id": asked["id"]})["error"]["code"] == "forbidden"
    assert send(backend, wid, room["maria"]["id"], "question.remove", {"id": asked["id"]})["ok"]
    assert snapshot(backend, wid, room["sam"])["questions"] == []


def test_a_bad_due_date_or_trait_is_refused(backend, room):
    bad = send(backend, room["id"], room["sam"]["id"], "question.add",
               question(room, room["traits"][0], due="2027-13-01"))
    assert "due: not a calendar date" in bad["error"]["message"]
    unknown = send(backend, room["id"], room["sam"]["id"], "question.add",
                   question(room, "a:nothing"))
    assert unknown["error"]["code"] == "invalid"
