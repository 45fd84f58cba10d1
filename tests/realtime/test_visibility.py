"""Private notes and blind votes never reach another participant before reveal.

Every payload a second participant receives — events, acks, snapshots, sync answers — is
collected and searched for the hidden text and stances; at reveal they all arrive.
"""

import json
import re
import uuid

import pytest

from tests.realtime.test_handlers import connect, create, drain, events_of, join, op, settle
from tests.reference_reducer import replay


@pytest.fixture(params=[False, True], ids=["one-per-message", "batched"])
def room(app, client, request):
    """Three people at a board; every test runs with connections of both kinds."""
    workshop_id, tokens = create(client)
    fac_browser, facilitator = join(app, tokens["facilitator"], "Maria", "")
    sam_browser, sam = join(app, tokens["invite"], "Sam", "Support")
    lotte_browser, lotte = join(app, tokens["invite"], "Lotte", "Marketing")
    browsers = {"facilitator": fac_browser, "sam": sam_browser, "lotte": lotte_browser}
    socks = {name: connect(app, browser, workshop_id, batch=request.param)
             for name, browser in browsers.items()}
    persona = lotte_browser.get(f"/api/workshops/{workshop_id}").get_json()["personas"][0]["id"]
    yield {"id": workshop_id, "socks": socks, "browsers": browsers, "persona": persona,
           "tokens": tokens,
           "members": {"facilitator": facilitator, "sam": sam, "lotte": lotte}}
    for sock in socks.values():
        if sock.is_connected():
            sock.disconnect()


def everything_seen_by(room, name, since=0):
    """All a participant's browser could know: received events, a snapshot, a sync answer."""
    sock, browser = room["socks"][name], room["browsers"][name]
    settle(sock.app)
    return json.dumps({
        "received": [m["args"] for m in sock.get_received()],
        "snapshot": browser.get(f"/api/workshops/{room['id']}").get_json(),
        "sync": sock.emit("sync", {"since": since}, callback=True),
        "http_sync": browser.get(f"/api/workshops/{room['id']}/events?since={since}").get_json(),
        "board": board_data(browser.get(f"/w/{room['id']}").get_data(as_text=True)),
    })


def board_data(page: str) -> str:
    """The board page without its interface text (the message catalogue says "disagree" as a
    button label; what matters is the data embedded in the page)."""
    return re.sub(r'<script type="application/json" id="messages">.*?</script>', "", page,
                  flags=re.S)


def facilitate(room, type_, data):
    ack = op(room["socks"]["facilitator"], type_, data)
    assert ack["ok"], ack
    return ack


def test_private_notes_reach_only_their_author_until_revealed(room):
    facilitate(room, "settings.update", {"private_collect": True})
    secret = f"secret-{uuid.uuid4().hex}"
    ack = op(room["socks"]["sam"], "assumption.add",
             {"persona_id": room["persona"], "category": "fears", "text": secret})
    assert ack["ok"] and ack["event"]["data"]["assumption"]["hidden"] is True
    note_id = ack["event"]["data"]["assumption"]["id"]
    edited = op(room["socks"]["sam"], "assumption.edit", {"id": note_id, "text": secret + "!"})
    assert edited["ok"]

    for name in ("lotte", "facilitator"):
        seen = everything_seen_by(room, name)
        assert secret not in seen and note_id not in seen, name
    assert secret in everything_seen_by(room, "sam")

    # Nobody else can touch or vote on what they cannot see.
    assert op(room["socks"]["lotte"], "vote.cast",
              {"assumption_id": note_id, "stance": "agree"})["error"]["code"] == "not_found"
    assert op(room["socks"]["facilitator"], "assumption.delete",
              {"id": note_id})["error"]["code"] == "not_found"

    drain(room["socks"]["lotte"])
    facilitate(room, "reveal", {"what": "notes"})
    revealed = events_of(room["socks"]["lotte"])
    assert revealed[-1]["type"] == "assumptions.revealed"
    assert revealed[-1]["data"]["assumptions"][0]["text"] == secret + "!"
    snapshot = room["browsers"]["lotte"].get(f"/api/workshops/{room['id']}").get_json()
    assert [a["text"] for a in snapshot["assumptions"]] == [secret + "!"]


def test_the_log_replayed_by_another_participant_equals_their_snapshot(room):
    facilitate(room, "settings.update", {"private_collect": True, "blind_voting": True})
    for name, text in (("sam", "Sam's private"), ("lotte", "Lotte's private")):
        op(room["socks"][name], "assumption.add",
           {"persona_id": room["persona"], "category": "goals", "text": text})
    for name in ("lotte", "sam", "facilitator"):
        browser = room["browsers"][name]
        log = browser.get(f"/api/workshops/{room['id']}/events?since=0").get_json()["events"]
        snapshot = browser.get(f"/api/workshops/{room['id']}").get_json()
        state = replay(log)
        assert state == {k: snapshot[k] for k in state}, name
    facilitate(room, "reveal", {"what": "notes"})
    for name in ("lotte", "sam", "facilitator"):
        browser = room["browsers"][name]
        log = browser.get(f"/api/workshops/{room['id']}/events?since=0").get_json()["events"]
        snapshot = browser.get(f"/api/workshops/{room['id']}").get_json()
        assert len(snapshot["assumptions"]) == 2
        assert replay(log) == {k: snapshot[k] for k in replay(log)}, name


def create_token(room, role):
    """A link token of the room's workshop, read from the facilitator's view of the links."""
    return room["tokens"][role]


def add_public_note(room, text="Prefers WhatsApp"):
    ack = op(room["socks"]["sam"], "assumption.add",
             {"persona_id": room["persona"], "category": "channels", "text": text})
    return ack["event"]["data"]["assumption"]["id"]


def test_blind_votes_show_only_how_many_voted_until_revealed(room):
    facilitate(room, "settings.update", {"blind_voting": True})
    note_id = add_public_note(room)
    ack = op(room["socks"]["sam"], "vote.cast",
             {"assumption_id": note_id, "stance": "disagree", "dots": 3})
    assert ack["ok"] and ack["event"]["data"]["my_vote"] == {"stance": "disagree", "dots": 3}
    assert ack["event"]["data"]["votes"] == {"voters": 1}

    for name in ("lotte", "facilitator"):
        seen = everything_seen_by(room, name)
        assert "disagree" not in seen and '"dots": 3' not in seen, name
        assert room["members"]["sam"]["id"] not in json.dumps(
            [e for e in json.loads(seen)["sync"]["events"] if e["type"] == "vote.cast"])
    votes = room["browsers"]["lotte"].get(f"/api/workshops/{room['id']}").get_json()
    assert votes["assumptions"][0]["votes"] == {"voters": 1}
    assert votes["assumptions"][0]["my_vote"] is None

    drain(room["socks"]["lotte"])
    facilitate(room, "reveal", {"what": "votes"})
    revealed = events_of(room["socks"]["lotte"])[-1]
    assert revealed["type"] == "votes.revealed"
    assert revealed["data"]["votes"][note_id] == {
        "voters": 1, "dots": 3, "tally": {"Support": {"agree": 0, "disagree": 1, "unsure": 0}}}


def test_the_dot_budget_is_enforced_on_the_server(room):
    facilitate(room, "settings.update", {"dot_budget": 4})
    first, second = add_public_note(room, "one"), add_public_note(room, "two")
    sam = room["socks"]["sam"]
    assert op(sam, "vote.cast", {"assumption_id": first, "stance": "agree", "dots": 3})["ok"]
    refused = op(sam, "vote.cast", {"assumption_id": second, "stance": "agree", "dots": 2})
    assert refused["error"] == {"code": "limit", "message": "you have 1 of 4 dots left",
                                "reason": "dots_left", "details": {"left": 1, "budget": 4}}
    assert op(sam, "vote.cast", {"assumption_id": second, "stance": "agree", "dots": 1})["ok"]
    # Moving dots: lowering them on one note frees them for another.
    assert op(sam, "vote.cast", {"assumption_id": first, "stance": "agree", "dots": 0})["ok"]
    assert op(sam, "vote.cast", {"assumption_id": second, "stance": "agree", "dots": 4})["ok"]


def test_a_stance_can_be_changed_and_retracted(room):
    note_id = add_public_note(room)
    sam = room["socks"]["sam"]
    op(sam, "vote.cast", {"assumption_id": note_id, "stance": "agree"})
    changed = op(sam, "vote.cast", {"assumption_id": note_id, "stance": "unsure"})
    assert changed["event"]["data"]["votes"]["tally"] == {
        "Support": {"agree": 0, "disagree": 0, "unsure": 1}}
    retracted = op(sam, "vote.cast", {"assumption_id": note_id, "stance": None})
    assert retracted["event"]["data"]["votes"] == {"voters": 0, "dots": 0, "tally": {}}
    assert retracted["event"]["data"]["my_vote"] is None


def test_anonymous_mode_sends_no_author_ids_to_others(room):
    facilitate(room, "settings.update", {"anonymous": True})
    note_id = add_public_note(room, "Anonymous belief")
    sam_id = room["members"]["sam"]["id"]
    op(room["socks"]["sam"], "assumption.edit", {"id": note_id, "text": "Still anonymous"})
    for name in ("lotte", "facilitator"):
        seen = everything_seen_by(room, name)
        assert "Still anonymous" in seen
        notes_and_events = json.loads(seen)
        assert all(a["author_id"] is None for a in notes_and_events["snapshot"]["assumptions"])
        assert sam_id not in json.dumps(notes_and_events["sync"]["events"][-2:]), name
    own = room["browsers"]["sam"].get(f"/api/workshops/{room['id']}").get_json()
    assert own["assumptions"][0]["author_id"] == sam_id  # authors still know their own notes


FACILITATOR_ONLY = [
    ("phase.set", {"phase": "vote"}),
    ("settings.update", {"blind_voting": True}),
    ("reveal", {"what": "votes"}),
    ("timer.start", {"seconds": 300}),
    ("timer.extend", {"seconds": 60}),
    ("timer.stop", {}),
    ("persona.add", {"name": "Ruben"}),
    ("persona.rename", {"id": "NOTE", "name": "Ruben"}),
    ("group.add", {"assumption_id": "NOTE", "onto_id": "NOTE"}),
    ("group.remove", {"assumption_id": "NOTE"}),
    ("group.dissolve", {"id": "NOTE"}),
    ("group.rename", {"id": "NOTE", "title": "x"}),
    ("decision.set", {"target_type": "assumption", "target_id": "NOTE",
                      "decision": "accepted"}),
]


@pytest.mark.parametrize("who", ["sam", "observer"])
@pytest.mark.parametrize("type_, data", FACILITATOR_ONLY)
def test_facilitator_only_ops_are_refused_for_participants_and_observers(app, room, who,
                                                                         type_, data):
    note_id = add_public_note(room)
    if who == "observer":
        browser, _ = join(app, create_token(room, "observer"), "Olga", "")
        room["browsers"]["observer"] = browser
        room["socks"]["observer"] = connect(app, browser, room["id"])
    data = {k: note_id if v == "NOTE" else v for k, v in data.items()}
    before = room["browsers"]["sam"].get(f"/api/workshops/{room['id']}").get_json()
    assert op(room["socks"][who], type_, data)["error"]["code"] == "forbidden"
    after = room["browsers"]["sam"].get(f"/api/workshops/{room['id']}").get_json()
    assert {k: v for k, v in after.items() if k != "server_time"} == {
        k: v for k, v in before.items() if k != "server_time"}


@pytest.mark.parametrize("changes, first, fragment", [
    ({"private_collect": False}, "private_note", "reveal the private notes"),
    ({"blind_voting": True}, "vote", "before anyone votes"),
    ({"blind_voting": False}, "blind_vote", "reveal the votes"),
    ({"anonymous": True}, "note", "before the first note"),
])
def test_settings_changes_that_would_leak_or_scramble_are_refused(room, changes, first,
                                                                  fragment):
    sam = room["socks"]["sam"]
    if first == "private_note":
        facilitate(room, "settings.update", {"private_collect": True})
        add_public_note(room)
    elif first == "blind_vote":
        facilitate(room, "settings.update", {"blind_voting": True})
        op(sam, "vote.cast", {"assumption_id": add_public_note(room), "stance": "agree"})
    elif first == "vote":
        op(sam, "vote.cast", {"assumption_id": add_public_note(room), "stance": "agree"})
    else:
        add_public_note(room)
    ack = op(room["socks"]["facilitator"], "settings.update", changes)
    assert ack["error"]["code"] == "conflict" and fragment in ack["error"]["message"]


def test_phases_and_the_timer_reach_everyone(room):
    facilitate(room, "phase.set", {"phase": "vote"})
    started = facilitate(room, "timer.start", {"seconds": 300})
    ends_at = started["event"]["data"]["timer"]["ends_at"]
    extended = facilitate(room, "timer.extend", {"seconds": 60})
    assert extended["event"]["data"]["timer"]["ends_at"] > ends_at
    snapshot = room["browsers"]["lotte"].get(f"/api/workshops/{room['id']}").get_json()
    assert snapshot["workshop"]["phase"] == "vote"
    assert snapshot["workshop"]["settings"]["timer"] == extended["event"]["data"]["timer"]
    assert "server_time" in snapshot
    facilitate(room, "timer.stop", {})
    assert op(room["socks"]["facilitator"], "timer.extend",
              {"seconds": 60})["error"]["code"] == "conflict"


def test_people_without_a_team_cannot_vote(room):
    note_id = add_public_note(room)
    ack = op(room["socks"]["facilitator"], "vote.cast", {"assumption_id": note_id,
                                                         "stance": "agree"})
    assert ack["error"]["code"] == "forbidden" and "team" in ack["error"]["message"]


def test_the_thread_of_a_private_note_arrives_with_it_at_reveal(room):
    facilitate(room, "settings.update", {"private_collect": True})
    ack = op(room["socks"]["sam"], "assumption.add",
             {"persona_id": room["persona"], "category": "fears", "text": "Private worry"})
    note_id = ack["event"]["data"]["assumption"]["id"]
    op(room["socks"]["sam"], "comment.add", {"target_type": "assumption", "target_id": note_id,
                                             "text": "Heard it twice"})
    assert "Heard it twice" not in everything_seen_by(room, "lotte")
    facilitate(room, "reveal", {"what": "notes"})
    browser = room["browsers"]["lotte"]
    log = browser.get(f"/api/workshops/{room['id']}/events?since=0").get_json()["events"]
    snapshot = browser.get(f"/api/workshops/{room['id']}").get_json()
    assert [c["text"] for c in snapshot["comments"]] == ["Heard it twice"]
    assert replay(log) == {k: snapshot[k] for k in replay(log)}


def test_revealing_votes_replays_into_the_snapshot_also_for_unvoted_notes(room):
    facilitate(room, "settings.update", {"blind_voting": True})
    voted, _unvoted = add_public_note(room, "voted"), add_public_note(room, "left alone")
    op(room["socks"]["lotte"], "vote.cast", {"assumption_id": voted, "stance": "agree"})
    facilitate(room, "reveal", {"what": "votes"})
    for name in ("lotte", "sam"):
        browser = room["browsers"][name]
        log = browser.get(f"/api/workshops/{room['id']}/events?since=0").get_json()["events"]
        snapshot = browser.get(f"/api/workshops/{room['id']}").get_json()
        assert replay(log) == {k: snapshot[k] for k in replay(log)}, name


def test_after_the_budget_is_lowered_voters_can_still_take_dots_back(room):
    note_id = add_public_note(room)
    sam = room["socks"]["sam"]
    assert op(sam, "vote.cast", {"assumption_id": note_id, "stance": "agree", "dots": 4})["ok"]
    facilitate(room, "settings.update", {"dot_budget": 2})
    assert op(sam, "vote.cast", {"assumption_id": note_id, "stance": "unsure"})["ok"]
    assert op(sam, "vote.cast", {"assumption_id": note_id, "stance": "agree", "dots": 3})["ok"]
    assert op(sam, "vote.cast", {"assumption_id": note_id, "stance": "agree",
                                 "dots": 4})["error"]["code"] == "limit"


def test_blind_voting_can_be_switched_off_again_before_anyone_voted(room):
    facilitate(room, "settings.update", {"blind_voting": True})
    assert op(room["socks"]["facilitator"], "settings.update", {"blind_voting": False})["ok"]
