"""Two app workers behind Redis, on one PostgreSQL database, each with its own clients.

Ops sent to worker A reach the clients of worker B through Flask-SocketIO's Redis message
queue, in seq order and each exactly once; and a client that moves from one worker to the
other (a restart, a load balancer choosing again) catches up by `sync`. Presence lists
name the people on both workers.
"""

from __future__ import annotations

import pytest
import requests

from tests.e2e.test_live_sync import Member, create_workshop, token_of
from tests.helpers import comparable

pytestmark = [pytest.mark.live, pytest.mark.postgres]

TIMEOUT_S = 10


def join_at(worker, link: str, name: str, team: str = "Support", connect: bool = True,
            batch: bool = False) -> Member:
    """Join through `worker`'s HTTP API and connect to that worker's Socket.IO."""
    http = requests.Session()
    response = http.post(worker.url + "/api/join", timeout=TIMEOUT_S,
                         json={"token": token_of(link), "name": name, "team": team})
    assert response.status_code == 201, response.text
    body = response.json()
    member = Member(worker.url, body["workshop_id"], http, body["participant"], batch=batch)
    if connect:
        member.connect()
    return member


def snapshot_at(worker, member: Member) -> dict:
    """The member's snapshot as one worker serves it (cookies hold across ports)."""
    response = member.http.get(f"{worker.url}/api/workshops/{member.workshop_id}",
                               timeout=TIMEOUT_S)
    assert response.status_code == 200, response.text
    return response.json()


def live_seqs(member: Member) -> list[int]:
    """The seqs of the `event`s this member received live, in arrival order."""
    with member.changed:
        return [event["seq"] for event in member.received]


@pytest.fixture
def members():
    """Members created by a test; their sockets are closed afterwards."""
    created: list[Member] = []
    yield created
    for member in created:
        member.disconnect()


def test_ops_on_one_worker_reach_the_other_workers_clients_in_order(two_workers, members):
    a, b = two_workers
    workshop = create_workshop(a.url)
    alice = join_at(a, workshop["invite_url"], "Alice", "Marketing")
    bob = join_at(b, workshop["invite_url"], "Bob", "Support")
    carol = join_at(b, workshop["invite_url"], "Carol", "Sales", batch=True)  # as the board
    members += [alice, bob, carol]
    for member in members:
        member.wait_for_seq(carol.seq)
        with member.changed:
            member.received.clear()

    acks = []
    for n in range(20):  # notes and votes on worker A, back to back
        ack = alice.add_note(f"Reads reviews before buying ({n})")
        assert ack["ok"], ack
        acks.append(ack)
        vote = alice.op("vote.cast", {"assumption_id": ack["event"]["data"]["assumption"]["id"],
                                      "stance": "agree"})
        assert vote["ok"], vote
        acks.append(vote)
    sent = [ack["seq"] for ack in acks]
    assert sent == list(range(sent[0], sent[0] + len(sent))), "one writer: seqs without gaps"

    for member in (bob, carol):
        member.wait_for_seq(sent[-1])
        # Through Redis, in seq order, each exactly once, with no gap that needed a sync.
        assert live_seqs(member) == sent, f"{member.participant['name']} on worker B"
    batched = [seq for name, seqs in carol.messages if name == "events" for seq in seqs]
    assert batched[-len(sent):] == sent  # batches travel through Redis too

    # And the other way round: Bob's op on worker B reaches Alice on worker A.
    ack = bob.add_note("Calls when the app fails")
    assert ack["ok"], ack
    alice.wait_for_seq(ack["seq"])
    assert live_seqs(alice)[-1] == ack["seq"]

    # Both workers serve each member the same state, and each member's board equals it.
    for member in members:
        at_a, at_b = (comparable(snapshot_at(worker, member)) for worker in (a, b))
        assert at_a == at_b, member.participant["name"]
        with member.changed:
            assert comparable(member.state) == at_a, member.participant["name"]


def test_a_client_moving_to_the_other_worker_resyncs(two_workers, members):
    a, b = two_workers
    workshop = create_workshop(a.url)
    alice = join_at(a, workshop["invite_url"], "Alice", "Marketing")
    dana = join_at(a, workshop["invite_url"], "Dana", "Support")
    members += [alice, dana]
    alice.add_note("Shops on Sunday evenings")
    dana.wait_for_seq(alice.seq)

    dana.disconnect()  # worker A goes away for Dana
    missed = [alice.add_note(f"Missed while moving ({n})")["seq"] for n in range(10)]
    with dana.changed:
        behind = dana.state["seq"]
    assert behind < missed[0]

    dana.base_url = b.url  # the same cookie, now at worker B
    dana.sio.connect(b.url, auth={"workshop": dana.workshop_id}, transports=["websocket"],
                     headers={"Cookie": "workshop_session="
                                        + dana.http.cookies["workshop_session"]},
                     wait_timeout=TIMEOUT_S)
    ack = dana.sync()  # {since: behind}: exactly the missed events, from the shared log
    assert [event["seq"] for event in ack["events"]] == missed
    with dana.changed:
        assert dana.state["seq"] == missed[-1]
    assert comparable(dana.state) == comparable(dana.fetch_snapshot())

    # Live again, through Redis: Alice's next op on A reaches Dana on B.
    later = alice.add_note("Back on the board")
    dana.wait_for_seq(later["seq"])
    assert live_seqs(dana)[-1] == later["seq"]
    notes = [n["text"] for n in dana.state["assumptions"]]
    assert len(notes) == len(set(notes)) == 12


def test_presence_lists_everyone_whichever_worker_they_are_on(two_workers, members):
    a, b = two_workers
    workshop = create_workshop(a.url)

    def everyone_sees(expected: list[str]) -> None:
        for member in members:
            member.wait_for(lambda m=member: sorted(m.present_names()) == expected,
                            f"the presence list {expected}")

    alice = join_at(a, workshop["invite_url"], "Alice", "Marketing")
    members.append(alice)
    bob = join_at(b, workshop["invite_url"], "Bob", "Support")
    members.append(bob)
    carol = join_at(a, workshop["invite_url"], "Carol", "Support")
    members.append(carol)
    everyone_sees(["Alice", "Bob", "Carol"])  # Alice and Carol on A, Bob on B
    members.remove(carol)
    carol.disconnect()
    everyone_sees(["Alice", "Bob"])
    assert alice.sio.connected and bob.sio.connected
