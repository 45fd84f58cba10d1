"""Catching up: the missed events in order, or a fresh snapshot when that is better."""

from tests.helpers import add_note, make_member, make_workshop
from workshop.reads.snapshot import snapshot
from workshop.reads.sync import sync


def test_sync_answers_the_missed_events_in_order(backend):
    created = make_workshop(backend)
    sam = make_member(backend, created.invite_token)
    seq = snapshot(backend, created.id, sam)["seq"]
    for i in range(3):
        add_note(backend, created.id, sam, f"n{i}")
    answer = sync(backend, created.id, sam, seq)
    assert answer["seq"] == seq + 3
    assert [e["seq"] for e in answer["events"]] == [seq + 1, seq + 2, seq + 3]
    assert sync(backend, created.id, sam, seq + 3)["events"] == []


def test_sync_from_far_behind_or_from_the_future_answers_a_snapshot(backend, monkeypatch):
    created = make_workshop(backend)
    sam = make_member(backend, created.invite_token)
    for i in range(3):
        add_note(backend, created.id, sam, f"n{i}")
    monkeypatch.setattr("workshop.reads.sync.SYNC_EVENT_LIMIT", 2)
    behind = sync(backend, created.id, sam, 0)
    assert "events" not in behind and len(behind["snapshot"]["assumptions"]) == 3
    ahead = sync(backend, created.id, sam, 10_000)
    assert ahead["snapshot"]["seq"] == ahead["seq"]
