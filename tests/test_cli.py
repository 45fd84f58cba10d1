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
    url = f"sqlite:///{tmp_path / 'new.sqlite3'}"
    app = create_app(Config(database_url=url, secret_key="test-secret",
                            async_mode="threading"))
    runner = app.test_cli_runner()
    first = runner.invoke(args=["db-upgrade"])
    assert first.exit_code == 0, first.output
    assert first.output == "migrated the new database to schema revision 0009\n"
    again = runner.invoke(args=["db-upgrade"])
    assert again.output == "the database is already up to date (schema revision 0009)\n"

    older = f"sqlite:///{tmp_path / 'older.sqlite3'}"
    migrate.upgrade(older, "0005")
    app = create_app(Config(database_url=older, secret_key="test-secret",
                            async_mode="threading"))
    result = app.test_cli_runner().invoke(args=["db-upgrade"])
    assert result.output == "migrated the database from schema revision 0005 to 0009\n"


def test_dataset_import_keeps_aggregates_drops_identifiers_and_reports_bad_rows(app, workshop,
                                                                                tmp_path):
    from tests.profiles_data import AS_OF, customer_csv

    runner = app.test_cli_runner()
    good = tmp_path / "crm.csv"
    good.write_bytes(customer_csv(500))
    base = ["dataset", "import", str(good), "--workshop", workshop, "--name", "CRM export",
            "--as-of", AS_OF.isoformat()]
    refused = runner.invoke(args=base)  # no roles and no --accept-defaults
    assert refused.exit_code != 0 and "--accept-defaults" in refused.output
    result = runner.invoke(args=[*base, "--accept-defaults", "--role", "gender=dropped"])
    assert result.exit_code == 0, result.output
    assert "Imported 500 rows as 'CRM export'" in result.output
    kept = result.output.split("kept", 1)[1]
    assert "email" not in kept and "gender" not in kept and "age" in kept
    bad = tmp_path / "bad.csv"
    lines = customer_csv(30).decode().splitlines()
    lines[4] += ",an extra field"
    bad.write_text("\n".join(lines) + "\n")
    result = runner.invoke(args=["dataset", "import", str(bad), "--workshop", workshop,
                                 "--name", "Bad", "--as-of", AS_OF.isoformat(),
                                 "--accept-defaults"])
    assert result.exit_code != 0
    assert "row 5" in result.output and "nothing was imported" in result.output
