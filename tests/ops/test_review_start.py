"""review.start: the next draft of an agreed persona, for a review session."""

from tests.helpers import comparable, send
from tests.ops.agreed import agreed_room
from tests.reference_reducer import replay
from workshop.reads.snapshot import snapshot
from workshop.reads.sync import sync


def test_a_review_opens_version_2_as_agreed_and_takes_the_workshop_to_merge(backend):
    room = agreed_room(backend)
    wid, maria = room["id"], room["maria"]
    assert snapshot(backend, wid, maria)["workshop"]["phase"] == "agreed"
    ack = send(backend, wid, maria["id"], "review.start", {"persona_id": room["persona"]})
    assert ack["ok"], ack
    data = ack["event"]["data"]
    assert (data["number"], data["started"]["status"], data["phase"]) == (2, "draft", "merge")
    state = snapshot(backend, wid, maria)
    assert [v["status"] for v in state["versions"]] == ["agreed", "draft"]
    assert state["documents"][0]["document"] == snapshot(backend, wid, maria)["documents"][0][
        "document"]
    assert replay(sync(backend, wid, room["sam"], 0)["events"]) == comparable(
        snapshot(backend, wid, room["sam"]))


def test_a_draft_is_not_reviewed_and_a_participant_cannot_start_one(backend):
    room = agreed_room(backend)
    wid, maria = room["id"], room["maria"]
    assert send(backend, wid, room["sam"]["id"], "review.start",
                {"persona_id": room["persona"]})["error"]["code"] == "forbidden"
    assert send(backend, wid, maria["id"], "review.start", {"persona_id": room["persona"]})["ok"]
    again = send(backend, wid, maria["id"], "review.start", {"persona_id": room["persona"]})
    assert again["error"]["reason"] == "review_needs_agreed"
