"""Rotating a link and removing a participant: the old link and the removed cookie stop
working, and the removed person's open connections are cut by the server."""

import pytest

from tests.realtime.test_handlers import connect, create, events_of, join, op


@pytest.fixture
def room(app, client):
    workshop_id, tokens = create(client)
    fac_browser, facilitator = join(app, tokens["facilitator"], "Maria", "")
    sam_browser, sam = join(app, tokens["invite"], "Sam", "Support")
    return {"id": workshop_id, "tokens": tokens, "fac_browser": fac_browser,
            "facilitator": connect(app, fac_browser, workshop_id), "sam_browser": sam_browser,
            "sam": sam, "sam_sock": connect(app, sam_browser, workshop_id)}


def test_rotating_the_invite_retires_the_old_link(app, room):
    old = room["tokens"]["invite"]
    ack = op(room["facilitator"], "invite.rotate", {"role": "participant"})
    assert ack["ok"] and ack["event"]["data"] == {"role": "participant"}
    assert old not in str(ack)  # secrets never enter the log
    stranger = app.test_client()
    assert stranger.get(f"/join/{old}").status_code == 404
    assert stranger.post("/api/join", json={"token": old, "name": "Eve",
                                            "team": "Sales"}).status_code == 404
    links = room["fac_browser"].get(f"/api/workshops/{room['id']}/links").get_json()
    new = links["invite_url"].rsplit("/join/", 1)[1]
    assert new != old
    assert stranger.post("/api/join", json={"token": new, "name": "Eve",
                                            "team": "Sales"}).status_code == 201
    # People already in stay in.
    assert room["sam_browser"].get(f"/api/workshops/{room['id']}").status_code == 200


def test_only_the_facilitator_sees_and_rotates_links(room):
    assert room["sam_browser"].get(f"/api/workshops/{room['id']}/links").status_code == 403
    ack = op(room["sam_sock"], "invite.rotate", {"role": "participant"})
    assert ack["error"]["code"] == "forbidden"


def test_a_removed_participant_is_cut_off_everywhere(app, room):
    other_tab = connect(app, room["fac_browser"], room["id"])
    other_tab.get_received()
    ack = op(room["facilitator"], "participant.remove", {"id": room["sam"]["id"]})
    assert ack["ok"] and ack["event"]["data"] == {"id": room["sam"]["id"]}
    assert not room["sam_sock"].is_connected()  # the server closed the connection
    removed = [e for e in events_of(other_tab) if e["type"] == "participant.removed"]
    assert removed and removed[0]["data"] == {"id": room["sam"]["id"]}
    browser = room["sam_browser"]
    assert browser.get(f"/api/workshops/{room['id']}").status_code == 401
    assert browser.get(f"/w/{room['id']}").status_code == 403
    assert not connect(app, browser, room["id"]).is_connected()
    snapshot = room["fac_browser"].get(f"/api/workshops/{room['id']}").get_json()
    sam = next(p for p in snapshot["participants"] if p["id"] == room["sam"]["id"])
    assert sam["removed"] is True


@pytest.mark.parametrize("target, code", [("self", "conflict"), ("nobody", "not_found")])
def test_removing_yourself_or_nobody_is_refused(room, target, code):
    me = room["fac_browser"].get(f"/api/workshops/{room['id']}").get_json()["me"]["id"]
    ack = op(room["facilitator"], "participant.remove",
             {"id": me if target == "self" else "nobody"})
    assert ack["error"]["code"] == code
