"""Live sync over the network: real server process, real Socket.IO clients.

Each `Member` is one person with their own cookie, their own Socket.IO connection and
their own copy of the board, kept the way the protocol says a client must: start from the
snapshot, apply `event`s in seq order, and `sync` after a gap or a reconnect.
"""

from __future__ import annotations

import threading
import uuid
from urllib.parse import urlsplit

import engineio
import pytest
import requests
import socketio

from tests.e2e.conftest import ASYNC_MODES
from tests.helpers import comparable
from tests.presence_list import apply_delta
from tests.reference_reducer import apply_event, replay

# Every test here runs against the app served under eventlet (how wsgi.py serves it) and
# under threading with simple-websocket: the app has no eventlet-only code.
pytestmark = [pytest.mark.live,
              pytest.mark.parametrize("live_server", ASYNC_MODES, indirect=True)]

TIMEOUT_S = 10


# ---- helpers -----------------------------------------------------------------------------


def token_of(link: str) -> str:
    """The token of a workshop link: the last path part of `/join/<token>`."""
    return urlsplit(link).path.rsplit("/", 1)[-1]


def create_workshop(base_url: str, title: str = "Who rides our e-bikes?") -> dict:
    """POST /api/workshops; returns {id, title, facilitator_url, invite_url, observer_url}."""
    response = requests.post(base_url + "/api/workshops", timeout=TIMEOUT_S,
                             json={"title": title, "context": "End-to-end test",
                                   "teams": ["Marketing", "Support"]})
    assert response.status_code == 201, response.text
    return response.json()


class _EngineIOInWireOrder(engineio.Client):
    """python-engineio hands each received message to a new thread, so two messages sent
    back to back can reach their handlers in either order. A board (one JavaScript thread)
    handles them in the order they came, and so does this client: on its reading thread."""

    def _trigger_event(self, event, *args, **kwargs):
        if event == "message":
            kwargs["run_async"] = False
        return super()._trigger_event(event, *args, **kwargs)


class BoardClient(socketio.Client):
    """A Socket.IO client whose handlers see messages in wire order (handlers must not block:
    a `sync` after a gap runs in a background task)."""

    def _engineio_client_class(self):
        return _EngineIOInWireOrder


class Member:
    """One person at the board: a cookie of their own, a Socket.IO client, a local state."""

    def __init__(self, base_url: str, workshop_id: str, http: requests.Session,
                 participant: dict, batch: bool = False):
        self.base_url = base_url
        self.batch = batch
        self.workshop_id = workshop_id
        self.http = http
        self.participant = participant
        self.state: dict = self.fetch_snapshot()
        self.received: list[dict] = []
        self.messages: list[tuple[str, list[int]]] = []  # (name, seqs), in arrival order
        self.held: dict[int, dict] = {}  # events that arrived ahead of a missing one
        self.acked: list[int] = []  # the seq of each ok ack to this member's ops
        self.hooks: list = []
        self.connects = 0
        self.sync_timeout = TIMEOUT_S  # longer where a test syncs megabytes
        self.present: list[dict] = []  # who is connected, from presence messages
        self.changed = threading.Condition(threading.RLock())
        self.sio = BoardClient(reconnection_delay=0.5, reconnection_delay_max=2)
        self.sio.on("connect", self._on_connect)
        self.sio.on("event", self._on_event)
        self.sio.on("events", self._on_events)
        self.sio.on("presence", self._on_presence)
        self.sio.on("presence_delta", self._on_presence_delta)

    @property
    def id(self) -> str:
        return self.participant["id"]

    @property
    def seq(self) -> int:
        with self.changed:
            return self.state["seq"]

    # -- HTTP --

    def fetch_snapshot(self) -> dict:
        """GET /api/workshops/<id> with this member's cookie."""
        response = self.http.get(f"{self.base_url}/api/workshops/{self.workshop_id}",
                                 timeout=TIMEOUT_S)
        assert response.status_code == 200, response.text
        return response.json()

    def fetch_events(self, since: int = 0) -> dict:
        """GET /api/workshops/<id>/events?since=n (the HTTP form of `sync`)."""
        response = self.http.get(f"{self.base_url}/api/workshops/{self.workshop_id}/events",
                                 params={"since": since}, timeout=TIMEOUT_S)
        assert response.status_code == 200, response.text
        return response.json()

    # -- Socket.IO --

    def connect(self) -> None:
        """Open the socket with the session cookie, then catch up by `sync`."""
        self.sio.connect(
            self.base_url,
            headers={"Cookie": "workshop_session=" + self.http.cookies["workshop_session"]},
            auth={"workshop": self.workshop_id, **({"batch": True} if self.batch else {})},
            transports=["websocket"],
            wait_timeout=TIMEOUT_S,
        )
        self.sync()

    def disconnect(self) -> None:
        if self.sio.connected:
            self.sio.disconnect()

    def _on_connect(self) -> None:
        with self.changed:
            self.connects += 1
            self.changed.notify_all()

    def _on_presence(self, message: dict) -> None:
        with self.changed:
            self.present = message["present"]
            self.changed.notify_all()

    def _on_presence_delta(self, message: dict) -> None:
        with self.changed:
            self.present = apply_delta(self.present, message)
            self.changed.notify_all()

    def present_names(self) -> list[str]:
        """The names on this member's presence list, in its order."""
        with self.changed:
            return [person["name"] for person in self.present]

    def _on_event(self, event: dict) -> None:
        with self.changed:
            self.messages.append(("event", [event["seq"]]))
        if self.batch:
            # A batching board's own form can come just ahead of the batch holding the
            # entries before it (docs/protocol.md): it waits for that batch.
            self._offer(event)
        else:
            self._receive(event)
            self._release_held()

    def _on_events(self, message: dict) -> None:
        with self.changed:
            self.messages.append(("events", [event["seq"] for event in message["events"]]))
        for event in message["events"]:
            self._receive(event)
            self._release_held()

    def take_ack(self, ack: dict) -> None:
        """Apply an ok ack's event, as the board does: this connection is not sent it again
        (docs/protocol.md), and it can be ahead of events still on their way."""
        if ack.get("ok"):
            with self.changed:
                self.acked.append(ack["seq"])
            self._offer(ack["event"])

    def _offer(self, event: dict) -> None:
        """Apply an event now, or hold it while it is ahead of one still to come."""
        with self.changed:
            if event["seq"] > self.state["seq"] + 1:
                self.held[event["seq"]] = event
                return
        self._receive(event)
        self._release_held()

    def _release_held(self) -> None:
        """Apply the held events that follow now; forget those already covered."""
        while True:
            with self.changed:
                follows = self.held.pop(self.state["seq"] + 1, None)
                for seen in [seq for seq in self.held if seq <= self.state["seq"]]:
                    del self.held[seen]
            if follows is None:
                return
            self._receive(follows)

    def _receive(self, event: dict) -> None:
        """Apply a live `event`; on a gap, catch up by `sync` in the background."""
        with self.changed:
            self.received.append(event)
            try:
                apply_event(self.state, event)
                gap = False
            except ValueError:
                gap = True
            self.changed.notify_all()
        for hook in list(self.hooks):
            hook(event)
        if gap:
            self.sio.start_background_task(self.sync)

    def sync(self) -> dict:
        """`sync` {since: our seq} and apply the answer (events or a fresh snapshot)."""
        ack = self.sio.call("sync", {"since": self.seq}, timeout=self.sync_timeout)
        assert ack["ok"], ack
        with self.changed:
            if "snapshot" in ack:
                self.state = ack["snapshot"]
            else:
                for event in ack["events"]:
                    apply_event(self.state, event)  # already-seen seqs are skipped
            self.changed.notify_all()
        return ack

    def op(self, type_: str, data: dict, op_id: str | None = None) -> dict:
        """Send one `op` and return its ack; a successful ack's event is applied locally."""
        ack = self.sio.call("op", {"op_id": op_id or uuid.uuid4().hex, "type": type_,
                                   "data": data}, timeout=TIMEOUT_S)
        self.take_ack(ack)
        return ack

    def add_note(self, text: str, category: str = "goals", op_id: str | None = None) -> dict:
        """`assumption.add` on the first persona; returns the ack."""
        persona_id = self.state["personas"][0]["id"]
        return self.op("assumption.add", {"persona_id": persona_id, "category": category,
                                          "text": text}, op_id=op_id)

    # -- waiting --

    def wait_for(self, condition, what: str) -> None:
        """Block until condition() holds (checked whenever something arrives)."""
        with self.changed:
            assert self.changed.wait_for(condition, timeout=TIMEOUT_S), (
                f"{self.participant['name']}: timed out waiting for {what}")

    def wait_for_seq(self, seq: int) -> None:
        self.wait_for(lambda: self.state["seq"] >= seq, f"seq {seq} (at {self.state['seq']})")


@pytest.fixture
def join(live_server):
    """join(link, name, team) -> a connected Member; every socket is closed afterwards."""
    members: list[Member] = []

    def _join(link: str, name: str, team: str = "Support", connect: bool = True,
              batch: bool = False) -> Member:
        http = requests.Session()
        response = http.post(live_server.url + "/api/join", timeout=TIMEOUT_S,
                             json={"token": token_of(link), "name": name, "team": team})
        assert response.status_code == 201, response.text
        assert "workshop_session" in http.cookies, "joining must set the session cookie"
        body = response.json()
        member = Member(live_server.url, body["workshop_id"], http, body["participant"],
                        batch=batch)
        members.append(member)
        if connect:
            member.connect()
        return member

    yield _join
    for member in members:
        member.disconnect()


def assert_log_has_no_gap(log: dict) -> None:
    """The events from seq 0 are exactly 1..seq, each once."""
    assert "events" in log, f"expected events, got a snapshot: {sorted(log)}"
    assert [event["seq"] for event in log["events"]] == list(range(1, log["seq"] + 1))


# ---- tests -------------------------------------------------------------------------------


def test_member_who_was_offline_catches_up_to_the_same_board(live_server, join):
    """B misses ten notes while disconnected; after reconnect + sync, A, B, a fresh snapshot
    and a replay of the whole event log all agree, with each note exactly once."""
    workshop = create_workshop(live_server.url)
    alice = join(workshop["invite_url"], "Alice", "Marketing")
    bob = join(workshop["invite_url"], "Bob", "Support")
    alice.wait_for_seq(bob.seq)  # Alice has seen Bob join

    bob.disconnect()
    texts = [f"Offline note {n}: wants fewer flat tyres" for n in range(10)]
    acks = [alice.add_note(text) for text in texts]
    assert all(ack["ok"] for ack in acks), acks
    seqs = [ack["seq"] for ack in acks]
    assert seqs == list(range(seqs[0], seqs[0] + 10)), "seq must rise by one per op"
    assert bob.seq < seqs[0], "Bob was offline and must not have seen the notes yet"

    bob.connect()  # reconnect, then sync {since: bob.seq}

    fresh = alice.fetch_snapshot()
    assert fresh["seq"] == seqs[-1]
    assert comparable(alice.state) == comparable(bob.state) == comparable(fresh)

    notes = fresh["assumptions"]
    assert [note["text"] for note in notes] == texts
    assert len({note["id"] for note in notes}) == len(notes), "a note appears twice"
    assert {note["author_id"] for note in notes} == {alice.id}

    log = alice.fetch_events(since=0)
    assert_log_has_no_gap(log)
    assert log["seq"] == fresh["seq"]
    assert comparable(replay(log["events"])) == comparable(fresh)


def test_retried_op_is_applied_once(live_server, join):
    """The same op_id sent twice: one note, one event; the retry's ack says duplicate with
    the original seq, and nobody receives a second event for it."""
    workshop = create_workshop(live_server.url)
    alice = join(workshop["invite_url"], "Alice", "Marketing")
    bob = join(workshop["invite_url"], "Bob", "Support")
    op_id = uuid.uuid4().hex

    first = alice.add_note("Rides to work every day", op_id=op_id)
    retry = alice.add_note("Rides to work every day", op_id=op_id)

    assert first["ok"] and not first.get("duplicate"), first
    assert retry["ok"] and retry.get("duplicate") is True, retry
    assert retry["seq"] == first["seq"]
    assert retry["event"] == first["event"]

    following = alice.add_note("Hates carrying a lock")
    assert following["seq"] == first["seq"] + 1, "a duplicate must not use up a seq"

    bob.wait_for_seq(following["seq"])
    assert [e["seq"] for e in bob.received if e.get("op_id") == op_id] == [first["seq"]]

    fresh = alice.fetch_snapshot()
    assert [note["text"] for note in fresh["assumptions"]] == ["Rides to work every day",
                                                              "Hates carrying a lock"]
    log = alice.fetch_events(since=0)
    assert_log_has_no_gap(log)
    assert [e["seq"] for e in log["events"] if e["op_id"] == op_id] == [first["seq"]]
    assert comparable(alice.state) == comparable(bob.state) == comparable(fresh)


def test_events_reach_other_members_live(live_server, join):
    """A note Alice adds reaches Bob as an `event` with the protocol's fields, unasked."""
    workshop = create_workshop(live_server.url)
    alice = join(workshop["invite_url"], "Alice", "Marketing")
    bob = join(workshop["invite_url"], "Bob", "Support")
    text = "Wants to know the battery range before buying"
    arrived = threading.Event()
    seen: list[dict] = []

    def watch(event: dict) -> None:
        if (event["type"] == "assumption.added"
                and event["data"]["assumption"]["text"] == text):
            seen.append(event)
            arrived.set()

    bob.hooks.append(watch)
    ack = alice.add_note(text)
    assert ack["ok"], ack

    assert arrived.wait(TIMEOUT_S), "Bob never received Alice's note"
    event = seen[0]
    assert event["seq"] == ack["seq"]
    assert event["actor"] == alice.id
    assert event["at"].endswith("Z")
    assert event["data"]["assumption"]["author_id"] == alice.id
    bob.wait_for_seq(ack["seq"])
    assert text in [note["text"] for note in bob.state["assumptions"]]


def test_board_survives_a_server_restart(live_server, join):
    """Kill the server mid-workshop: clients reconnect on their own, their cookies still work,
    nothing is lost, and seq carries on from where it was."""
    workshop = create_workshop(live_server.url)
    alice = join(workshop["invite_url"], "Alice", "Marketing")
    bob = join(workshop["invite_url"], "Bob", "Support")
    before = alice.add_note("Commutes 12 km each way")
    assert before["ok"], before

    live_server.restart()
    for member in (alice, bob):
        member.wait_for(lambda m=member: m.connects >= 2, "a reconnect")
        member.sync()

    after = bob.add_note("Parks in the office basement")
    assert after["ok"], after
    assert after["seq"] == before["seq"] + 1
    alice.wait_for_seq(after["seq"])

    fresh = bob.fetch_snapshot()
    assert [note["text"] for note in fresh["assumptions"]] == ["Commutes 12 km each way",
                                                              "Parks in the office basement"]
    assert comparable(alice.state) == comparable(bob.state) == comparable(fresh)
    assert_log_has_no_gap(bob.fetch_events(since=0))


def test_batching_boards_get_every_entry_once_in_order_under_a_burst(live_server, join):
    """Four boards that ask for batches and one that does not send 15 ops each at once
    (notes, and votes, whose voter gets an own form): every board ends at the state of a
    fresh snapshot; public forms arrive in seq order, none of the others' missing or
    doubled; a board's own entries reach it in its acks, not again as own forms; under
    eventlet the burst goes out in batches of several entries."""
    workshop = create_workshop(live_server.url)
    teams = {"Alice": "Marketing", "Bob": "Support", "Carol": "Support", "Dan": "Marketing"}
    boards = [join(workshop["invite_url"], name, team, batch=True)
              for name, team in teams.items()]
    plain = join(workshop["invite_url"], "Eve", "Support")
    everyone = [*boards, plain]
    seeds = [boards[0].add_note(f"Seed note {n}") for n in range(3)]
    note_ids = [ack["event"]["data"]["assumption"]["id"] for ack in seeds]
    for member in everyone:
        member.wait_for_seq(seeds[-1]["seq"])
    start = seeds[-1]["seq"]

    acks: list[dict] = []
    answered = threading.Condition()

    def on_ack(ack: dict) -> None:
        with answered:
            acks.append(ack)
            answered.notify_all()

    persona_id = plain.state["personas"][0]["id"]
    for k, member in enumerate(everyone):  # sent back to back, no one waits for an ack
        for n in range(15):
            data = ({"persona_id": persona_id, "category": "needs", "text": f"{k}-{n}"}
                    if n % 3 == 0 else
                    {"assumption_id": note_ids[(n + k) % 3],
                     "stance": ("agree", "disagree", "unsure")[(n + k) % 3]})
            member.sio.emit("op", {"op_id": uuid.uuid4().hex,
                                   "type": "assumption.add" if n % 3 == 0 else "vote.cast",
                                   "data": data},
                          callback=lambda ack, member=member: (member.take_ack(ack),
                                                               on_ack(ack)))
    with answered:
        assert answered.wait_for(lambda: len(acks) == 75, TIMEOUT_S), len(acks)
    assert all(ack["ok"] for ack in acks), [a for a in acks if not a["ok"]][:3]
    final = start + 75
    assert sorted(ack["seq"] for ack in acks) == list(range(start + 1, final + 1))

    for member in everyone:  # each as they see it: their own votes are theirs alone
        member.wait_for_seq(final)
        assert comparable(member.state) == comparable(member.fetch_snapshot()), (
            member.participant["name"])

    burst = set(range(start + 1, final + 1))
    for board in boards:
        public = [seq for name, seqs in board.messages if name == "events" for seq in seqs]
        assert public == sorted(set(public)), "in order, once each"
        # Its own entries came in its acks only: every other one in a batch, none of its own.
        assert set(public) & burst == burst - set(board.acked), board.participant["name"]
        assert [name for name, _ in board.messages if name == "event"] == [], (
            "no own form is sent to the connection whose op it was")
    assert {name for name, _ in plain.messages} == {"event"}
    seqs = [seqs[0] for _, seqs in plain.messages]
    assert seqs == sorted(seqs)  # one per message, in the order of the log
    assert set(seqs) & burst == burst - set(plain.acked)  # everyone else's, not its own
    if live_server.async_mode == "eventlet":
        biggest = max(len(seqs) for b in boards for name, seqs in b.messages if name == "events")
        assert biggest > 1, "a burst read in one turn of the event loop goes out together"
