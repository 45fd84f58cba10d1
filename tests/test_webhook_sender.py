"""Webhook delivery: signed POSTs read from the log after commit, retried with back-off,
refused for addresses the operator does not allow, and never in an op's way."""

from __future__ import annotations

import json
import socket
import threading
import time

import pytest
from sqlalchemy import select

from tests.helpers import send
from tests.reach_fixtures import agreed_room
from tests.webhook_receiver import Receiver
from workshop.domain import webhooks
from workshop.models import WebhookDelivery
from workshop.services import sharing
from workshop.webhook_sender import WebhookSender


def spawn(function, *args):
    thread = threading.Thread(target=function, args=args, daemon=True)
    thread.start()
    return thread


_SENDERS: list[WebhookSender] = []


@pytest.fixture(autouse=True)
def _stop_senders():
    """Each test's senders stop with it, so none reads the next test's database."""
    yield
    while _SENDERS:
        _SENDERS.pop().stop()


def sender_for(backend, allow_private=True, base=0.05) -> WebhookSender:
    sender = WebhookSender(backend.db, spawn, time.sleep, allow_private=allow_private,
                           backoff_base=base, timeout=1.0, poll_s=0.05)
    backend.webhooks = sender
    _SENDERS.append(sender)
    return sender


def hook(backend, room, url) -> str:
    ack = send(backend, room["id"], room["maria"]["id"], "webhook.set", {"url": url})
    assert ack["ok"], ack
    return sharing.overview(backend, room["id"], room["maria"], True)["webhook"]["secret"]


def agree_again(backend, room, name="Anouk B.") -> None:
    """Reopen the agreed version, change the name, agree version 2: one `document.agreed`."""
    versions = send(backend, room["id"], room["sam"]["id"], "document.save", {
        "persona_id": room["persona"], "path": "identity.name", "value": name,
        "base_rev": 1, "reopen": True})
    assert versions["ok"], versions
    number = versions["event"]["data"]["started"]["number"]
    assert send(backend, room["id"], room["maria"]["id"], "document.agree",
                {"persona_id": room["persona"], "number": number})["ok"]


def deliveries(backend, room) -> list[dict]:
    return sharing.overview(backend, room["id"], room["maria"], True)["webhook"]["deliveries"]


def wait_until(predicate, timeout=10.0):
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if predicate():
            return True
        time.sleep(0.02)
    return predicate()


def test_an_agreed_version_reaches_a_loopback_receiver_signed(backend):
    room = agreed_room(backend)
    sender_for(backend)
    with Receiver() as receiver:
        receiver.secret = hook(backend, room, receiver.url)
        agree_again(backend, room)
        got = receiver.wait_for(1)
    assert len(got) == 1 and got[0]["verified"], got
    body = json.loads(got[0]["body"])
    assert body["type"] == "document.agreed" and body["workshop_id"] == room["id"]
    assert body["data"]["number"] == 2 and got[0]["headers"]["Workshop-Event"] == \
        "document.agreed"
    assert wait_until(lambda: deliveries(backend, room)[0]["status"] == "delivered")
    done = deliveries(backend, room)[0]
    assert done["attempts"] == 1 and done["response_status"] == 204


def test_only_events_logged_after_the_webhook_was_set_and_of_delivered_types(backend):
    room = agreed_room(backend)  # version 1 was agreed before the webhook: not sent
    sender = sender_for(backend)
    with Receiver() as receiver:
        receiver.secret = hook(backend, room, receiver.url)
        send(backend, room["id"], room["maria"]["id"], "persona.add", {"name": "Ruben"})
        sender.scan()
        assert deliveries(backend, room) == []


def test_event_types_in_the_registered_list_go_out_without_more_code(backend, monkeypatch):
    """A type another part of the app logs (here persona.added, registered for the test) is
    delivered once it is in DELIVERED: delivery reads the log, not a list of ops."""
    monkeypatch.setattr(webhooks, "DELIVERED", (*webhooks.DELIVERED, "persona.added"))
    room = agreed_room(backend)
    sender = sender_for(backend)
    with Receiver() as receiver:
        receiver.secret = hook(backend, room, receiver.url)
        send(backend, room["id"], room["maria"]["id"], "persona.add", {"name": "Ruben"})
        sender.wake()
        got = receiver.wait_for(1)
    assert json.loads(got[0]["body"])["type"] == "persona.added" and got[0]["verified"]


def test_a_refusing_receiver_is_retried_with_back_off_then_given_up(backend, monkeypatch):
    monkeypatch.setattr(webhooks, "MAX_ATTEMPTS", 3)
    room = agreed_room(backend)
    sender_for(backend, base=0.1)
    with Receiver(answer=503) as receiver:
        receiver.secret = hook(backend, room, receiver.url)
        agree_again(backend, room)
        assert wait_until(lambda: deliveries(backend, room)
                          and deliveries(backend, room)[0]["status"] == "failed")
        got = receiver.received
    assert len(got) == 3 and all(g["verified"] for g in got)
    failed = deliveries(backend, room)[0]
    assert failed["attempts"] == 3 and failed["last_error"] == "the receiver answered HTTP 503"
    assert failed["response_status"] == 503 and failed["finished_at"]


def test_a_receiver_that_comes_back_gets_the_delivery(backend):
    room = agreed_room(backend)
    sender_for(backend, base=0.1)
    with Receiver(answer=500) as receiver:
        receiver.secret = hook(backend, room, receiver.url)
        agree_again(backend, room)
        receiver.wait_for(1)
        receiver.answer = 200
        assert wait_until(lambda: deliveries(backend, room)[0]["status"] == "delivered")
    assert deliveries(backend, room)[0]["attempts"] >= 2


def test_a_closed_port_is_recorded_as_an_error_and_retried(backend):
    room = agreed_room(backend)
    sender_for(backend, base=60)
    with socket.socket() as unused:
        unused.bind(("127.0.0.1", 0))
        port = unused.getsockname()[1]
    hook(backend, room, f"http://127.0.0.1:{port}/x")
    agree_again(backend, room)
    assert wait_until(lambda: deliveries(backend, room)
                      and deliveries(backend, room)[0]["attempts"] == 1)
    pending = deliveries(backend, room)[0]
    assert pending["status"] == "pending" and "ConnectionRefusedError" in pending["last_error"]
    assert pending["next_attempt_at"]


def test_private_addresses_are_refused_unless_the_operator_allows_them(backend):
    room = agreed_room(backend)
    sender_for(backend, allow_private=False, base=60)
    with Receiver() as receiver:
        receiver.secret = hook(backend, room, receiver.url)
        agree_again(backend, room)
        assert wait_until(lambda: deliveries(backend, room)
                          and deliveries(backend, room)[0]["attempts"] == 1)
        assert receiver.received == []
    assert "may not call" in deliveries(backend, room)[0]["last_error"]


def test_two_workers_record_and_send_each_event_once(backend):
    room = agreed_room(backend)
    first, second = sender_for(backend), sender_for(backend)
    with Receiver() as receiver:
        receiver.secret = hook(backend, room, receiver.url)
        agree_again(backend, room)
        first.wake()
        second.wake()
        receiver.wait_for(1)
        time.sleep(0.5)
    assert len(receiver.received) == 1
    with backend.db.reading() as session:
        assert len(session.scalars(select(WebhookDelivery)).all()) == 1


def test_a_slow_receiver_never_slows_an_op(backend):
    """The receiver takes 5 s per delivery; ops keep being acknowledged at once."""
    room = agreed_room(backend)
    sender_for(backend)
    with Receiver(delay=5.0) as receiver:
        receiver.secret = hook(backend, room, receiver.url)
        agree_again(backend, room)
        assert receiver.wait_for(1)  # the delivery is in flight now: the receiver sleeps
        started = time.monotonic()
        times = []
        for n in range(10):
            began = time.perf_counter()
            assert send(backend, room["id"], room["maria"]["id"], "persona.add",
                        {"name": f"P{n}"})["ok"] or n >= 10
            times.append(time.perf_counter() - began)
        assert time.monotonic() - started < 5.0  # all of it while the receiver still sleeps
    assert max(times) < 0.5, times


def test_removing_the_webhook_stops_deliveries_and_drops_the_history(backend):
    room = agreed_room(backend)
    sender = sender_for(backend, base=60)
    with Receiver(answer=500) as receiver:
        receiver.secret = hook(backend, room, receiver.url)
        agree_again(backend, room)
        receiver.wait_for(1)
        assert send(backend, room["id"], room["maria"]["id"], "webhook.remove", {})["ok"]
        assert sender.scan() == 0
    assert sharing.overview(backend, room["id"], room["maria"], True)["webhook"] is None


@pytest.mark.parametrize("url", ["ftp://x.example", "http://u:p@x.example/", "not a url"])
def test_bad_urls_are_refused_by_the_op(backend, url):
    room = agreed_room(backend)
    refused = send(backend, room["id"], room["maria"]["id"], "webhook.set", {"url": url})
    assert refused["error"]["code"] == "invalid" and refused["error"]["message"].startswith("url:")
