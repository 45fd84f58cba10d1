"""The command line: `db-upgrade` says what it did; `export` writes the same files as the API."""

import io
import json

import pytest
from pypdf import PdfReader

from tests.helpers import add_note, make_member, make_workshop, send
from workshop import create_app, migrate
from workshop.config import Config


@pytest.fixture
def workshop(app):
    """A workshop whose persona has one accepted note and a document, on the app's database."""
    backend = app.extensions["workshop"]
    created = make_workshop(backend)
    maria = make_member(backend, created.facilitator_token, "Maria", "")
    sam = make_member(backend, created.invite_token, "Sam", "Support")
    note = add_note(backend, created.id, sam, "Pays every bill on her phone")
    send(backend, created.id, maria["id"], "decision.set", {
        "target_type": "assumption", "decision": "accepted",
        "target_id": note["event"]["data"]["assumption"]["id"]})
    persona = note["event"]["data"]["assumption"]["persona_id"]
    assert send(backend, created.id, maria["id"], "phase.set", {"phase": "merge"})["ok"]
    assert send(backend, created.id, maria["id"], "document.create", {"persona_id": persona})["ok"]
    assert send(backend, created.id, sam["id"], "document.save", {
        "persona_id": persona, "path": "identity.name", "value": "Anouk", "base_rev": 0})["ok"]
    return created.id


def test_export_writes_a_named_file_by_default(app, workshop, tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)
    result = app.test_cli_runner().invoke(args=["export", workshop])
    assert result.exit_code == 0, result.output
    written = tmp_path / "anouk-v1-draft.md"
    assert "Wrote anouk-v1-draft.md" in result.output
    text = written.read_text()
    assert text.startswith("# Anouk") and "Pays every bill on her phone" in text


def test_export_json_to_stdout_and_pdf_to_a_file(app, workshop, tmp_path):
    runner = app.test_cli_runner()
    result = runner.invoke(args=["export", workshop, "--persona", "Primary customer",
                                 "--format", "json", "-o", "-"])
    assert result.exit_code == 0, result.output
    exported = json.loads(result.stdout)
    assert exported["persona"]["identity"]["name"] == "Anouk"
    target = tmp_path / "anouk.pdf"
    result = runner.invoke(args=["export", workshop, "--format", "pdf", "-o", str(target)])
    assert result.exit_code == 0, result.output
    assert len(PdfReader(io.BytesIO(target.read_bytes())).pages) == 1


def test_export_csv_and_clear_errors(app, workshop, tmp_path):
    runner = app.test_cli_runner()
    target = tmp_path / "all.csv"
    assert runner.invoke(args=["export", workshop, "--format", "csv", "-o",
                               str(target)]).exit_code == 0
    assert "Pays every bill on her phone" in target.read_text(encoding="utf-8-sig")
    missing = runner.invoke(args=["export", workshop, "--persona", "Nobody"])
    assert missing.exit_code != 0 and "no persona 'Nobody'" in missing.output
    assert "Primary customer" in missing.output  # it names the ones there are
    version = runner.invoke(args=["export", workshop, "--version", "7"])
    assert version.exit_code != 0 and "no version 7" in version.output


def test_db_upgrade_says_whether_it_migrated_or_found_nothing_to_do(tmp_path):
    from alembic.script import ScriptDirectory

    url = f"sqlite:///{tmp_path / 'new.sqlite3'}"
    # The newest revision, read from migrations/versions/ (it moves with every migration).
    head = ScriptDirectory.from_config(migrate.alembic_config(url)).get_current_head()
    app = create_app(Config(database_url=url, secret_key="test-secret",
                            async_mode="threading"))
    runner = app.test_cli_runner()
    first = runner.invoke(args=["db-upgrade"])
    assert first.exit_code == 0, first.output
    assert first.output == f"migrated the new database to schema revision {head}\n"
    again = runner.invoke(args=["db-upgrade"])
    assert again.output == f"the database is already up to date (schema revision {head})\n"

    older = f"sqlite:///{tmp_path / 'older.sqlite3'}"
    migrate.upgrade(older, "0005")
    app = create_app(Config(database_url=older, secret_key="test-secret",
                            async_mode="threading"))
    result = app.test_cli_runner().invoke(args=["db-upgrade"])
    assert result.output == f"migrated the database from schema revision 0005 to {head}\n"


def test_reviews_due_lists_and_records_each_due_version_once(app, workshop):
    from datetime import date, timedelta

    from workshop.reads.sync import sync
    backend = app.extensions["workshop"]
    runner = app.test_cli_runner()
    maria = {"id": None, "role": "facilitator"}
    state = sync(backend, workshop, maria, 0)
    facilitator = next(e["data"]["participant"]["id"] for e in state["events"]
                       if e["type"] == "participant.joined"
                       and e["data"]["participant"]["role"] == "facilitator")
    persona = state["events"][1]["data"]["persona"]["id"]
    assert send(backend, workshop, facilitator, "document.agree",
                {"persona_id": persona, "number": 1})["ok"]
    review_by = date.today() + timedelta(days=180)  # the default interval

    early = runner.invoke(args=["reviews", "--due", "--on",
                                (review_by - timedelta(days=1)).isoformat()])
    assert early.exit_code == 0, early.output
    assert early.stdout == ""
    listed = runner.invoke(args=["reviews"])
    assert listed.exit_code == 0
    assert listed.stdout.split("\t")[:3] == [review_by.isoformat(), "not due", workshop]

    due = runner.invoke(args=["reviews", "--due", "--on", review_by.isoformat()])
    assert due.exit_code == 3
    line = due.stdout.strip().split("\t")
    assert line[:3] == [review_by.isoformat(), "due, new", workshop]
    assert line[4:] == ["Anouk", "v1", "0 stale"]
    again = runner.invoke(args=["reviews", "--due", "--on", review_by.isoformat()])
    assert again.exit_code == 3 and "\tdue\t" in again.stdout
    recorded = [e for e in sync(backend, workshop, maria, 0)["events"]
                if e["type"] == "review.due"]
    assert [e["data"] for e in recorded] == [{"persona_id": persona, "number": 1,
                                              "review_by": review_by.isoformat(),
                                              "stale_traits": 0}]


def test_reviews_refuses_a_day_that_is_no_date(app):
    result = app.test_cli_runner().invoke(args=["reviews", "--due", "--on", "2026-02-30"])
    assert result.exit_code == 2 and "not a calendar date" in result.output
