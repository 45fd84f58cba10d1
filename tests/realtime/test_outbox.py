"""Committed events on their way out: coalesced per workshop, in order, each form to its own."""

from __future__ import annotations

import threading
from types import SimpleNamespace

import pytest

from workshop.realtime import SocketIOPublisher
from workshop.realtime.outbox import MAX_BATCH, Delivery, EventOutbox, chunks


def entry(seq: int, form: str = "public") -> dict:
    return {"seq": seq, "type": "vote.cast", "form": form}


class Recorder:
    """Stands in for Flask-SocketIO: records emits; the background task waits to be run.
    `rooms` are this worker's rooms as python-socketio keeps them (sid -> Engine.IO sid)."""

    def __init__(self, rooms: dict | None = None):
        self.emitted: list[tuple[str, object, str]] = []
        self.skipped: list = []  # the connection(s) each emit skipped
        self.tasks: list = []
        self.server = SimpleNamespace(manager=SimpleNamespace(rooms={"/": rooms or {}}))

    def emit(self, name, payload, to=None, skip_sid=None):
        self.emitted.append((name, payload, to))
        self.skipped.append(skip_sid)

    def start_background_task(self, target, *args):
        self.tasks.append((target, args))


def test_events_put_before_the_sender_runs_go_out_together_in_order():
    sent = []
    tasks = []
    outbox = EventOutbox(lambda workshop, deliveries: sent.append((workshop, deliveries)),
                         lambda target: tasks.append(target))
    for seq in (1, 2, 3):
        outbox.put("w1", entry(seq), None)
    outbox.put("w1", entry(4, "own"), "sam")
    assert len(tasks) == 1  # one sender, started by the first event
    outbox.send_pending()
    assert sent == [("w1", [Delivery(None, entry(1)), Delivery(None, entry(2)),
                            Delivery(None, entry(3)), Delivery("sam", entry(4, "own"))])]
    outbox.send_pending()
    assert len(sent) == 1  # nothing is sent twice


def test_each_workshop_is_sent_apart():
    sent = []
    outbox = EventOutbox(lambda workshop, deliveries: sent.append((workshop, deliveries)),
                         lambda target: None)
    outbox.put("w1", entry(1), None)
    outbox.put("w2", entry(1), None)
    outbox.put("w1", entry(2), None)
    outbox.send_pending()
    assert sorted(sent) == [("w1", [Delivery(None, entry(1)), Delivery(None, entry(2))]),
                            ("w2", [Delivery(None, entry(1))])]


def test_a_failed_send_is_logged_and_the_next_workshop_and_later_events_still_go(caplog):
    sent = []

    def send(workshop, deliveries):
        if workshop == "broken":
            raise ConnectionError("message queue is down")
        sent.append((workshop, [event["seq"] for _, event, _ in deliveries]))

    outbox = EventOutbox(send, lambda target: None)
    outbox.put("broken", entry(1), None)
    outbox.put("w1", entry(1), None)
    outbox.send_pending()
    outbox.put("w1", entry(2), None)
    outbox.send_pending()
    assert sent == [("w1", [1]), ("w1", [2])]
    assert "could not send 1 events of workshop broken" in caplog.text


def test_the_background_sender_wakes_for_each_new_event():
    sent = []
    arrived = threading.Condition()

    def send(workshop, deliveries):
        with arrived:
            sent.extend(event["seq"] for _, event, _ in deliveries)
            arrived.notify_all()

    def start(target):
        threading.Thread(target=target, daemon=True).start()

    outbox = EventOutbox(send, start)
    for seq in range(1, 51):
        outbox.put("w1", entry(seq), None)
    with arrived:
        assert arrived.wait_for(lambda: len(sent) == 50, timeout=5)
    outbox.put("w1", entry(51), None)  # after a quiet moment the sender is still there
    with arrived:
        assert arrived.wait_for(lambda: len(sent) == 51, timeout=5)
    assert sent == list(range(1, 52))


class Clock:
    """A clock the test moves by hand."""

    def __init__(self):
        self.now = 100.0

    def __call__(self):
        return self.now


def held_outbox(sent: list, clock: Clock) -> EventOutbox:
    return EventOutbox(lambda workshop, deliveries: sent.append(
        (workshop, [event["seq"] for _, event, _ in deliveries])), lambda target: None,
        max_hold=0.005, clock=clock)


def test_events_wait_for_the_ops_still_under_way_in_their_workshop():
    """Where ops wait for the database, the ones behind an op finish soon after it: its
    event waits for theirs, and they go out together once the last is done."""
    sent, clock = [], Clock()
    outbox = held_outbox(sent, clock)
    with outbox.applying("w1"):  # op 2, waiting for op 1 to commit
        outbox.put("w1", entry(1), None)  # op 1 committed
        assert outbox.send_pending() == pytest.approx(0.005)  # held, for at most that long
        assert sent == []
        clock.now += 0.002
        outbox.put("w1", entry(2), None)
    assert outbox._wake.is_set()  # the last op under way is done: the sender wakes
    assert outbox.send_pending() is None
    assert sent == [("w1", [1, 2])]


def test_events_are_held_no_longer_than_max_hold():
    """A steady stream of ops never starves the sends."""
    sent, clock = [], Clock()
    outbox = held_outbox(sent, clock)
    with outbox.applying("w1"):
        outbox.put("w1", entry(1), None)
        clock.now += 0.003
        outbox.put("w1", entry(2), None)
        assert outbox.send_pending() == pytest.approx(0.002)  # from the first event's arrival
        clock.now += 0.002
        assert outbox.send_pending() is None
        assert sent == [("w1", [1, 2])]
        outbox.put("w1", entry(3), None)  # the next hold starts with the next event
        assert outbox.send_pending() == pytest.approx(0.005)
    outbox.send_pending()
    assert sent == [("w1", [1, 2]), ("w1", [3])]


def test_only_the_workshop_with_ops_under_way_waits():
    sent, clock = [], Clock()
    outbox = held_outbox(sent, clock)
    with outbox.applying("busy"):
        outbox.put("busy", entry(1), None)
        outbox.put("quiet", entry(7), None)
        outbox.send_pending()
        assert sent == [("quiet", [7])]
    outbox.send_pending()
    assert sent == [("quiet", [7]), ("busy", [1])]


def test_ops_under_way_are_counted_and_a_failed_op_counts_too():
    sent, clock = [], Clock()
    outbox = held_outbox(sent, clock)
    with outbox.applying("w1"):
        with pytest.raises(ValueError), outbox.applying("w1"):
            raise ValueError("refused")
        outbox.put("w1", entry(1), None)
        with outbox.applying("w1"):
            outbox.send_pending()
        outbox.send_pending()
        assert sent == []  # the outer op is still under way
    outbox.send_pending()
    assert sent == [("w1", [1])]
    assert outbox._applying == {}


def test_a_held_workshop_is_sent_by_the_background_task_when_its_hold_ends():
    """The task sleeps until the hold ends even if nothing wakes it."""
    sent = []
    arrived = threading.Event()

    def send(workshop, deliveries):
        sent.extend(event["seq"] for _, event, _ in deliveries)
        arrived.set()

    def start(target):
        threading.Thread(target=target, daemon=True).start()

    outbox = EventOutbox(send, start, max_hold=0.05)
    with outbox.applying("w1"):
        outbox.put("w1", entry(1), None)
        assert arrived.wait(5)  # while the op is still under way
        assert sent == [1]


def test_chunks_keep_order_and_size():
    events = [entry(seq) for seq in range(1, 2 * MAX_BATCH + 2)]
    parts = chunks(events)
    assert [len(part) for part in parts] == [MAX_BATCH, MAX_BATCH, 1]
    assert [e for part in parts for e in part] == events
    assert chunks([]) == []


# ---- what each kind of connection receives ------------------------------------------------

def sent_events(server: Recorder, room: str) -> list:
    """The seq and form of each event a room received, batches flattened, in order."""
    received = []
    for name, payload, to in server.emitted:
        if to != room:
            continue
        batch = payload["events"] if name == "events" else [payload]
        received.append([(e["seq"], e["form"]) for e in batch])
    return received


# Two votes and a note: each vote's own form goes to its voter, before its public form.
DELIVERIES = [Delivery("sam", entry(7, "own")), Delivery(None, entry(7)),
              Delivery(None, entry(8)), Delivery("lotte", entry(9, "own")),
              Delivery(None, entry(9))]


def test_one_event_per_message_connections_get_exactly_the_order_of_the_log():
    server = Recorder()
    SocketIOPublisher(server).send_events("w1", DELIVERIES)
    emitted = [(to, payload["seq"]) for name, payload, to in server.emitted if name == "event"
               and to in ("we:w1", "pe:sam", "pe:lotte")]
    assert emitted == [("pe:sam", 7), ("we:w1", 7), ("we:w1", 8), ("pe:lotte", 9),
                       ("we:w1", 9)]


def test_batching_connections_get_own_forms_first_then_one_batch():
    server = Recorder()
    SocketIOPublisher(server).send_events("w1", DELIVERIES)
    batched = [(name, to) for name, _, to in server.emitted if to[:2] in ("wb", "pb")]
    assert batched == [("event", "pb:sam"), ("event", "pb:lotte"), ("events", "wb:w1")]
    assert sent_events(server, "wb:w1") == [[(7, "public"), (8, "public"), (9, "public")]]
    assert sent_events(server, "pb:sam") == [[(7, "own")]]


def test_a_long_run_is_split_into_batches_of_at_most_max_batch():
    server = Recorder()
    SocketIOPublisher(server).send_events("w1", [Delivery(None, entry(s)) for s in range(1, 101)])
    batches = sent_events(server, "wb:w1")
    assert [len(b) for b in batches] == [MAX_BATCH, 100 - MAX_BATCH]
    assert [seq for b in batches for seq, _ in b] == list(range(1, 101))


def test_publishing_queues_and_the_background_task_sends():
    server = Recorder()
    publisher = SocketIOPublisher(server)
    publisher.publish_event("w1", entry(1))
    publisher.publish_event("w1", entry(2, "own"), "sam")
    assert server.emitted == []  # nothing leaves inside the op: the ack goes first
    assert len(server.tasks) == 1
    publisher.outbox.send_pending()
    assert sent_events(server, "wb:w1") == [[(1, "public")]]
    assert sent_events(server, "pb:sam") == [[(2, "own")]]


def test_one_worker_skips_rooms_nobody_is_in():
    # Only batching boards are connected.
    server = Recorder({"wb:w1": {"s1": "e1", "s2": "e2"}, "pb:sam": {"s1": "e1"}})
    SocketIOPublisher(server, rooms_are_local=True).send_events("w1", DELIVERIES)
    assert [(name, to) for name, _, to in server.emitted] == [
        ("event", "pb:sam"), ("events", "wb:w1")]


# ---- the connection an op came from has its entry in the ack ------------------------------

def emits(server: Recorder) -> list[tuple[str, list[int], str, object]]:
    """Each emit as (name, seqs, to, skipped)."""
    return [(name, [e["seq"] for e in (payload["events"] if name == "events" else [payload])],
             to, skipped)
            for (name, payload, to), skipped in zip(server.emitted, server.skipped, strict=True)]


TABS = {"we:w1": {"plain-tab": "e0"}, "pe:sam": {},
        "wb:w1": {"sam-tab-1": "e1", "lotte-tab-1": "e2", "sam-tab-2": "e3"},
        "pb:sam": {"sam-tab-1": "e1", "sam-tab-2": "e3"}}


def test_no_form_of_an_entry_goes_to_the_connection_whose_op_it_was():
    server = Recorder(TABS)
    vote = [Delivery("sam", entry(7, "own"), "sam-tab-1"), Delivery(None, entry(7), "sam-tab-1")]
    SocketIOPublisher(server).send_events("w1", vote)
    assert emits(server) == [
        ("event", [7], "pe:sam", "sam-tab-1"), ("event", [7], "we:w1", "sam-tab-1"),
        ("event", [7], "pb:sam", "sam-tab-1"),  # Sam's second tab gets the own form
        ("events", [7], "wb:w1", ["sam-tab-1"])]


def test_a_sender_gets_a_batch_without_its_own_entries_when_it_also_holds_others():
    server = Recorder(TABS)
    SocketIOPublisher(server).send_events("w1", [
        Delivery(None, entry(7), "sam-tab-1"), Delivery(None, entry(8), "lotte-tab-1"),
        Delivery(None, entry(9)),  # 9 came over HTTP: no connection has it yet
        Delivery(None, entry(10), "plain-tab")])  # a sender that takes no batches
    batches = [(seqs, to, skipped) for name, seqs, to, skipped in emits(server)
               if name == "events"]
    assert batches == [([7, 8, 9, 10], "wb:w1", ["sam-tab-1", "lotte-tab-1"]),
                       ([8, 9, 10], "sam-tab-1", None), ([7, 9, 10], "lotte-tab-1", None)]
    one_by_one = [(seqs, skipped) for _, seqs, to, skipped in emits(server) if to == "we:w1"]
    assert one_by_one == [([7], "sam-tab-1"), ([8], "lotte-tab-1"), ([9], None),
                          ([10], "plain-tab")]


def test_a_batch_of_one_connections_entries_is_not_sent_to_it_at_all():
    server = Recorder(TABS)
    SocketIOPublisher(server).send_events("w1", [Delivery(None, entry(s), "sam-tab-1")
                                                 for s in (7, 8)])
    assert [(to, skipped) for name, _, to, skipped in emits(server) if name == "events"] == [
        ("wb:w1", ["sam-tab-1"])]


def test_one_worker_does_not_emit_to_a_room_that_holds_only_the_sending_connection():
    # Sam has one tab open: the one that sent the vote.
    server = Recorder({"wb:w1": {"sam-tab-1": "e1", "lotte-tab-1": "e2"},
                       "pb:sam": {"sam-tab-1": "e1"}})
    vote = [Delivery("sam", entry(7, "own"), "sam-tab-1"), Delivery(None, entry(7), "sam-tab-1")]
    SocketIOPublisher(server, rooms_are_local=True).send_events("w1", vote)
    assert emits(server) == [("events", [7], "wb:w1", ["sam-tab-1"])]


def test_publishing_passes_the_sending_connection_to_the_background_send():
    server = Recorder(TABS)
    publisher = SocketIOPublisher(server)
    publisher.publish_event("w1", entry(1), None, origin="sam-tab-1")
    publisher.outbox.send_pending()
    assert [(to, skipped) for _, _, to, skipped in emits(server)] == [
        ("we:w1", "sam-tab-1"), ("wb:w1", ["sam-tab-1"])]
