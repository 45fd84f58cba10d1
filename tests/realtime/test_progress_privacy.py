"""Progress without content: counts of notes and votes, and "I'm done", never text or stances.

The facilitator sees how far each person and team has got while notes are private and votes
blind. Everything another participant can receive (events, acks, snapshot, both syncs, the
board page, and the progress answer itself) is searched for the hidden text and stances.
"""

import json
import uuid

from tests.realtime import test_visibility
from tests.realtime.test_handlers import events_of, op
from tests.realtime.test_visibility import everything_seen_by, facilitate

room = test_visibility.room  # the same three people at a board, both kinds of connection


def progress_of(room, name):
    browser = room["browsers"][name]
    answer = browser.get(f"/api/workshops/{room['id']}/progress")
    assert answer.status_code == 200, answer.get_json()
    return answer.get_json()


def write(room, name, text, category="goals"):
    ack = op(room["socks"][name], "assumption.add",
             {"persona_id": room["persona"], "category": category, "text": text})
    assert ack["ok"], ack
    return ack["event"]["data"]["assumption"]["id"]


def test_private_notes_are_counted_per_person_and_team_but_never_shown(room):
    facilitate(room, "settings.update", {"private_collect": True})
    secret = f"secret-{uuid.uuid4().hex}"
    for i in range(3):
        write(room, "sam", f"{secret}-{i}")
    write(room, "lotte", f"{secret}-lotte")
    members = room["members"]

    counts = progress_of(room, "facilitator")
    assert counts["notes"]["total"] == 4
    assert counts["notes"]["by_team"] == {"Marketing": 1, "Support": 3}
    assert counts["notes"]["by_person"][members["sam"]["id"]] == 3
    assert counts["notes"]["by_person"][members["lotte"]["id"]] == 1
    assert counts["votes"]["notes"] == 0  # private notes cannot be voted on yet

    for name in ("facilitator", "lotte"):
        seen = everything_seen_by(room, name) + json.dumps(progress_of(room, name))
        assert secret + "-0" not in seen and secret + "-1" not in seen, name


def test_blind_votes_are_counted_per_voter_never_by_stance(room):
    facilitate(room, "settings.update", {"blind_voting": True})
    notes = [write(room, "lotte", f"public {i}") for i in range(3)]
    for note in notes[:2]:
        ack = op(room["socks"]["sam"], "vote.cast",
                 {"assumption_id": note, "stance": "disagree", "dots": 3 if note == notes[0]
                  else 0})
        assert ack["ok"], ack
    counts = progress_of(room, "facilitator")
    assert counts["votes"] == {"notes": 3, "by_person": {
        room["members"]["facilitator"]["id"]: 0, room["members"]["sam"]["id"]: 2,
        room["members"]["lotte"]["id"]: 0}}

    # Changing a stance changes no count: the counts cannot tell which way anyone voted.
    op(room["socks"]["sam"], "vote.cast", {"assumption_id": notes[1], "stance": "agree"})
    assert progress_of(room, "facilitator")["votes"] == counts["votes"]
    for name in ("facilitator", "lotte"):
        seen = everything_seen_by(room, name) + json.dumps(progress_of(room, name))
        assert "disagree" not in seen and '"dots": 3' not in seen, name


def test_anonymous_authors_are_counted_only_in_total(room):
    facilitate(room, "settings.update", {"private_collect": True, "anonymous": True})
    write(room, "sam", "one")
    notes = progress_of(room, "facilitator")["notes"]
    assert notes == {"total": 1, "by_team": None, "by_person": None}


def test_saying_done_reaches_everyone_and_a_new_phase_clears_it(room):
    sam = room["members"]["sam"]["id"]
    ack = op(room["socks"]["sam"], "done.set", {"done": True})
    assert ack["ok"] and ack["event"]["data"] == {"participant_id": sam, "done": True,
                                                 "phase": "collect"}
    seen = events_of(room["socks"]["facilitator"])
    assert seen[-1]["type"] == "done.changed" and seen[-1]["data"]["participant_id"] == sam
    assert progress_of(room, "facilitator")["done"] == [sam]
    snapshot = room["browsers"]["lotte"].get(f"/api/workshops/{room['id']}").get_json()
    assert snapshot["done"] == [sam]

    facilitate(room, "phase.set", {"phase": "vote"})
    assert progress_of(room, "facilitator")["done"] == []
    snapshot = room["browsers"]["lotte"].get(f"/api/workshops/{room['id']}").get_json()
    assert snapshot["done"] == []


def test_strangers_get_no_counts(room, client):
    assert client.get(f"/api/workshops/{room['id']}/progress").status_code == 401
