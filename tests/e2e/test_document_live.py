"""Co-editing the persona document over real Socket.IO connections to a real server.

Two editors save the same field from the same revision at the same moment: exactly one
save wins, and the other editor is told, with both versions in hand. Nothing disappears
silently, and every client ends with the same document.
"""

from __future__ import annotations

import threading

import pytest

from tests.e2e.conftest import ASYNC_MODES
from tests.e2e.test_live_sync import create_workshop, join  # noqa: F401 - join is a fixture

pytestmark = [pytest.mark.live,
              pytest.mark.parametrize("live_server", ASYNC_MODES, indirect=True)]


@pytest.fixture
def editors(live_server, join):  # noqa: F811 - the fixture imported above
    """A facilitator and two participants, with the persona document created."""
    created = create_workshop(live_server.url)
    maria = join(created["facilitator_url"], "Maria", "")
    sam = join(created["invite_url"], "Sam", "Support")
    lotte = join(created["invite_url"], "Lotte", "Marketing")
    persona = maria.state["personas"][0]["id"]
    assert maria.op("phase.set", {"phase": "merge"})["ok"]
    ack = maria.op("document.create", {"persona_id": persona})
    assert ack["ok"], ack
    for member in (maria, sam, lotte):
        member.wait_for_seq(ack["seq"])
    return {"maria": maria, "sam": sam, "lotte": lotte, "persona": persona}


def document_of(member) -> dict:
    with member.changed:
        return member.state["documents"][0]


def test_two_saves_from_the_same_revision_one_wins_and_the_other_is_told(editors):
    sam, lotte, persona = editors["sam"], editors["lotte"], editors["persona"]
    base = document_of(sam)["revisions"]["identity.quote"]["rev"]
    start = threading.Barrier(2)
    acks: dict[str, dict] = {}

    def save(member, text):
        start.wait()
        acks[member.participant["name"]] = member.op("document.save", {
            "persona_id": persona, "path": "identity.quote", "value": text,
            "base_rev": base})

    threads = [threading.Thread(target=save, args=(sam, "Just let me pay")),
               threading.Thread(target=save, args=(lotte, "Keep it simple"))]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(10)

    won = [name for name, ack in acks.items() if ack["ok"]]
    lost = [name for name, ack in acks.items() if not ack["ok"]]
    assert len(won) == 1 and len(lost) == 1, acks
    refusal = acks[lost[0]]["error"]
    winner_text = {"Sam": "Just let me pay", "Lotte": "Keep it simple"}[won[0]]
    loser_text = {"Sam": "Just let me pay", "Lotte": "Keep it simple"}[lost[0]]
    assert refusal["code"] == "conflict"
    assert refusal["details"]["current"]["value"] == winner_text  # theirs, to merge with
    assert refusal["details"]["yours"] == loser_text  # and yours, not lost

    # The loser merges both and saves on top of the winner's revision: it goes through.
    loser = sam if lost[0] == "Sam" else lotte
    merged = loser.op("document.save", {
        "persona_id": persona, "path": "identity.quote",
        "value": f"{winner_text}. {loser_text}.",
        "base_rev": refusal["details"]["current"]["rev"]})
    assert merged["ok"], merged
    for member in (editors["maria"], sam, lotte):
        member.wait_for_seq(merged["seq"])
        assert document_of(member)["document"]["identity"]["quote"] == \
            f"{winner_text}. {loser_text}."


def test_saves_of_different_fields_at_once_both_persist(editors):
    sam, lotte, persona = editors["sam"], editors["lotte"], editors["persona"]
    start = threading.Barrier(2)
    acks = []

    def save(member, path, text):
        start.wait()
        acks.append(member.op("document.save", {"persona_id": persona, "path": path,
                                                "value": text, "base_rev": 0}))

    threads = [threading.Thread(target=save, args=(sam, "identity.role", "Night nurse")),
               threading.Thread(target=save, args=(lotte, "identity.location", "Utrecht"))]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(10)
    assert all(ack["ok"] for ack in acks), acks
    last = max(ack["seq"] for ack in acks)
    for member in (editors["maria"], sam, lotte):
        member.wait_for_seq(last)
        identity = document_of(member)["document"]["identity"]
        assert (identity["role"], identity["location"]) == ("Night nurse", "Utrecht")
    fresh = sam.fetch_snapshot()["documents"][0]["document"]["identity"]
    assert (fresh["role"], fresh["location"]) == ("Night nurse", "Utrecht")
