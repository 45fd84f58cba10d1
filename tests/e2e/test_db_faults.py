"""The database misbehaving under the real server process (`python wsgi.py`), as an unlucky
operator meets it: a full disk, a file another process holds locked at start-up, a database
that was never migrated, and a restore run while the server is up (issue 25).

The tests that write end the way the event log promises: each acknowledged op is in the log
exactly once, with no gap in its seqs, also after the server was restarted.
"""

from __future__ import annotations

import os
import subprocess
import sys
import threading
import time
import uuid
from collections import Counter
from pathlib import Path

import pytest
import requests

from tests.e2e.conftest import REPO_ROOT, LiveServer
from tests.e2e.test_live_sync import TIMEOUT_S, Member, assert_log_has_no_gap, token_of
from workshop.db import sqlite_file
from workshop.migrate import head_revision

pytestmark = [pytest.mark.live]

UNAVAILABLE = {"code": "unavailable", "message": "the server could not save this; try again"}


# ---- helpers -------------------------------------------------------------------------------


def flask_command(server: LiveServer, *args: str) -> subprocess.CompletedProcess:
    """`flask --app workshop …` with the server's configuration (its database)."""
    env = {**server.env, "PYTHONWARNINGS": "ignore"}
    return subprocess.run([sys.executable, "-m", "flask", "--app", "workshop", *args],
                          cwd=REPO_ROOT, env=env, capture_output=True, text=True, timeout=60)


def new_workshop(server: LiveServer, title: str = "Who rides our e-bikes?") -> dict:
    response = requests.post(server.url + "/api/workshops", timeout=TIMEOUT_S,
                             json={"title": title, "teams": ["Marketing", "Support"]})
    assert response.status_code == 201, response.text
    return response.json()


def join(server: LiveServer, link: str, name: str) -> Member:
    """A member with a cookie of their own and an open socket."""
    http = requests.Session()
    response = http.post(server.url + "/api/join", timeout=TIMEOUT_S,
                         json={"token": token_of(link), "name": name, "team": "Support"})
    assert response.status_code == 201, response.text
    body = response.json()
    member = Member(server.url, body["workshop_id"], http, body["participant"])
    member.connect()
    return member


def note_op(member: Member, text: str) -> dict:
    return {"op_id": uuid.uuid4().hex, "type": "assumption.add",
            "data": {"persona_id": member.state["personas"][0]["id"], "category": "goals",
                     "text": text}}


def assert_acked_once(member: Member, acked: list[str]) -> None:
    """Each acknowledged op is in the log exactly once, and the log has no gap."""
    log = member.fetch_events(0)
    assert_log_has_no_gap(log)
    logged = Counter(event["op_id"] for event in log["events"] if event.get("op_id"))
    missing = [op_id for op_id in acked if logged[op_id] == 0]
    assert not missing, f"{len(missing)} acknowledged ops are missing"
    assert all(count == 1 for count in logged.values()), "an op is in the log twice"


# ---- a full disk ---------------------------------------------------------------------------


@pytest.fixture
def small_filesystem(tmp_path):
    """A 4 MiB tmpfs of its own, so filling it troubles nobody (needs root, or sudo -n)."""
    mount_point = tmp_path / "small-fs"
    mount_point.mkdir()
    prefix = [] if os.geteuid() == 0 else ["sudo", "-n"]
    mounted = subprocess.run([*prefix, "mount", "-t", "tmpfs", "-o", "size=4m,mode=0777",
                              "tmpfs", str(mount_point)], capture_output=True, text=True)
    if mounted.returncode != 0:
        pytest.skip(f"cannot mount a small tmpfs here: {mounted.stderr.strip()}")
    try:
        yield mount_point
    finally:
        subprocess.run([*prefix, "umount", "-l", str(mount_point)], check=True)


def fill(folder: Path, leave: int) -> list[Path]:
    """Fill the file system with ballast files, then free `leave` bytes of it again."""
    ballast: list[Path] = []
    chunk = b"\0" * 65536
    try:
        while True:
            path = folder / f"ballast-{len(ballast)}"
            ballast.append(path)
            with open(path, "wb") as handle:
                handle.write(chunk)
    except OSError:  # ENOSPC: it is full
        pass
    freed = 0
    while freed < leave and ballast:
        freed += 65536
        ballast.pop().unlink(missing_ok=True)
    return ballast


@pytest.fixture
def server_on_small_filesystem(small_filesystem, tmp_path):
    """`python wsgi.py` serving a SQLite file on the small file system (logs elsewhere)."""
    server = LiveServer(tmp_path)
    server.database_url = f"sqlite:///{small_filesystem / 'full.sqlite3'}"
    server.env["WORKSHOP_DATABASE_URL"] = server.database_url
    server.env["WORKSHOP_OP_RATE"] = "1000/second"  # the burst below is not a person's
    with server.serving():
        yield server


def test_a_full_disk_refuses_ops_as_unavailable_and_the_next_op_works_once_space_is_back(
        server_on_small_filesystem, small_filesystem):
    server = server_on_small_filesystem
    created = new_workshop(server)
    sam = join(server, created["invite_url"], "Sam")
    ballast = fill(small_filesystem, leave=512 * 1024)

    acked: list[str] = []
    refused = None
    for i in range(1500):
        envelope = note_op(sam, f"note {i}: " + "x" * 480)
        ack = sam.sio.call("op", envelope, timeout=TIMEOUT_S)  # no ack at all fails here
        if not ack["ok"]:
            refused = (envelope, ack)
            break
        sam.take_ack(ack)
        acked.append(envelope["op_id"])
    assert refused is not None, "the file system never filled up"
    assert refused[1] == {"ok": False, "error": UNAVAILABLE}
    assert len(acked) >= 5  # it served until the disk was full

    # While the disk stays full, HTTP answers JSON too, and every op is refused the same way.
    over_http = sam.http.post(f"{server.url}/api/workshops/{sam.workshop_id}/ops",
                              json=note_op(sam, "y" * 490), timeout=TIMEOUT_S)
    assert over_http.status_code == 503, over_http.text
    assert over_http.json() == {"ok": False, "error": UNAVAILABLE}
    created_while_full = requests.post(server.url + "/api/workshops", timeout=TIMEOUT_S,
                                       json={"title": "t" * 200, "teams": ["A", "B"]})
    assert created_while_full.status_code in (201, 503)  # a small row may still fit
    if created_while_full.status_code == 503:
        assert created_while_full.json() == {"error": UNAVAILABLE}

    for path in ballast:  # the operator frees space; nobody restarts anything
        path.unlink()
    retried = sam.sio.call("op", refused[0], timeout=TIMEOUT_S)  # the same op id
    assert retried["ok"] and not retried.get("duplicate"), retried
    sam.take_ack(retried)
    following = sam.op("assumption.add", note_op(sam, "after the disk was freed")["data"])
    assert following["ok"], following
    acked += [refused[0]["op_id"], following["event"]["op_id"]]
    assert_acked_once(sam, acked)
    assert "database or disk is full" in server.logs()  # the operator can see why

    sam.disconnect()
    server.restart()  # a SIGKILL, then the same file again: nothing acknowledged is lost
    assert_acked_once(sam, acked)
    assert len([e for e in sam.fetch_events(0)["events"] if e.get("op_id")]) == len(acked)


# ---- start-up --------------------------------------------------------------------------------


HOLD_WRITE_LOCK = """
import sqlite3, sys
connection = sqlite3.connect(sys.argv[1], isolation_level=None)
connection.execute("BEGIN IMMEDIATE")
connection.execute("CREATE TABLE held_by_another_process (x)")
print("held", flush=True)
sys.stdin.readline()  # until the test says so
connection.execute("ROLLBACK")
"""


def test_start_up_waits_for_a_write_transaction_another_process_holds(tmp_path):
    server = LiveServer(tmp_path)
    server.migrate()  # a freshly migrated file: the server switches it to WAL at start-up
    holder = subprocess.Popen(
        [sys.executable, "-c", HOLD_WRITE_LOCK, sqlite_file(server.database_url)],
        stdin=subprocess.PIPE, stdout=subprocess.PIPE, text=True)
    failures: list[BaseException] = []

    def start() -> None:
        try:
            server.start()  # fails if the server exits, or is not healthy within 20 s
        except BaseException as error:  # noqa: BLE001 - reported by the test's thread
            failures.append(error)

    starting = threading.Thread(target=start)
    try:
        assert holder.stdout.readline().strip() == "held"
        starting.start()
        deadline = time.monotonic() + 20
        while "locked by another process; waiting" not in server.logs():
            assert time.monotonic() < deadline and starting.is_alive(), server.logs()
            time.sleep(0.1)
        time.sleep(6)  # longer than SQLite's busy timeout: it keeps waiting, it does not exit
        assert starting.is_alive() and server.process.poll() is None, server.logs()
        holder.stdin.write("release\n")
        holder.stdin.flush()
        assert holder.wait(timeout=10) == 0
        starting.join(timeout=30)
        assert not failures, failures
        created = new_workshop(server)
        sam = join(server, created["invite_url"], "Sam")
        assert sam.add_note("Served after the lock was released")["ok"]
        sam.disconnect()
    finally:
        holder.kill()
        starting.join(timeout=30)
        server.stop()


HEAD = head_revision()  # the revision this code needs


def test_a_server_on_a_database_never_migrated_refuses_to_start_with_one_line(tmp_path):
    server = LiveServer(tmp_path)  # not migrated
    result = subprocess.run([sys.executable, "wsgi.py"], cwd=REPO_ROOT, capture_output=True,
                            text=True, timeout=60, env={**server.env, "PYTHONWARNINGS": "ignore"})
    assert result.returncode == 1
    assert result.stdout == ""
    assert result.stderr.strip().splitlines() == [
        "Persona Workshop cannot start: the database was never migrated: run "
        f"`flask --app workshop db-upgrade` (this code needs schema revision {HEAD})"]

    upgraded = flask_command(server, "db-upgrade")
    assert upgraded.returncode == 0, upgraded.stderr
    assert upgraded.stdout.strip() == f"migrated the new database to schema revision {HEAD}"
    again = flask_command(server, "db-upgrade")
    assert again.stdout.strip() == f"the database is already up to date (schema revision {HEAD})"
    server.start()
    try:
        new_workshop(server)
        missing = requests.get(server.url + "/api/workshops/nope/links", timeout=TIMEOUT_S)
        assert missing.status_code == 401 and missing.json()["error"]["code"]
    finally:
        server.stop()


# ---- restore -------------------------------------------------------------------------------


def test_restore_is_refused_while_the_server_runs_and_works_once_it_is_stopped(tmp_path):
    server = LiveServer(tmp_path)
    server.migrate()
    server.start()
    try:
        first = new_workshop(server, "Saved in the backup")
        backup = tmp_path / "saved.sqlite3"
        made = flask_command(server, "backup", str(backup))
        assert made.returncode == 0, made.stderr
        sam = join(server, first["invite_url"], "Sam")
        acked = [sam.add_note(f"after the backup {i}")["event"]["op_id"] for i in range(5)]

        refused = flask_command(server, "restore", str(backup), "--yes")
        assert refused.returncode != 0
        assert "stop the server first" in refused.stderr, refused.stderr
        # The server goes on, on the same file, and keeps every acknowledged op.
        acked.append(sam.add_note("after the refused restore")["event"]["op_id"])
        assert_acked_once(sam, acked)
        sam.disconnect()
        server.restart()
        assert_acked_once(sam, acked)
    finally:
        server.stop()

    restored = flask_command(server, "restore", str(backup), "--yes")
    assert restored.returncode == 0, restored.stderr
    assert "Restored" in restored.stdout
    server.start()
    try:  # the workshop as it was at the backup: no Sam, no notes
        ann = join(server, first["invite_url"], "Ann")
        assert ann.state["assumptions"] == []
        assert [p["name"] for p in ann.state["participants"]] == ["Ann"]
        ann.disconnect()
    finally:
        server.stop()
