"""Backup and restore: online SQLite backups taken while writing, restored and compared."""

from __future__ import annotations

import hashlib
import shlex
import shutil
import sqlite3
import subprocess
import sys
import threading
import time
from pathlib import Path

import pytest
from alembic.script import ScriptDirectory
from sqlalchemy import text

from tests.fakes import CollectingPublisher
from tests.helpers import add_note, comparable, make_member, make_workshop, send
from tests.reference_reducer import replay
from workshop import create_app
from workshop.backup import BackupError, backup_sqlite, restore_sqlite
from workshop.config import ROOT, Config
from workshop.db import Database
from workshop.migrate import alembic_config
from workshop.reads.snapshot import snapshot
from workshop.reads.sync import sync
from workshop.services.backend import Backend, PresenceRegistry
from workshop.services.errors import ServiceError

PG_URL = "postgresql+pg8000://bob:hunter2@db.example.org:5433/workshop"
HEAD = ScriptDirectory.from_config(alembic_config("sqlite://")).get_current_head()


def open_backend(url: str) -> Backend:
    return Backend(Database(url), CollectingPublisher(), PresenceRegistry())


def build_workshop(backend: Backend) -> dict:
    """A workshop that has been through a session: notes, votes, a group, a decision, comments."""
    created = make_workshop(backend, teams=["Marketing", "Support", "Sales"])
    room = {"id": created.id, "invite_token": created.invite_token,
            "facilitator": make_member(backend, created.facilitator_token, "Maria", ""),
            "people": [make_member(backend, created.invite_token, name, team)
                       for name, team in [("Ann", "Marketing"), ("Sam", "Support"),
                                          ("Jo", "Sales")]]}
    fac = room["facilitator"]["id"]
    persona = send(backend, created.id, fac, "persona.add", {"name": "Ruben"})
    ann, sam, jo = room["people"]
    notes = [add_note(backend, created.id, who, words)["event"]["data"]["assumption"]["id"]
             for who, words in [(ann, "Saves money"), (sam, "Wants cheaper bills"),
                                (jo, "Hates phone calls"), (sam, "Reads the small print")]]
    add_note(backend, created.id, jo, "Rents a room", category="identity",
             persona_id=persona["event"]["data"]["persona"]["id"])
    assert send(backend, created.id, fac, "phase.set", {"phase": "vote"})["ok"]
    for who, stance, dots in [(ann, "agree", 1), (sam, "disagree", 1), (jo, "unsure", 0)]:
        for note in notes[:3]:
            assert send(backend, created.id, who["id"], "vote.cast",
                        {"assumption_id": note, "stance": stance, "dots": dots})["ok"]
    assert send(backend, created.id, fac, "phase.set", {"phase": "reconcile"})["ok"]
    group = send(backend, created.id, fac, "group.add",
                 {"assumption_id": notes[1], "onto_id": notes[0]})["event"]["data"]["groups"][0]
    assert send(backend, created.id, sam["id"], "comment.add",
                {"target_type": "group", "target_id": group["id"], "text": "Same idea"})["ok"]
    assert send(backend, created.id, ann["id"], "comment.add",
                {"target_type": "assumption", "target_id": notes[2], "text": "Not for us"})["ok"]
    assert send(backend, created.id, fac, "decision.set",
                {"target_type": "group", "target_id": group["id"], "decision": "accepted",
                 "reason": "Every team agrees"})["ok"]
    assert send(backend, created.id, fac, "decision.set",
                {"target_type": "assumption", "target_id": notes[3], "decision": "reworded",
                 "text": "Reads every word of the contract"})["ok"]
    room["notes"] = notes
    return room


def state(backend: Backend, room: dict) -> dict:
    return comparable(snapshot(backend, room["id"], room["facilitator"]))


def event_rows(path: Path, workshop_id: str, upto: int | None = None) -> list[dict]:
    """Every column of the workshop's log entries, read straight from the file."""
    conn = sqlite3.connect(path)
    try:
        cursor = conn.execute("SELECT * FROM events WHERE workshop_id = ? ORDER BY seq",
                              (workshop_id,))
        names = [column[0] for column in cursor.description]
        rows = [dict(zip(names, row, strict=True)) for row in cursor]
    finally:
        conn.close()
    return [row for row in rows if upto is None or row["seq"] <= upto]


def stored_seq(path: Path, workshop_id: str) -> int:
    """The workshop's seq in a database file, 0 if the workshop is not in it (yet)."""
    conn = sqlite3.connect(path)
    try:
        row = conn.execute("SELECT seq FROM workshops WHERE id = ?", (workshop_id,)).fetchone()
        return row[0] if row else 0
    finally:
        conn.close()


def fingerprint(folder: Path) -> dict[str, str]:
    """Each file in the folder and a hash of its bytes: proof nothing was touched.

    Not the empty serving lock file a restore takes (workshop/serving_lock.py)."""
    return {p.name: hashlib.sha256(p.read_bytes()).hexdigest()
            for p in sorted(folder.iterdir()) if p.is_file() and p.suffix != ".lock"}


def path_of(url: str) -> Path:
    return Path(url.split("///", 1)[1])


# -- the online backup, taken while another thread writes --------------------------------------

def test_backups_taken_while_writing_are_consistent_and_restore_exactly(sqlite_url, tmp_path):
    live = open_backend(sqlite_url)
    room = build_workshop(live)
    notes = list(room["notes"])
    # Six newcomers share the writing (paced), so no one nears the per-person op rate limit.
    people = [make_member(live, room["invite_token"], f"Writer {n}", "Support") for n in range(6)]
    seq0 = state(live, room)["seq"]
    seen = {seq0: state(live, room)}  # the live state after each op, by seq
    stop, errors = threading.Event(), []

    def write() -> None:
        try:
            step, extra = 0, 0
            while extra < 5:  # once told to stop, five more ops, so the end is after the backups
                who = people[step % len(people)]
                if step % 4 == 0:
                    ack = add_note(live, room["id"], who, f"note {step}")
                    notes.append(ack["event"]["data"]["assumption"]["id"])
                elif step % 4 == 1:
                    ack = send(live, room["id"], who["id"], "vote.cast",
                               {"assumption_id": notes[step % len(notes)],
                                "stance": ["agree", "disagree", "unsure"][step % 3], "dots": 0})
                elif step % 4 == 2:
                    ack = send(live, room["id"], who["id"], "comment.add",
                               {"target_type": "assumption",
                                "target_id": notes[step % len(notes)], "text": f"why {step}"})
                else:
                    ack = add_note(live, room["id"], who, f"fear {step}", category="fears")
                assert ack["ok"], ack
                seen[ack["event"]["seq"]] = state(live, room)
                step += 1
                extra += stop.is_set()
                time.sleep(0.01)
        except Exception as exc:  # noqa: BLE001 - collected and asserted below
            errors.append(exc)

    def wait_for_ops(count: int) -> None:
        goal, deadline = len(seen) + count, time.monotonic() + 30
        while len(seen) < goal and not errors:
            assert time.monotonic() < deadline, "the writer stopped writing"
            time.sleep(0.005)

    writer = threading.Thread(target=write)
    writer.start()
    backups = []
    try:
        for n in range(3):
            wait_for_ops(5)
            backups.append(backup_sqlite(sqlite_url, tmp_path / f"backup-{n}.sqlite3"))
    finally:
        stop.set()
        writer.join(timeout=60)
    assert errors == [] and not writer.is_alive()

    final = state(live, room)["seq"]
    live_path = path_of(sqlite_url)
    assert [e[0] for e in sqlite3.connect(backups[0].path).execute("PRAGMA journal_mode")] == [
        "delete"]  # one self-contained file
    taken = [stored_seq(b.path, room["id"]) for b in backups]
    assert seq0 < taken[0] <= taken[1] <= taken[2] < final  # taken in the middle of the writing

    for n, (made, seq) in enumerate(zip(backups, taken, strict=True)):
        assert made.revision == HEAD and made.size == made.path.stat().st_size
        target = tmp_path / "restored" / f"{n}.sqlite3"
        restored = restore_sqlite(made.path, f"sqlite:///{target}")
        assert restored.path == target.resolve() and not restored.replaced
        # The full log: exactly the live log up to the backup's seq, every column, no gap.
        log = event_rows(target, room["id"])
        assert log == event_rows(live_path, room["id"], upto=seq)
        assert [row["seq"] for row in log] == list(range(1, seq + 1))
        copy = open_backend(f"sqlite:///{target}")
        try:
            restored = state(copy, room)
            # The live board as it was at that seq, and what its own log replays into.
            assert restored == seen[seq]
            events = sync(copy, room["id"], room["facilitator"], 0)["events"]
            assert replay(events) == restored
        finally:
            copy.db.dispose()
    live.db.dispose()


def test_a_backup_includes_what_is_still_only_in_the_wal(sqlite_url, tmp_path):
    live = open_backend(sqlite_url)
    room = build_workshop(live)
    holder = sqlite3.connect(path_of(sqlite_url))  # an open connection: no checkpoint on close
    holder.execute("SELECT 1 FROM workshops").fetchall()
    try:
        add_note(live, room["id"], room["people"][0], "Only in the WAL so far")
        board = state(live, room)
        naive = tmp_path / "naive.sqlite3"
        shutil.copy(path_of(sqlite_url), naive)  # copying the file alone misses the WAL
        assert stored_seq(naive, room["id"]) < board["seq"]
        made = backup_sqlite(sqlite_url, tmp_path / "online.sqlite3")
    finally:
        holder.close()
        live.db.dispose()
    assert stored_seq(made.path, room["id"]) == board["seq"]
    assert not Path(f"{made.path}-wal").exists()


# -- restore: replacing a database, and what it refuses -----------------------------------------

@pytest.fixture
def saved(sqlite_url, tmp_path):
    """A workshop, a backup of it, and what the board looked like at the backup."""
    backend = open_backend(sqlite_url)
    room = build_workshop(backend)
    made = backup_sqlite(sqlite_url, tmp_path / "saved.sqlite3")
    yield {"backend": backend, "room": room, "backup": made.path, "board": state(backend, room),
           "log": event_rows(path_of(sqlite_url), room["id"])}
    backend.db.dispose()


def test_restore_discards_a_crashed_databases_leftover_wal(saved, tmp_path):
    """A stale -wal beside the old file would be replayed into the restored one."""
    other_url = f"sqlite:///{tmp_path / 'other' / 'live.sqlite3'}"
    restore_sqlite(saved["backup"], other_url)
    other = open_backend(other_url)
    with other.db.reading() as session:  # the app's connections switch the file to WAL mode
        session.execute(text("SELECT 1"))
    holder = sqlite3.connect(path_of(other_url))  # keeps the -wal from being checkpointed away
    holder.execute("SELECT 1 FROM workshops").fetchall()
    newer = make_workshop(other, title="Only in the crashed database")
    add_note(other, newer.id, make_member(other, newer.invite_token), "lost")
    crashed = tmp_path / "crashed"
    crashed.mkdir()
    for suffix in ("", "-wal", "-shm"):  # the files on disk as a crash would leave them
        shutil.copy(f"{path_of(other_url)}{suffix}", crashed / f"workshop.sqlite3{suffix}")
    holder.close()
    other.db.dispose()
    target = crashed / "workshop.sqlite3"
    assert Path(f"{target}-wal").stat().st_size > 0

    result = restore_sqlite(saved["backup"], f"sqlite:///{target}", force=True)

    assert result.replaced
    assert sorted(p.name for p in result.removed) == ["workshop.sqlite3-shm",
                                                     "workshop.sqlite3-wal"]
    restored = open_backend(f"sqlite:///{target}")
    try:
        assert state(restored, saved["room"]) == saved["board"]
        with restored.db.reading() as session:
            ids = session.execute(text("SELECT id FROM workshops")).scalars().all()
        assert ids == [saved["room"]["id"]]
    finally:
        restored.db.dispose()
    assert sorted(p.name for p in crashed.iterdir()) == ["workshop.sqlite3",
                                                         "workshop.sqlite3.lock"]


def test_restore_replaces_an_existing_database_only_when_forced(saved, sqlite_url):
    folder = path_of(sqlite_url).parent
    before = fingerprint(folder)
    with pytest.raises(BackupError, match="a running server may be using it"):
        restore_sqlite(saved["backup"], sqlite_url)
    with pytest.raises(BackupError, match="is the database itself"):
        restore_sqlite(path_of(sqlite_url), sqlite_url, force=True)
    with pytest.raises(BackupError, match="already exists"):
        backup_sqlite(sqlite_url, saved["backup"])
    assert fingerprint(folder) == before


@pytest.mark.parametrize("make_bad, message", [
    (lambda good, bad: bad.write_bytes(b"meeting notes, not a database\n" * 200),
     "is not a SQLite database"),
    (lambda good, bad: bad.write_bytes(good.read_bytes()[: good.stat().st_size // 2]),
     "is damaged"),
    (lambda good, bad: _plain_sqlite(bad), "has no alembic_version table"),
], ids=["not-a-database", "truncated", "no-alembic-version"])
def test_restore_refuses_a_bad_file_and_leaves_the_database_untouched(saved, sqlite_url,
                                                                       tmp_path, make_bad,
                                                                       message):
    bad = tmp_path / "bad.sqlite3"
    make_bad(saved["backup"], bad)
    folder = path_of(sqlite_url).parent
    before = fingerprint(folder)
    with pytest.raises(BackupError, match=message):
        restore_sqlite(bad, sqlite_url, force=True)
    assert fingerprint(folder) == before  # no temporary file left behind either
    assert state(saved["backend"], saved["room"]) == saved["board"]


def _plain_sqlite(path: Path) -> None:
    conn = sqlite3.connect(path)
    conn.execute("CREATE TABLE notes (id INTEGER PRIMARY KEY, text TEXT)")
    conn.execute("INSERT INTO notes (text) VALUES ('hello')")
    conn.commit()
    conn.close()


def test_postgres_urls_point_to_pg_dump_and_pg_restore(tmp_path):
    with pytest.raises(BackupError) as backing_up:
        backup_sqlite(PG_URL, tmp_path / "workshop.dump")
    message = str(backing_up.value)
    assert (f"pg_dump --format=custom --file={tmp_path / 'workshop.dump'} "
            "postgresql://bob@db.example.org:5433/workshop") in message
    assert (f"pg_restore --clean --if-exists --single-transaction "
            f"--dbname=postgresql://bob@db.example.org:5433/workshop "
            f"{tmp_path / 'workshop.dump'}") in message
    assert "hunter2" not in message and "pg8000" not in message
    with pytest.raises(BackupError, match="pg_restore --clean --if-exists"):
        restore_sqlite(tmp_path / "workshop.dump", PG_URL, force=True)


# -- the commands -------------------------------------------------------------------------------

def test_backup_and_restore_commands_round_trip(app, tmp_path):
    backend = app.extensions["workshop"]
    room = build_workshop(backend)
    board, url = state(backend, room), backend.db.url
    log = event_rows(path_of(url), room["id"])
    runner = app.test_cli_runner()
    target = tmp_path / "kept" / "before-the-merge.sqlite3"

    result = runner.invoke(args=["backup", str(target)])
    assert result.exit_code == 0, result.output
    size = target.stat().st_size
    assert f"Backed up the database to {target} ({size:,} bytes" in result.output

    add_note(backend, room["id"], room["people"][0], "Written after the backup")
    later = make_workshop(backend, title="Started after the backup")
    assert state(backend, room) != board

    result = runner.invoke(args=["restore", str(target), "--yes"])
    assert result.exit_code == 0, result.output
    assert f"Restored {target} into {path_of(url)}" in result.output
    assert "Restart the server" in result.output
    assert state(backend, room) == board
    assert event_rows(path_of(url), room["id"]) == log
    with pytest.raises(ServiceError, match="no such workshop"):
        snapshot(backend, later.id, room["facilitator"])


def test_backup_command_defaults_to_a_timestamped_file_under_instance(app, tmp_path):
    app.instance_path = str(tmp_path / "instance")
    result = app.test_cli_runner().invoke(args=["backup"])
    assert result.exit_code == 0, result.output
    [made] = (tmp_path / "instance" / "backups").iterdir()
    assert made.name.startswith("workshop-20") and made.name.endswith("Z.sqlite3")
    assert f"{made} ({made.stat().st_size:,} bytes, schema revision {HEAD})" in result.output
    folder = tmp_path / "elsewhere"
    folder.mkdir()
    result = app.test_cli_runner().invoke(args=["backup", str(folder)])  # a folder: name inside
    assert result.exit_code == 0, result.output
    [inside] = folder.iterdir()
    assert inside.name.startswith("workshop-20") and f"to {inside} (" in result.output


def test_restore_command_asks_before_replacing(app, tmp_path):
    backend = app.extensions["workshop"]
    room = build_workshop(backend)
    board = state(backend, room)
    target = tmp_path / "b.sqlite3"
    runner = app.test_cli_runner()
    assert runner.invoke(args=["backup", str(target)]).exit_code == 0
    add_note(backend, room["id"], room["people"][1], "Written after the backup")
    changed = state(backend, room)

    declined = runner.invoke(args=["restore", str(target)], input="n\n")
    assert declined.exit_code == 1 and "Replace the database" in declined.output
    assert "Aborted" in declined.output
    assert state(backend, room) == changed

    accepted = runner.invoke(args=["restore", str(target)], input="y\n")
    assert accepted.exit_code == 0, accepted.output
    assert state(backend, room) == board


# A serving process as `python wsgi.py` is one, as far as a restore can tell: it holds the
# database's serving lock (workshop/startup.py) until it ends.
SERVING = """
import sys, time
from pathlib import Path
from workshop.serving_lock import hold_for_serving
lock = hold_for_serving(Path(sys.argv[1]))
print("serving", flush=True)
time.sleep(120)
"""


def test_restore_command_is_refused_while_a_server_holds_the_database(app, tmp_path):
    backend = app.extensions["workshop"]
    room = build_workshop(backend)
    target = tmp_path / "b.sqlite3"
    runner = app.test_cli_runner()
    assert runner.invoke(args=["backup", str(target)]).exit_code == 0
    add_note(backend, room["id"], room["people"][1], "Written after the backup")
    changed = state(backend, room)
    server = subprocess.Popen([sys.executable, "-c", SERVING, str(path_of(backend.db.url))],
                              stdout=subprocess.PIPE, text=True, cwd=ROOT)
    try:
        assert server.stdout.readline().strip() == "serving"
        for args in (["restore", str(target), "--yes"], ["restore", str(target)]):
            refused = runner.invoke(args=args, input="y\n")
            assert refused.exit_code == 1
            assert "stop the server first" in refused.output
            assert "Replace the database" not in refused.output  # refused before asking
        assert state(backend, room) == changed
    finally:
        server.kill()  # as a crash would end it: the kernel lets go of its lock
        server.wait()
    restored = runner.invoke(args=["restore", str(target), "--yes"])
    assert restored.exit_code == 0, restored.output
    assert state(backend, room) != changed


def test_restore_command_refuses_a_bad_file_with_a_clear_message(app, tmp_path):
    bad = tmp_path / "notes.txt"
    bad.write_text("meeting notes, not a database\n" * 200)
    folder = path_of(app.extensions["workshop"].db.url).parent
    before = fingerprint(folder)
    result = app.test_cli_runner().invoke(args=["restore", str(bad), "--yes"])
    assert result.exit_code == 1
    assert f"Error: {bad} is not a SQLite database" in result.output
    assert fingerprint(folder) == before


def test_commands_on_postgres_print_the_pg_commands(tmp_path):
    app = create_app(Config(database_url=PG_URL, secret_key="test-secret",
                            async_mode="threading"))
    app.instance_path = str(tmp_path)
    runner = app.test_cli_runner()
    result = runner.invoke(args=["backup"])
    assert result.exit_code == 1
    assert "pg_dump --format=custom --file=" in result.output
    assert f"{tmp_path}/backups/workshop-" in result.output and ".dump " in result.output
    assert "postgresql://bob@db.example.org:5433/workshop" in result.output
    assert "hunter2" not in result.output
    dump = tmp_path / "workshop.dump"
    dump.write_bytes(b"PGDMP")
    result = runner.invoke(args=["restore", str(dump)])  # no question: nothing is replaced
    assert result.exit_code == 1
    assert (f"pg_restore --clean --if-exists --single-transaction "
            f"--dbname=postgresql://bob@db.example.org:5433/workshop {dump}") in result.output
    app.extensions["workshop"].db.dispose()


# -- the PostgreSQL commands the guidance prints, run for real ----------------------------------

@pytest.mark.postgres
def test_the_printed_pg_commands_back_up_and_restore_postgres(postgres_url, tmp_path):
    if not (shutil.which("pg_dump") and shutil.which("pg_restore")):
        pytest.skip("pg_dump and pg_restore are not installed")
    dump = tmp_path / "workshop.dump"
    with pytest.raises(BackupError) as guidance:
        backup_sqlite(postgres_url, dump)
    commands = {line.split()[0]: shlex.split(line) for line in
                (raw.strip() for raw in str(guidance.value).splitlines())
                if line.startswith(("pg_dump ", "pg_restore "))}
    backend = open_backend(postgres_url)
    room = build_workshop(backend)
    board = state(backend, room)
    with backend.db.reading() as session:
        log = session.execute(text("SELECT * FROM events WHERE workshop_id = :w ORDER BY seq"),
                              {"w": room["id"]}).all()

    dumped = subprocess.run(commands["pg_dump"], capture_output=True, text=True)
    if "version mismatch" in dumped.stderr:
        pytest.skip(f"pg_dump cannot dump this server: {dumped.stderr.strip()}")
    assert dumped.returncode == 0, dumped.stderr
    add_note(backend, room["id"], room["people"][0], "Written after the dump")
    backend.db.dispose()  # "stop the server": pg_restore --clean drops the tables

    restored = subprocess.run(commands["pg_restore"], capture_output=True, text=True)
    assert restored.returncode == 0, restored.stderr
    backend = open_backend(postgres_url)
    try:
        assert state(backend, room) == board
        with backend.db.reading() as session:
            assert session.execute(text("SELECT * FROM events WHERE workshop_id = :w "
                                        "ORDER BY seq"), {"w": room["id"]}).all() == log
    finally:
        backend.db.dispose()
