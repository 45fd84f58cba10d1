"""The PostgreSQL drivers do not block the hub, under eventlet or gevent.

A green thread runs `SELECT pg_sleep(1)` through the app's own database; meanwhile a ticker
green thread keeps ticking and other requests (a health check, and creating a workshop,
which writes to the same database) are answered. Run in a fresh process, because the
test process must not be monkey-patched.

The script first checks that its ticker would notice a blocked hub: a C call that does not
yield (PBKDF2) must show up as a long gap.
"""

from __future__ import annotations

import json
import subprocess
import sys
import textwrap

import pytest

from tests.e2e.conftest import REPO_ROOT

pytestmark = [pytest.mark.postgres]

SCRIPT = textwrap.dedent("""
    import sys
    MODE = sys.argv[2]
    if MODE == "eventlet":
        import eventlet
        eventlet.monkey_patch()
        spawn, sleep, wait = eventlet.spawn, eventlet.sleep, lambda green: green.wait()
    else:
        from gevent import monkey
        monkey.patch_all()
        import gevent
        spawn, sleep, wait = gevent.spawn, gevent.sleep, lambda green: green.get()

    import hashlib, json, time
    from sqlalchemy import text
    from workshop import create_app
    from workshop.config import Config, normalise_database_url

    url = normalise_database_url(sys.argv[1])
    app = create_app(Config(database_url=url, secret_key="t", async_mode=MODE))
    app.testing = True
    db = app.extensions["workshop"].db
    client = app.test_client()
    ticks, answers, window = [], [], {}
    running = True

    def ticker():
        while running:
            ticks.append(time.monotonic())
            sleep(0.01)

    def max_gap(start, end):
        inside = [t for t in ticks if start <= t <= end]
        return max((b - a for a, b in zip(inside, inside[1:])), default=end - start)

    ticker_thread = spawn(ticker)
    sleep(0.1)

    # Control: a C call that never yields stalls the ticker.
    start = time.monotonic()
    hashlib.pbkdf2_hmac("sha256", b"x", b"y", 2_000_000)  # ~0.5 s of C without a yield
    sleep(0.05)
    control_gap = max_gap(start - 0.02, time.monotonic())

    def slow_query():
        with db.reading() as session:
            window["start"] = time.monotonic()
            session.execute(text("SELECT pg_sleep(1.0)"))
            window["end"] = time.monotonic()

    def other_requests():
        while "end" not in window:
            for method, path, body in (("get", "/healthz", None),
                                       ("post", "/api/workshops", {"title": "Meanwhile"})):
                t = time.monotonic()
                response = getattr(client, method)(path, json=body)
                answers.append({"path": path, "status": response.status_code,
                                "at": t, "ms": 1000 * (time.monotonic() - t)})
            sleep(0.02)

    slow = spawn(slow_query)
    others = spawn(other_requests)
    wait(slow)
    wait(others)
    running = False
    wait(ticker_thread)
    during = [a for a in answers if window["start"] <= a["at"] <= window["end"]]
    print(json.dumps({
        "driver": db.engine.dialect.driver,
        "slow_s": window["end"] - window["start"],
        "control_gap_s": control_gap,
        "tick_gap_s": max_gap(window["start"], window["end"]),
        "answered_during": len(during),
        "writes_during": sum(1 for a in during if a["path"] == "/api/workshops"
                             and a["status"] == 201),
        "slowest_ms": max((a["ms"] for a in during), default=None),
        "statuses": sorted({a["status"] for a in answers}),
    }))
""")


@pytest.mark.parametrize("mode", ["eventlet", "gevent"])
@pytest.mark.parametrize("scheme, driver", [
    ("postgresql://", "psycopg2"),  # as configured: psycopg2, waiting through the hub
    ("postgresql+pg8000://", "pg8000"),  # pure Python, green by monkey-patching
])
def test_a_slow_query_does_not_stall_other_requests_or_the_hub(postgres_url, scheme, driver,
                                                               mode):
    url = scheme + postgres_url.split("://", 1)[1]
    done = subprocess.run([sys.executable, "-c", SCRIPT, url, mode], cwd=REPO_ROOT,
                          capture_output=True, text=True, timeout=60)
    assert done.returncode == 0, done.stderr[-3000:]
    result = json.loads(done.stdout.strip().splitlines()[-1])
    assert result["driver"] == driver
    # The control blocks for ~0.5 s (more on a busy machine): the ticker must see most of it.
    assert result["control_gap_s"] >= 0.25, f"the ticker cannot see a blocked hub: {result}"
    assert result["slow_s"] >= 0.95, result
    assert result["tick_gap_s"] < 0.25, f"the hub stalled during the query: {result}"
    assert result["answered_during"] >= 10, f"too few requests answered meanwhile: {result}"
    assert result["writes_during"] >= 5, result
    assert result["slowest_ms"] < 500, result
    assert result["statuses"] == [200, 201], result


WORKSHOP_LOCKS = textwrap.dedent("""
    import eventlet
    eventlet.monkey_patch()

    import json, sys
    from sqlalchemy import text
    sys.path.insert(0, {root!r})
    from tests.helpers import add_note, make_member, make_workshop
    from workshop.db import Database
    from workshop.services import log
    from tests.fakes import CollectingPublisher
    from workshop.services.backend import Backend, PresenceRegistry

    backend = Backend(Database({url!r}), CollectingPublisher(), PresenceRegistry())
    slow_room, other_room = make_workshop(backend, "Slow"), make_workshop(backend, "Other")
    in_slow = make_member(backend, slow_room.invite_token, "Ann", "Support")
    in_other = make_member(backend, other_room.invite_token, "Bob", "Support")
    finished = []

    def slow_write():  # holds workshop Slow's write lock (and its row) for half a second
        with backend.db.write_transaction(slow_room.id) as connection:
            log.take_seq(connection, slow_room.id)
            connection.execute(text("SELECT pg_sleep(0.5)"))
            connection.rollback()
        finished.append("slow write")

    def note_in(room, member, name):
        ack = add_note(backend, room.id, member, "Meanwhile")
        finished.append(name if ack["ok"] else ack)

    slow = eventlet.spawn(slow_write)
    eventlet.sleep(0.05)  # the slow write holds its lock now
    same = eventlet.spawn(note_in, slow_room, in_slow, "same workshop")
    other = eventlet.spawn(note_in, other_room, in_other, "other workshop")
    for green in (slow, same, other):
        green.wait()
    print(json.dumps(finished))
""")


def test_a_slow_write_in_one_workshop_does_not_hold_up_another(postgres_url):
    """On PostgreSQL each workshop has its own write lock in the process: another workshop's
    op goes ahead while one is busy, and the busy workshop's next op waits its turn."""
    script = WORKSHOP_LOCKS.format(root=str(REPO_ROOT), url=postgres_url)
    done = subprocess.run([sys.executable, "-c", script], cwd=REPO_ROOT,
                          capture_output=True, text=True, timeout=60)
    assert done.returncode == 0, done.stderr[-3000:]
    assert json.loads(done.stdout.strip().splitlines()[-1]) == [
        "other workshop", "slow write", "same workshop"]
