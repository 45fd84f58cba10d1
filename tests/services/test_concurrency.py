"""Concurrent writers: every op applied, seq gap-free, no 'database is locked'."""

import threading

from tests.helpers import add_note, make_member, make_workshop
from workshop.reads.snapshot import snapshot
from workshop.reads.sync import sync


def test_concurrent_writers_get_a_gap_free_seq(backend):
    created = make_workshop(backend)
    members = [make_member(backend, created.invite_token, f"P{i}", "Support") for i in range(4)]
    errors = []

    def write(member):
        try:
            for i in range(15):
                add_note(backend, created.id, member, f"{member['name']} {i}")
        except Exception as exc:  # noqa: BLE001 - collected and asserted below
            errors.append(exc)

    threads = [threading.Thread(target=write, args=(m,)) for m in members]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert errors == []
    log = sync(backend, created.id, members[0], 0)["events"]
    assert [e["seq"] for e in log] == list(range(1, len(log) + 1))
    assert len(snapshot(backend, created.id, members[0])["assumptions"]) == 60
