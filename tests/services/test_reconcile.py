"""Reconciliation: grouping duplicates, combined votes, decisions and threads."""

import pytest

from tests.helpers import add_note, comparable, make_member, make_workshop, send
from tests.reference_reducer import replay
from workshop.domain.grouping import combined_stance
from workshop.reads.divergence import divergence
from workshop.reads.snapshot import snapshot
from workshop.reads.sync import sync


@pytest.fixture
def room(backend):
    created = make_workshop(backend, teams=["Marketing", "Support"])
    room = {"id": created.id, "backend": backend,
            "facilitator": make_member(backend, created.facilitator_token, "Maria", ""),
            "ann": make_member(backend, created.invite_token, "Ann", "Marketing"),
            "sam": make_member(backend, created.invite_token, "Sam", "Support")}
    room["notes"] = [add_note(backend, created.id, room["ann"], text)["event"]["data"]
                     ["assumption"]["id"] for text in ("Saves money", "Wants cheaper bills",
                                                       "Hates phone calls")]
    return room


def do(room, who, type_, data):
    return send(room["backend"], room["id"], room[who]["id"], type_, data)


def board(room, who="facilitator"):
    return snapshot(room["backend"], room["id"], room[who])


@pytest.mark.parametrize("stances, combined", [
    (["agree", "agree"], "agree"),
    (["agree", "unsure"], "agree"),
    (["disagree", None], "disagree"),
    (["agree", "disagree"], "unsure"),
    (["unsure", "unsure"], "unsure"),
    ([None, None], None),
])
def test_a_persons_votes_on_grouped_notes_combine_into_one_stance(stances, combined):
    assert combined_stance(stances) == combined


def test_putting_one_note_onto_another_forms_a_titled_group(room):
    first, second, _ = room["notes"]
    ack = do(room, "facilitator", "group.add", {"assumption_id": second, "onto_id": first})
    assert ack["ok"] and ack["event"]["type"] == "assumptions.grouped"
    group = board(room)["groups"][0]
    assert group["title"] == "Saves money"
    grouped = {a["id"]: a["group_id"] for a in board(room)["assumptions"]}
    assert grouped[first] == grouped[second] == group["id"]


def test_a_group_counts_each_person_once(room):
    first, second, _ = room["notes"]
    do(room, "facilitator", "group.add", {"assumption_id": second, "onto_id": first})
    for note in (first, second):
        do(room, "ann", "vote.cast", {"assumption_id": note, "stance": "agree", "dots": 1})
    ack = do(room, "sam", "vote.cast", {"assumption_id": first, "stance": "disagree"})
    assert ack["event"]["data"]["group"]["votes"] == {
        "voters": 2, "dots": 2, "tally": {"Marketing": {"agree": 1, "disagree": 0, "unsure": 0},
                                          "Support": {"agree": 0, "disagree": 1, "unsure": 0}}}
    view = divergence(room["backend"], room["id"], room["facilitator"])
    titles = [item["text"] for item in view["items"]]
    assert titles[0] == "Saves money" and "Wants cheaper bills" not in titles
    assert view["items"][0]["kind"] == "group" and view["items"][0]["measures"]["contested"]


def test_a_group_of_one_dissolves_with_its_thread(room):
    first, second, _ = room["notes"]
    group_id = do(room, "facilitator", "group.add", {"assumption_id": second, "onto_id": first})[
        "event"]["data"]["groups"][0]["id"]
    do(room, "sam", "comment.add", {"target_type": "group", "target_id": group_id,
                                    "text": "Same idea"})
    ack = do(room, "facilitator", "group.remove", {"assumption_id": second})
    assert ack["event"]["data"]["removed"] == [group_id]
    state = board(room)
    assert state["groups"] == [] and state["comments"] == []
    assert all(a["group_id"] is None for a in state["assumptions"])


def test_moving_a_note_between_groups_and_dissolving(room):
    first, second, third = room["notes"]
    do(room, "facilitator", "group.add", {"assumption_id": second, "onto_id": first})
    do(room, "facilitator", "group.add", {"assumption_id": third, "onto_id": first})
    group_id = board(room)["groups"][0]["id"]
    assert do(room, "facilitator", "group.rename", {"id": group_id, "title": "Money matters"})[
        "ok"]
    assert board(room)["groups"][0]["title"] == "Money matters"
    do(room, "facilitator", "group.dissolve", {"id": group_id})
    assert board(room)["groups"] == []


@pytest.mark.parametrize("data, code", [
    ({"assumption_id": "A", "onto_id": "A"}, "invalid"),
    ({"assumption_id": "A", "onto_id": "missing"}, "not_found"),
])
def test_bad_grouping_is_refused(room, data, code):
    data = {k: room["notes"][0] if v == "A" else v for k, v in data.items()}
    assert do(room, "facilitator", "group.add", data)["error"]["code"] == code


def test_grouping_and_deciding_are_for_the_facilitator(room):
    first, second, _ = room["notes"]
    assert do(room, "ann", "group.add", {"assumption_id": second, "onto_id": first})[
        "error"]["code"] == "forbidden"
    assert do(room, "ann", "decision.set", {"target_type": "assumption", "target_id": first,
                                            "decision": "accepted"})["error"]["code"] == \
        "forbidden"


def test_a_decision_records_who_when_and_why_and_can_be_revisited(room):
    first = room["notes"][0]
    ack = do(room, "facilitator", "decision.set", {
        "target_type": "assumption", "target_id": first, "decision": "parked",
        "reason": "needs research"})
    decision = ack["event"]["data"]["decision"]
    assert decision["decision"] == "parked" and decision["reason"] == "needs research"
    assert decision["by"] == room["facilitator"]["id"] and decision["at"].endswith("Z")
    ack = do(room, "facilitator", "decision.set", {
        "target_type": "assumption", "target_id": first, "decision": "reworded",
        "text": "Wants predictable bills"})
    assert ack["event"]["data"]["previous"]["decision"] == "parked"
    note = board(room)["assumptions"][0]
    assert note["text"] == "Saves money"  # the original wording is kept
    assert note["decision"]["text"] == "Wants predictable bills"
    reopened = do(room, "facilitator", "decision.set", {
        "target_type": "assumption", "target_id": first, "decision": None})
    assert reopened["ok"] and board(room)["assumptions"][0]["decision"] is None


@pytest.mark.parametrize("data, fragment", [
    ({"decision": "reworded"}, "new wording"),
    ({"decision": "accepted", "text": "x"}, "only a rewording"),
    ({"decision": "maybe"}, "decision"),
])
def test_bad_decisions_are_refused(room, data, fragment):
    ack = do(room, "facilitator", "decision.set", {
        "target_type": "assumption", "target_id": room["notes"][0], **data})
    assert ack["error"]["code"] == "invalid" and fragment in ack["error"]["message"]


def test_a_grouped_note_is_decided_through_its_group(room):
    first, second, _ = room["notes"]
    group_id = do(room, "facilitator", "group.add", {"assumption_id": second, "onto_id": first})[
        "event"]["data"]["groups"][0]["id"]
    assert do(room, "facilitator", "decision.set", {
        "target_type": "assumption", "target_id": first, "decision": "accepted"})[
        "error"]["code"] == "conflict"
    assert do(room, "facilitator", "decision.set", {
        "target_type": "group", "target_id": group_id, "decision": "accepted"})["ok"]
    assert board(room)["groups"][0]["decision"]["decision"] == "accepted"
    assert do(room, "ann", "assumption.delete", {"id": first})["error"]["code"] == "conflict"


def test_threads_take_comments_from_everyone_and_removal_by_author(room):
    first = room["notes"][0]
    ack = do(room, "sam", "comment.add", {"target_type": "assumption", "target_id": first,
                                          "text": "Support hears the opposite"})
    comment_id = ack["event"]["data"]["comment"]["id"]
    assert [c["text"] for c in board(room, "ann")["comments"]] == ["Support hears the opposite"]
    assert do(room, "ann", "comment.delete", {"id": comment_id})["error"]["code"] == "forbidden"
    assert do(room, "sam", "comment.delete", {"id": comment_id})["ok"]
    assert board(room)["comments"] == []


def test_the_log_of_a_reconciliation_replays_into_the_snapshot(room):
    first, second, third = room["notes"]
    do(room, "facilitator", "group.add", {"assumption_id": second, "onto_id": first})
    group_id = board(room)["groups"][0]["id"]
    do(room, "ann", "vote.cast", {"assumption_id": first, "stance": "agree", "dots": 2})
    do(room, "sam", "comment.add", {"target_type": "group", "target_id": group_id,
                                    "text": "Agreed"})
    do(room, "sam", "comment.add", {"target_type": "assumption", "target_id": third,
                                    "text": "Gone soon"})
    do(room, "facilitator", "decision.set", {"target_type": "group", "target_id": group_id,
                                             "decision": "accepted", "reason": "all agree"})
    do(room, "facilitator", "group.add", {"assumption_id": third, "onto_id": first})
    do(room, "facilitator", "group.remove", {"assumption_id": third})
    do(room, "ann", "assumption.delete", {"id": third})
    for who in ("facilitator", "ann", "sam"):
        log = sync(room["backend"], room["id"], room[who], 0)["events"]
        assert replay(log) == comparable(board(room, who)), who
