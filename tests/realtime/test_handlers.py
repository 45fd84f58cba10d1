"""Socket.IO handlers through Flask-SocketIO's test client: connect, op, sync, presence."""

import gc
import sqlite3
import time
import uuid
from collections import Counter
from contextlib import closing

import pytest

from tests.presence_list import apply_delta
from workshop.db import sqlite_file
from workshop.reads.snapshot import snapshot
from workshop.realtime import socketio
from workshop.services.rate_limit import OpRateLimiter


def create(client, title="Who is our customer?"):
    response = client.post("/api/workshops", json={"title": title, "teams": ["Support",
                                                                           "Marketing"]})
    body = response.get_json()
    return body["id"], {role: body[f"{role}_url"].rsplit("/", 1)[1]
                        for role in ("facilitator", "invite", "observer")}


def join(app, token, name, team="Support"):
    """A browser: its own cookie jar, joined through a link."""
    browser = app.test_client()
    response = browser.post("/api/join", json={"token": token, "name": name, "team": team})
    assert response.status_code == 201, response.get_json()
    return browser, response.get_json()["participant"]


def connect(app, browser, workshop_id, batch=False):
    """A board's connection: one event per message, or batches (`events`) when asked."""
    auth = {"workshop": workshop_id, **({"batch": True} if batch else {})}
    return socketio.test_client(app, flask_test_client=browser, auth=auth)


def op(sock, type_, data, op_id=None):
    return sock.emit("op", {"op_id": op_id or uuid.uuid4().hex, "type": type_, "data": data},
                     callback=True)


def settle(app):
    """Wait until the app's outbox has sent every event queued so far (tests/outbox_watch.py):
    they go out batched, from the outbox's own task, a moment after the op's ack."""
    app.extensions["outbox_watch"].settle()


def drain(sock):
    """Forget what a connection received so far, once every queued event has reached it."""
    settle(sock.app)
    sock.get_received()


def events_of(sock, name="event"):
    """What a connection received under one name, once the outbox has sent every event
    queued so far; log events from `event` and `events` alike, in the order they arrived."""
    settle(sock.app)
    received = []
    for message in sock.get_received():
        if message["name"] == name:
            received.append(message["args"][0])
        elif name == "event" and message["name"] == "events":
            received.extend(message["args"][0]["events"])
    return received


def presence_until(sock, wanted, start=(), timeout=5.0):
    """The presence lists a connection holds, one after each `presence` or `presence_delta`
    it receives, starting from the list `start` it held before, gathered until the last one
    satisfies `wanted` or `timeout` passes.
    Deltas are coalesced: one can come up to `presence_interval` after the change
    (workshop/realtime/__init__.py). Other messages received meanwhile are dropped."""
    lists, deadline = [], time.monotonic() + timeout
    while not (lists and wanted(lists[-1])) and time.monotonic() < deadline:
        for message in sock.get_received():
            if message["name"] == "presence":
                lists.append(message["args"][0]["present"])
            elif message["name"] == "presence_delta":
                lists.append(apply_delta(lists[-1] if lists else list(start),
                                         message["args"][0]))
        time.sleep(0.01)
    return lists


def names(present):
    return sorted(p["name"] for p in present)


@pytest.fixture(params=[False, True], ids=["one-per-message", "batched"])
def session(app, client, request):
    """A workshop with a facilitator and two participants, each connected (every test runs
    with connections of both kinds)."""
    workshop_id, tokens = create(client)
    fac_browser, facilitator = join(app, tokens["facilitator"], "Maria", "")
    sam_browser, sam = join(app, tokens["invite"], "Sam", "Support")
    lotte_browser, lotte = join(app, tokens["invite"], "Lotte", "Marketing")
    socks = {name: connect(app, b, workshop_id, batch=request.param) for name, b in
             [("facilitator", fac_browser), ("sam", sam_browser), ("lotte", lotte_browser)]}
    persona_id = snapshot(app.extensions["workshop"], workshop_id, sam)["personas"][0]["id"]
    for sock in socks.values():
        drain(sock)
    yield {"id": workshop_id, "tokens": tokens, "persona": persona_id, "socks": socks,
           "sam": sam, "lotte": lotte, "facilitator": facilitator}
    for sock in socks.values():
        if sock.is_connected():
            sock.disconnect()


def note(persona_id, text="Prefers WhatsApp"):
    return {"persona_id": persona_id, "category": "channels", "text": text}


def test_a_connection_without_a_membership_cookie_is_refused(app, client):
    workshop_id, _ = create(client)
    stranger = socketio.test_client(app, flask_test_client=app.test_client(),
                                    auth={"workshop": workshop_id})
    assert not stranger.is_connected()


def test_a_connection_must_name_its_workshop(app, client):
    _, tokens = create(client)
    browser, _ = join(app, tokens["invite"], "Sam")
    assert not socketio.test_client(app, flask_test_client=browser, auth={}).is_connected()


@pytest.mark.parametrize("batch", ["yes", 1, None, {"on": True}])
def test_asking_for_batches_takes_true_or_false(app, client, batch):
    workshop_id, tokens = create(client)
    browser, _ = join(app, tokens["invite"], "Sam")
    refused = socketio.test_client(app, flask_test_client=browser,
                                   auth={"workshop": workshop_id, "batch": batch})
    assert not refused.is_connected()  # the message is checked over a real connection


def test_a_member_cannot_connect_to_another_workshop(app, client):
    _, tokens = create(client)
    other_id, _ = create(client, "Other")
    browser, _ = join(app, tokens["invite"], "Sam")
    assert not connect(app, browser, other_id).is_connected()


def test_an_op_is_acked_to_its_connection_and_broadcast_to_everyone_else(session):
    ack = op(session["socks"]["sam"], "assumption.add", note(session["persona"]))
    assert ack["ok"] is True and ack["event"]["type"] == "assumption.added"
    assert ack["event"]["data"]["assumption"]["text"] == "Prefers WhatsApp"
    for name in ("facilitator", "lotte"):
        received = events_of(session["socks"][name])
        assert [e["seq"] for e in received] == [ack["seq"]], name
        assert received[0]["data"]["assumption"]["text"] == "Prefers WhatsApp"
        assert set(received[0]) == {"seq", "type", "actor", "at", "op_id", "data"}
    assert events_of(session["socks"]["sam"]) == []  # the ack brought it


@pytest.mark.parametrize("batch", [False, True], ids=["one-per-message", "batched"])
def test_the_senders_other_tabs_get_its_own_form_and_the_sending_tab_only_the_ack(
        app, client, batch):
    workshop_id, tokens = create(client)
    browser, _ = join(app, tokens["invite"], "Sam", "Support")
    other_browser, _ = join(app, tokens["invite"], "Lotte", "Marketing")
    sending, second_tab = (connect(app, browser, workshop_id, batch=batch),
                           connect(app, browser, workshop_id, batch=batch))
    lotte = connect(app, other_browser, workshop_id, batch=batch)
    persona = snapshot(app.extensions["workshop"], workshop_id, None)["personas"][0]
    added = op(lotte, "assumption.add", note(persona["id"]))
    for sock in (sending, second_tab, lotte):
        drain(sock)
    ack = op(sending, "vote.cast", {"assumption_id": added["event"]["data"]["assumption"]["id"],
                                    "stance": "agree"})
    assert ack["event"]["data"]["my_vote"] == {"stance": "agree", "dots": 0}
    assert events_of(sending) == []
    own_then_public = events_of(second_tab)
    assert [e["seq"] for e in own_then_public] == [ack["seq"], ack["seq"]]
    assert own_then_public[0]["data"]["my_vote"] == {"stance": "agree", "dots": 0}
    assert "my_vote" not in own_then_public[1]["data"]
    public = events_of(lotte)
    assert [e["seq"] for e in public] == [ack["seq"]] and "my_vote" not in public[0]["data"]


def test_batching_and_one_per_message_boards_get_the_same_entries(app, client):
    workshop_id, tokens = create(client)
    old_browser, _ = join(app, tokens["invite"], "Sam", "Support")
    new_browser, _ = join(app, tokens["invite"], "Lotte", "Marketing")
    sender_browser, _ = join(app, tokens["invite"], "Maria", "Sales")
    one_by_one, batched = (connect(app, old_browser, workshop_id),
                           connect(app, new_browser, workshop_id, batch=True))
    sender = connect(app, sender_browser, workshop_id)
    persona = snapshot(app.extensions["workshop"], workshop_id, None)["personas"][0]
    for sock in (one_by_one, batched):
        drain(sock)
    first = op(sender, "assumption.add", note(persona["id"]))
    op(sender, "vote.cast", {"assumption_id": first["event"]["data"]["assumption"]["id"],
                             "stance": "agree"})
    settle(app)
    # Presence signals of the connections above may come in between: only the log counts.
    received_old, received_new = ([m for m in sock.get_received() if m["name"] != "presence"]
                                  for sock in (one_by_one, batched))
    assert {m["name"] for m in received_old} == {"event"}
    assert {m["name"] for m in received_new} == {"events"}
    batches = [m["args"][0]["events"] for m in received_new if m["name"] == "events"]
    assert [e["seq"] for batch in batches for e in batch] == [
        m["args"][0]["seq"] for m in received_old] == [first["seq"], first["seq"] + 1]


def test_events_do_not_leak_into_other_workshops(app, client, session):
    other_id, tokens = create(client, "Other")
    browser, _ = join(app, tokens["invite"], "Eve")
    outsider = connect(app, browser, other_id)
    drain(outsider)
    op(session["socks"]["sam"], "assumption.add", note(session["persona"]))
    assert events_of(outsider) == []


def test_error_acks_have_a_code_and_a_message_and_broadcast_nothing(session):
    ack = op(session["socks"]["sam"], "assumption.add", note(session["persona"], text=""))
    assert ack["ok"] is False
    assert ack["error"]["code"] == "invalid" and "text" in ack["error"]["message"]
    assert events_of(session["socks"]["lotte"]) == []


def test_a_participant_editing_someone_elses_note_is_refused(session):
    added = op(session["socks"]["sam"], "assumption.add", note(session["persona"]))
    note_id = added["event"]["data"]["assumption"]["id"]
    ack = op(session["socks"]["lotte"], "assumption.edit", {"id": note_id, "text": "Mine now"})
    assert ack["error"]["code"] == "forbidden"
    ack = op(session["socks"]["facilitator"], "assumption.edit", {"id": note_id, "text": "Tidy"})
    assert ack["ok"]


def test_observers_are_connected_but_every_op_is_refused(app, session):
    browser, _ = join(app, session["tokens"]["observer"], "Olga", "")
    observer = connect(app, browser, session["id"])
    assert observer.is_connected()
    drain(observer)
    for type_, data in [("assumption.add", note(session["persona"])),
                        ("persona.add", {"name": "Ruben"})]:
        assert op(observer, type_, data)["error"]["code"] == "forbidden"
    op(session["socks"]["sam"], "assumption.add", note(session["persona"]))
    assert len(events_of(observer)) == 1  # observers see everything live


def test_another_workshops_ids_are_not_found(app, client, session):
    other_id, tokens = create(client, "Other")
    browser, eve = join(app, tokens["invite"], "Eve")
    foreign_persona = snapshot(app.extensions["workshop"], other_id, eve)["personas"][0]["id"]
    ack = op(session["socks"]["facilitator"], "assumption.add", note(foreign_persona))
    assert ack["error"]["code"] == "not_found"


def test_a_removed_participant_is_refused_on_the_next_op(app, session):
    from workshop.models import Participant

    with app.extensions["workshop"].db.writing() as db_session:
        db_session.get(Participant, session["sam"]["id"]).removed = True
        db_session.commit()
    ack = op(session["socks"]["sam"], "assumption.add", note(session["persona"]))
    assert ack["error"]["code"] == "unauthenticated"


def test_a_retried_op_is_applied_once_and_broadcast_once(session):
    first = op(session["socks"]["sam"], "assumption.add", note(session["persona"]), op_id="a1")
    again = op(session["socks"]["sam"], "assumption.add", note(session["persona"]), op_id="a1")
    assert again["duplicate"] and again["seq"] == first["seq"]
    assert len(events_of(session["socks"]["lotte"])) == 1


def test_sync_answers_what_a_client_missed(session):
    lotte = session["socks"]["lotte"]
    start = lotte.emit("sync", {"since": 0}, callback=True)["seq"]
    lotte.disconnect()
    for i in range(3):
        op(session["socks"]["sam"], "assumption.add", note(session["persona"], f"n{i}"))
    lotte.connect(auth={"workshop": session["id"]})
    answer = lotte.emit("sync", {"since": start}, callback=True)
    assert answer["ok"] and answer["seq"] == start + 3
    assert [e["data"]["assumption"]["text"] for e in answer["events"]] == ["n0", "n1", "n2"]


def _cyclic_garbage_of(sock, persona_id: str) -> list:
    """What the cyclic GC finds unreachable after 30 events of one member (10 ops, 20 syncs:
    within the op rate limit)."""
    gc.collect()
    gc.set_debug(gc.DEBUG_SAVEALL)
    try:
        for i in range(10):
            assert op(sock, "assumption.add", note(persona_id, f"n{i}"))["ok"]
            assert sock.emit("sync", {"since": 0}, callback=True)["ok"]
            assert sock.emit("sync", {"since": i}, callback=True)["ok"]
        gc.collect()
        return list(gc.garbage)
    finally:
        gc.set_debug(0)
        gc.garbage.clear()


def test_handling_events_leaves_next_to_no_cyclic_garbage(session):
    """Each event's request context matches the Socket.IO URL's rule. A NotFound kept with
    its traceback would leave ~120 objects in reference cycles per event, which only the
    cyclic GC frees, in pauses that stall every connection."""
    sam, lotte = session["socks"]["sam"], session["socks"]["lotte"]
    op(sam, "assumption.add", note(session["persona"]))  # warm: first-use caches
    # Two rounds, and the smaller counts: what events leave comes back every round, while
    # objects of earlier tests that happen to be freed meanwhile (an engine's compiled
    # statements, once the test holding it is gone) show up in one round only.
    garbage = min((_cyclic_garbage_of(sock, session["persona"]) for sock in (sam, lotte)),
                  key=len)
    assert not [o for o in garbage if isinstance(o, BaseException)]
    # What is left is werkzeug's matcher: a recursive closure, 8 objects per match.
    assert len(garbage) / 30 <= 10, (len(garbage), Counter(
        type(o).__name__ for o in garbage).most_common(8))
    del garbage


def test_events_use_the_connections_session_without_opening_the_cookie_again(
        session, monkeypatch):
    """The cookie is read when the connection opens; each event then gets Flask-SocketIO's
    copy of that session at once, not a fresh decode of the cookie it would throw away."""
    from flask.sessions import SecureCookieSessionInterface
    opened = []
    original = SecureCookieSessionInterface.open_session
    monkeypatch.setattr(SecureCookieSessionInterface, "open_session",
                        lambda self, app, request: opened.append(request.path)
                        or original(self, app, request))
    sam = session["socks"]["sam"]
    assert op(sam, "assumption.add", note(session["persona"]))["ok"]  # the member, by session
    assert sam.emit("sync", {"since": 0}, callback=True)["ok"]
    assert opened == []


def test_a_new_connection_and_http_requests_still_read_the_cookie(app, client):
    workshop_id, tokens = create(client)
    browser, _ = join(app, tokens["invite"], "Sam")
    sock = connect(app, browser, workshop_id)
    assert sock.is_connected()  # the membership came from the cookie
    assert browser.get(f"/api/workshops/{workshop_id}").status_code == 200
    stranger = connect(app, app.test_client(), workshop_id)
    assert not stranger.is_connected()


@pytest.mark.parametrize("payload", [None, {}, {"since": -1}, {"since": "3"}, {"since": 1.5}])
def test_a_bad_sync_gets_an_error_ack(session, payload):
    answer = session["socks"]["sam"].emit("sync", payload, callback=True)
    assert answer["ok"] is False and answer["error"]["code"] == "invalid"


def deltas_within(sock, seconds):
    """The `presence_delta` messages a connection receives within `seconds`."""
    deltas, deadline = [], time.monotonic() + seconds
    while time.monotonic() < deadline:
        deltas += [m["args"][0] for m in sock.get_received() if m["name"] == "presence_delta"]
        time.sleep(0.01)
    return deltas


def test_presence_lists_who_is_connected_grouped_by_team(app, session):
    browser, _ = join(app, session["tokens"]["invite"], "Jo", "Support")
    jo = connect(app, browser, session["id"])
    present = presence_until(jo, lambda p: len(p) == 4)[-1]
    assert names(present) == ["Jo", "Lotte", "Maria", "Sam"]
    session["socks"]["lotte"].disconnect()
    present = presence_until(jo, lambda p: len(p) != 4, start=present)[-1]
    assert names(present) == ["Jo", "Maria", "Sam"]
    browser, _ = join(app, session["tokens"]["invite"], "Ann", "Marketing")
    connect(app, browser, session["id"])
    present = presence_until(jo, lambda p: len(p) != 3, start=present)[-1]
    assert [(p["team"], p["name"]) for p in present] == [
        ("", "Maria"), ("Marketing", "Ann"), ("Support", "Jo"), ("Support", "Sam")]


def test_presence_signals_are_not_part_of_the_log(session):
    session["socks"]["lotte"].disconnect()
    signals = deltas_within(session["socks"]["sam"], 0.6)
    assert signals and all("seq" not in signal for signal in signals)
    assert session["lotte"]["id"] in signals[-1]["left"]


def test_a_newcomer_gets_the_whole_list_once_and_the_others_only_the_newcomer(app, session):
    sam = session["socks"]["sam"]
    deltas_within(sam, 0.4)  # the fixture's own arrivals, sent at most one interval later
    browser, jo = join(app, session["tokens"]["invite"], "Jo", "Support")
    jo_sock = connect(app, browser, session["id"])
    lists = presence_until(jo_sock, lambda present: len(present) == 4)
    assert names(lists[0]) == ["Jo", "Lotte", "Maria", "Sam"]  # the whole list, at once
    deltas = deltas_within(sam, 0.6)
    assert deltas and all(d["left"] == [] for d in deltas)
    assert {tuple(sorted(p.items())) for d in deltas for p in d["joined"]} == {tuple(sorted({
        "id": jo["id"], "name": "Jo", "team": "Support", "role": "participant",
        "removed": False}.items()))}
    assert not [m for m in sam.get_received() if m["name"] == "presence"]  # no list again


def test_an_editing_signal_reaches_the_others_and_is_not_logged(session):
    sam, lotte = session["socks"]["sam"], session["socks"]["lotte"]
    ack = sam.emit("signal", {"type": "editing", "persona_id": session["persona"],
                              "path": "identity.quote"}, callback=True)
    assert ack == {"ok": True}
    [signal] = events_of(lotte, "signal")
    assert signal == {"type": "editing", "participant_id": session["sam"]["id"],
                      "name": "Sam", "team": "Support", "persona_id": session["persona"],
                      "path": "identity.quote"}
    assert events_of(sam, "signal") == []  # not echoed to the sender
    assert events_of(lotte) == []  # no event: nothing entered the log


def test_a_malformed_signal_is_refused_and_relayed_to_no_one(session):
    sam, lotte = session["socks"]["sam"], session["socks"]["lotte"]
    for bad in ({"type": "editing", "persona_id": session["persona"], "path": "<script>"},
                {"type": "shout", "persona_id": session["persona"], "path": None}, "x"):
        ack = sam.emit("signal", bad, callback=True)
        assert ack["ok"] is False and ack["error"]["code"] == "invalid"
    assert events_of(lotte, "signal") == []


def test_an_observer_may_send_no_signal(app, session):
    browser, _ = join(app, session["tokens"]["observer"], "Olga", "")
    olga, lotte = connect(app, browser, session["id"]), session["socks"]["lotte"]
    lotte.get_received()
    ack = olga.emit("signal", {"type": "editing", "persona_id": session["persona"],
                               "path": "identity.quote"}, callback=True)
    assert ack == {"ok": False, "error": {
        "code": "forbidden", "message": "observers look on: they cannot send signals"}}
    assert events_of(lotte, "signal") == []


def test_a_flood_of_signals_is_refused_past_the_signal_rate(app, session):
    app.extensions["workshop"].signal_limiter = OpRateLimiter("5/second;100/minute")
    sam, lotte = session["socks"]["sam"], session["socks"]["lotte"]
    acks = [sam.emit("signal", {"type": "editing", "persona_id": session["persona"],
                                "path": None}, callback=True) for _ in range(50)]
    assert acks[:5] == [{"ok": True}] * 5
    assert acks[5:] == [{"ok": False, "error": {
        "code": "rate_limited", "message": "too many signals at once: wait a moment"}}] * 45
    assert len(events_of(lotte, "signal")) == 5  # the refused ones reach no one
    # Another member's allowance is their own.
    assert session["socks"]["facilitator"].emit("signal", {
        "type": "editing", "persona_id": session["persona"], "path": None},
        callback=True) == {"ok": True}


def test_the_socketio_url_is_still_answered_by_engineio(client):
    """The URL rule that keeps event contexts free of NotFound never serves a request."""
    response = client.get("/socket.io/?EIO=4&transport=polling")
    assert response.status_code == 200
    assert response.get_data(as_text=True).startswith('0{"sid":')


@pytest.mark.parametrize("headers", [{}, {"Upgrade": "websocket", "Connection": "Upgrade"}],
                         ids=["polling", "websocket"])
@pytest.mark.parametrize("path", ["/socket.io/", "/socket.io"])
def test_an_event_context_for_the_socketio_url_routes_without_an_error(app, path, headers):
    """Polling and WebSocket connections, with and without the slash (the test client's)."""
    from flask import request
    with app.test_request_context(path, headers=headers):
        assert request.routing_exception is None
        assert request.endpoint.startswith("socketio")


def test_packets_are_plain_json_even_for_large_answers():
    """The server never looks for bytes to send as attachments: a packet stays a text packet,
    encoded compactly."""
    from socketio import packet

    from workshop.realtime import JsonPacket
    answer = [{"ok": True, "events": [{"seq": n, "data": {"tags": ["x"] * 3}} for n in range(500)]}]
    ack = JsonPacket(packet.ACK, data=answer, id=7)
    assert ack.packet_type == packet.ACK
    text = ack.encode()
    assert text.startswith("37[") and packet.Packet(encoded_packet=text).data == answer


def test_a_database_failure_answers_sync_signal_and_connect_and_they_recover(app, session,
                                                                             sqlite_url):
    """Every event is answered when the database fails, not only `op`: a client waiting for
    an ack that never comes cannot tell a failure from a slow server."""
    sam = session["socks"]["sam"]
    signal = {"type": "editing", "persona_id": session["persona"], "path": None}
    noor_browser, _ = join(app, session["tokens"]["invite"], "Noor")
    with closing(sqlite3.connect(sqlite_file(sqlite_url))) as admin:
        admin.execute("ALTER TABLE participants RENAME TO participants_away")
        admin.commit()
        refused = {"ok": False, "error": {"code": "unavailable",
                                          "message": "the server could not save this; try "
                                                     "again"}}
        assert sam.emit("sync", {"since": 0}, callback=True) == refused
        assert sam.emit("signal", signal, callback=True) == refused
        assert not connect(app, noor_browser, session["id"]).is_connected()
        admin.execute("ALTER TABLE participants_away RENAME TO participants")
        admin.commit()
    assert sam.emit("sync", {"since": 0}, callback=True)["ok"]
    assert sam.emit("signal", signal, callback=True) == {"ok": True}
    assert connect(app, noor_browser, session["id"]).is_connected()
