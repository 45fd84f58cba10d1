"""Rotating a link and removing a participant: the old link and the removed cookie stop
working, and the removed person's open connections are cut by the server."""

import pytest

from tests.realtime.test_handlers import connect, create, drain, events_of, join, op


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
    drain(other_tab)
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


def test_removing_with_a_new_link_keeps_the_old_invite_from_letting_them_back(app, room):
    old = room["tokens"]["invite"]
    ack = op(room["facilitator"], "participant.remove",
             {"id": room["sam"]["id"], "rotate_link": True})
    assert ack["ok"] and ack["event"]["data"] == {"id": room["sam"]["id"],
                                                  "rotated": "participant"}
    assert old not in str(ack)  # the new secret never enters the log either
    # Sam's browser, back on the old invite link: no longer valid, nothing joined.
    browser = room["sam_browser"]
    assert browser.get(f"/join/{old}").status_code == 404
    assert browser.post("/api/join", json={"token": old, "name": "Sam",
                                           "team": "Support"}).status_code == 404
    links = room["fac_browser"].get(f"/api/workshops/{room['id']}/links").get_json()
    assert links["invite_url"].rsplit("/join/", 1)[1] != old
    # The observer's and the facilitator's links are untouched.
    assert room["tokens"]["observer"] in links["observer_url"]
    assert room["tokens"]["facilitator"] in links["facilitator_url"]


def test_without_a_new_link_the_old_invite_admits_them_as_someone_new(app, room):
    ack = op(room["facilitator"], "participant.remove", {"id": room["sam"]["id"]})
    assert ack["event"]["data"] == {"id": room["sam"]["id"]}
    again = room["sam_browser"].post("/api/join", json={
        "token": room["tokens"]["invite"], "name": "Sam", "team": "Support"})
    assert again.status_code == 201 and again.get_json()["participant"]["id"] != room["sam"]["id"]


def test_a_removed_persons_reload_says_they_were_removed(app, room):
    op(room["facilitator"], "participant.remove", {"id": room["sam"]["id"]})
    page = room["sam_browser"].get(f"/w/{room['id']}")
    assert page.status_code == 403
    assert "You were removed from this workshop" in page.get_data(as_text=True)
    stranger = app.test_client()  # someone who never joined is still asked to join
    assert "Join first" in stranger.get(f"/w/{room['id']}").get_data(as_text=True)
