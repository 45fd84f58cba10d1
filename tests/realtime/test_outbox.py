"""Committed events on their way out: coalesced per workshop, in order, each form to its own."""

from __future__ import annotations

import threading
from types import SimpleNamespace

import pytest

from workshop.realtime import SocketIOPublisher
from workshop.realtime.outbox import MAX_BATCH, EventOutbox, chunks


def entry(seq: int, form: str = "public") -> dict:
    return {"seq": seq, "type": "vote.cast", "form": form}


class Recorder:
    """Stands in for Flask-SocketIO: records emits; the background task waits to be run."""

    def __init__(self):
        self.emitted: list[tuple[str, object, str]] = []
        self.tasks: list = []

    def emit(self, name, payload, to=None):
        self.emitted.append((name, payload, to))

    def start_background_task(self, target, *args):
        self.tasks.append((target, args))


def coalescing(send, start=lambda target: None, **options) -> EventOutbox:
    """An outbox that queues every event, as a busy one does: the coalescing on its own."""
    return EventOutbox(send, start, idle_after=None, **options)


def test_events_put_before_the_sender_runs_go_out_together_in_order():
    sent = []
    tasks = []
    outbox = coalescing(lambda workshop, deliveries: sent.append((workshop, deliveries)),
                        lambda target: tasks.append(target))
    for seq in (1, 2, 3):
        outbox.put("w1", entry(seq), None)
    outbox.put("w1", entry(4, "own"), "sam")
    assert len(tasks) == 1  # one sender, started by the first event
    outbox.send_pending()
    assert sent == [("w1", [(None, entry(1)), (None, entry(2)), (None, entry(3)),
                            ("sam", entry(4, "own"))])]
    outbox.send_pending()
    assert len(sent) == 1  # nothing is sent twice


def test_each_workshop_is_sent_apart():
    sent = []
    outbox = coalescing(lambda workshop, deliveries: sent.append((workshop, deliveries)))
    outbox.put("w1", entry(1), None)
    outbox.put("w2", entry(1), None)
    outbox.put("w1", entry(2), None)
    outbox.send_pending()
    assert sorted(sent) == [("w1", [(None, entry(1)), (None, entry(2))]),
                            ("w2", [(None, entry(1))])]


def test_a_failed_send_is_logged_and_the_next_workshop_and_later_events_still_go(caplog):
    sent = []

    def send(workshop, deliveries):
        if workshop == "broken":
            raise ConnectionError("message queue is down")
        sent.append((workshop, [event["seq"] for _, event in deliveries]))

    outbox = coalescing(send)
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
            sent.extend(event["seq"] for _, event in deliveries)
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
    return coalescing(lambda workshop, deliveries: sent.append(
        (workshop, [event["seq"] for _, event in deliveries])), max_hold=0.005, clock=clock)


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
        sent.extend(event["seq"] for _, event in deliveries)
        arrived.set()

    def start(target):
        threading.Thread(target=target, daemon=True).start()

    outbox = EventOutbox(send, start, max_hold=0.05)
    with outbox.applying("w1"):
        outbox.put("w1", entry(1), None)
        assert arrived.wait(5)  # while the op is still under way
        assert sent == [1]


def idle_outbox(sent: list, clock: Clock, tasks: list | None = None) -> EventOutbox:
    return EventOutbox(lambda workshop, deliveries: sent.append(
        (workshop, [event["seq"] for _, event in deliveries])),
        lambda target: (tasks if tasks is not None else []).append(target),
        max_hold=0.005, idle_after=0.005, clock=clock)


def test_an_idle_outbox_sends_an_entry_at_once_with_all_its_forms():
    sent, tasks, clock = [], [], Clock()
    outbox = idle_outbox(sent, clock, tasks)
    with outbox.applying("w1"):  # the entry's own op
        outbox.put_all("w1", [("sam", entry(1, "own")), (None, entry(1))])
        assert sent == [("w1", [1, 1])]  # inside the op: before its ack
    assert tasks == []  # no background task was needed


def test_entries_soon_after_a_send_are_coalesced_until_the_outbox_is_idle_again():
    sent, tasks, clock = [], [], Clock()
    outbox = idle_outbox(sent, clock, tasks)
    outbox.put("w1", entry(1), None)
    clock.now += 0.001
    outbox.put("w1", entry(2), None)
    outbox.put("w2", entry(9), None)  # busy is busy, whichever workshop
    clock.now += 0.001
    outbox.put("w1", entry(3), None)
    assert sent == [("w1", [1])] and len(tasks) == 1
    outbox.send_pending()
    assert sent == [("w1", [1]), ("w1", [2, 3]), ("w2", [9])]
    clock.now += 0.004  # 4 ms after the last send: still busy
    outbox.put("w1", entry(4), None)
    assert sent[-1] == ("w2", [9])
    outbox.send_pending()
    clock.now += 0.006  # quiet again
    outbox.put("w1", entry(5), None)
    assert sent[-2:] == [("w1", [4]), ("w1", [5])]


def test_an_entry_waits_for_the_other_ops_under_way_in_its_workshop():
    """Where ops wait for the database (PostgreSQL, threads), the hold still applies."""
    sent, clock = [], Clock()
    outbox = idle_outbox(sent, clock)
    with outbox.applying("w1"), outbox.applying("w1"):  # another op, and this one
        outbox.put("w1", entry(1), None)
        assert outbox.send_pending() == pytest.approx(0.005)
        assert sent == []
    outbox.send_pending()
    assert sent == [("w1", [1])]


def test_no_entry_overtakes_a_send_under_way():
    """One send at a time: what comes in meanwhile is queued and goes after it, in order."""
    sent, clock = [], Clock()
    outbox = None

    def send(workshop, deliveries):
        seqs = [event["seq"] for _, event in deliveries]
        if seqs == [1]:  # while the op sends entry 1, another thread commits entry 2
            outbox.put("w1", entry(2), None)
            assert outbox.send_pending() is None  # the task must not send meanwhile
            assert sent == []
        sent.append(seqs)

    outbox = EventOutbox(send, lambda target: None, idle_after=0.005, clock=clock)
    outbox.put("w1", entry(1), None)
    assert sent == [[1]]
    assert outbox._wake.is_set()  # the op's send woke the task for what came meanwhile
    outbox.send_pending()
    assert sent == [[1], [2]]


def test_an_op_queues_while_the_task_sends():
    sent, clock = [], Clock()
    outbox = None

    def send(workshop, deliveries):
        seqs = [event["seq"] for _, event in deliveries]
        if seqs == [1]:
            clock.now += 1  # long enough to be idle, but the task is still sending
            outbox.put("w1", entry(2), None)
            assert sent == []
        sent.append(seqs)

    outbox = coalescing(send, clock=clock)
    outbox.put("w1", entry(1), None)
    outbox.idle_after = 0.005  # the task now sends entry 1
    outbox.send_pending()
    assert sent == [[1]]
    outbox.send_pending()
    assert sent == [[1], [2]]


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
DELIVERIES = [("sam", entry(7, "own")), (None, entry(7)), (None, entry(8)),
              ("lotte", entry(9, "own")), (None, entry(9))]


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
    SocketIOPublisher(server).send_events("w1", [(None, entry(s)) for s in range(1, 101)])
    batches = sent_events(server, "wb:w1")
    assert [len(b) for b in batches] == [MAX_BATCH, 100 - MAX_BATCH]
    assert [seq for b in batches for seq, _ in b] == list(range(1, 101))


def test_an_idle_workshops_entry_is_emitted_by_its_op_and_the_next_ones_by_the_task():
    server = Recorder()
    publisher = SocketIOPublisher(server)
    publisher.publish_entry("w1", [("sam", entry(1, "own")), (None, entry(1))])
    assert sent_events(server, "pb:sam") == [[(1, "own")]]  # before the op's ack
    assert sent_events(server, "wb:w1") == [[(1, "public")]]
    assert server.tasks == []
    publisher.publish_entry("w1", [(None, entry(2))])  # right after: queued for the task
    publisher.publish_entry("w1", [(None, entry(3))])
    assert sent_events(server, "wb:w1") == [[(1, "public")]]
    assert len(server.tasks) == 1
    publisher.outbox.send_pending()
    assert sent_events(server, "wb:w1") == [[(1, "public")], [(2, "public"), (3, "public")]]


def test_without_coalescing_each_event_is_emitted_at_once():
    server = Recorder()
    publisher = SocketIOPublisher(server, coalesce=False)
    publisher.publish_entry("w1", [(None, entry(1))])
    publisher.publish_entry("w1", [(None, entry(2))])
    assert sent_events(server, "we:w1") == [[(1, "public")], [(2, "public")]]
    assert server.tasks == []


def test_one_worker_skips_rooms_nobody_is_in():
    server = Recorder()
    rooms = {"/": {"wb:w1": {}, "pb:sam": {}}}  # only batching boards are connected
    server.server = SimpleNamespace(manager=SimpleNamespace(rooms=rooms))
    SocketIOPublisher(server, rooms_are_local=True).send_events("w1", DELIVERIES)
    assert [(name, to) for name, _, to in server.emitted] == [
        ("event", "pb:sam"), ("events", "wb:w1")]
