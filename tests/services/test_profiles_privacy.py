"""Aggregates only, never people: after a whole profiles session on the generated export, no
row-level value is in any event, snapshot (each role), export or a backup's events."""

from __future__ import annotations

import base64
import json
import re
import sqlite3

import pytest

from tests.helpers import add_note, make_room, send
from tests.profiles_data import AS_OF, HEADERS, customer_csv, customer_rows
from workshop import backup
from workshop.domain.export import formats
from workshop.reads.snapshot import snapshot
from workshop.reads.sync import sync
from workshop.services import datasets, exports
from workshop.services.errors import ServiceError

ROWS = 3000
# The columns whose every value identifies or pins down one person.
PERSONAL = ("customer_id", "full_name", "email", "phone", "street", "postcode", "birth_date",
            "iban")


def row_level_values() -> set[str]:
    """Every personal value of the file, and every raw revenue figure with cents."""
    index = {name: HEADERS.index(name) for name in PERSONAL + ("revenue",)}
    values = set()
    for row in customer_rows(ROWS):
        values.update(row[index[name]] for name in PERSONAL if row[index[name]])
        revenue = row[index["revenue"]]
        if not revenue.endswith("0"):  # 12.30 could be printed as 12.3 by anything
            values.add(revenue)
    return values


def leaks(text: str, values: set[str]) -> list[str]:
    """The values that stand in `text` on their own: a revenue of 57.74 is not leaked by a
    timestamp's seconds, 21:45:57.742."""
    return sorted(value for value in values if value in text and re.search(
        rf"(?<![0-9A-Za-z]){re.escape(value)}(?![0-9A-Za-z])", text))[:5]


@pytest.fixture
def backend(sqlite_url, worker_pool):
    """On SQLite: the backup is a copy of the database file."""
    from tests.conftest import ModelCheckingPublisher
    from workshop.db import Database
    from workshop.services.backend import Backend, PresenceRegistry
    from workshop.services.rate_limit import OpRateLimiter

    db = Database(sqlite_url)
    yield Backend(db, ModelCheckingPublisher(), PresenceRegistry(),
                  OpRateLimiter("10000/second"), offload=worker_pool)
    db.dispose()


def test_no_row_level_value_anywhere(backend, sqlite_url, tmp_path):
    room = make_room(backend, "sam", "olga", facilitator="maria")
    wid, maria = room["id"], room["facilitator"]
    ack = datasets.import_dataset(backend, wid, maria["id"], {
        "name": "CRM export", "source": "CRM", "as_of": AS_OF.isoformat(),
        "content_base64": base64.b64encode(customer_csv(ROWS)).decode(),
        # Keep every column that is not a direct identifier, the derived age included.
        "roles": {"revenue": "attribute", "city": "attribute"}})
    assert ack["ok"], ack
    dataset = ack["event"]["data"]["dataset"]
    segments = {}
    for name in ("Established households", "Urban families"):
        segments[name] = send(backend, wid, maria["id"], "segment.define", {
            "dataset_id": dataset["id"], "name": name,
            "rule": {"column": "segment", "test": "equals", "value": name}})["event"]["data"]
    persona = snapshot(backend, wid, maria)["personas"][0]["id"]
    assert send(backend, wid, maria["id"], "persona.tie", {
        "persona_id": persona,
        "segment_id": segments["Established households"]["segment"]["id"]})["ok"]
    note = add_note(backend, wid, room["sam"], "Phones the shop")["event"]["data"]["assumption"]
    for claim in ({"field": "identity.age_range", "column": "age", "text": "35–45"},
                  {"assumption_id": note["id"], "column": "channel", "kind": "more_likely",
                   "text": "phone"}):
        assert send(backend, wid, maria["id"], "claim.set", {"persona_id": persona,
                                                              **claim})["ok"]
    assert send(backend, wid, maria["id"], "decision.set", {
        "target_type": "assumption", "target_id": note["id"], "decision": "accepted"})["ok"]
    assert send(backend, wid, maria["id"], "phase.set", {"phase": "merge"})["ok"]
    assert send(backend, wid, maria["id"], "document.create", {"persona_id": persona})["ok"]

    values = row_level_values()
    assert len(values) > ROWS * 5  # the check has something to find
    texts = {}
    for who in ("facilitator", "sam", "olga"):
        viewer = room[who]
        texts[f"snapshot:{who}"] = json.dumps(snapshot(backend, wid, viewer))
        texts[f"log:{who}"] = json.dumps(sync(backend, wid, viewer, 0)["events"])
    for fmt in formats.of_scope(formats.PERSONA):
        try:
            result = exports.export_persona(backend, wid, maria, persona, fmt.extension)
        except ServiceError:  # the review reminder needs an agreed version, and holds no data
            assert fmt.extension == "ics"
            continue
        if fmt.extension != "pdf":
            texts[f"export:{fmt.extension}"] = result.content.decode()
    for fmt in formats.of_scope(formats.WORKSHOP):
        texts[f"export:{fmt.extension}"] = exports.export_assumptions(
            backend, wid, maria, fmt.extension).content.decode()
    copy = backup.backup_sqlite(sqlite_url, tmp_path / "backup.sqlite3")
    with sqlite3.connect(copy.path) as connection:
        texts["backup:events"] = json.dumps(connection.execute(
            "SELECT type, data, public FROM events").fetchall())
    assert "CRM export" in texts["export:json"]  # the figures are there: aggregates
    found = {where: leaks(text, values) for where, text in texts.items()}
    assert {where: hit for where, hit in found.items() if hit} == {}


def test_the_leak_check_finds_a_value_in_json_but_not_inside_a_timestamp():
    values = {"57.74", "anna@example.com"}
    assert leaks('{"revenue": "57.74", "to": "anna@example.com"}', values) == [
        "57.74", "anna@example.com"]
    assert leaks('{"at": "2026-12-07T21:45:57.742113"}', values) == []
