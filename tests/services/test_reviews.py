"""The persona after the workshop as the page and the exports read it (services/reviews.py,
services/exports.py): review date, attention, backlog, the diff's affected decisions."""

from __future__ import annotations

import json
from datetime import date, timedelta

import pytest

from tests.helpers import add_research, first_persona, make_room, send
from tests.ops.agreed import agreed_room
from workshop.domain.review import ReviewSettings
from workshop.services import exports, reviews
from workshop.services.errors import ServiceError


@pytest.fixture
def room(backend):
    return agreed_room(backend)


def test_the_review_reads_what_needs_attention_and_places_the_backlog(backend, room):
    wid, sam, persona = room["id"], room["sam"], room["persona"]
    read = reviews.persona_review(backend, wid, sam, persona)
    assert read["agreed"] == read["current"] == 1
    assert read["review"]["review_by"] == (date.today() + timedelta(days=180)).isoformat()
    assert read["review"]["due"] is False
    # "Pays by phone" (3 dots) and "Cycles to work" are untested; "Hates forms" has research.
    pays, forms, cycles = room["traits"]
    assert read["attention"] == {pays: ["untested"], cycles: ["untested"]}
    quadrants = {entry["id"]: entry["quadrant"] for entry in read["backlog"]}
    assert quadrants == {pays: "research_now", forms: "fine", cycles: "watch"}
    # Research linked after the agreement: new research, and the backlog counts it as tested.
    note = add_research(backend, wid, sam, title="Payment data", body="Most pay by phone.",
                        date="2026-11-20")
    send(backend, wid, sam["id"], "evidence.link", {
        "note_id": note["id"], "assumption_id": room["notes"][0], "relation": "contradicts",
        "quote": "pay by phone"})
    read = reviews.persona_review(backend, wid, sam, persona)
    assert read["attention"][pays] == ["newly_contradicted", "new_research"]
    entry = next(e for e in read["backlog"] if e["id"] == pays)
    assert (entry["evidence"], entry["quadrant"], entry["rethink"]) == (
        "contradicted", "rely_on", True)


def test_a_review_date_passed_makes_it_due_in_every_export(backend, room):
    backend.review = ReviewSettings(after_days=0)
    wid, maria, persona = room["id"], room["maria"], room["persona"]
    md = exports.export_persona(backend, wid, maria, persona, "md").content.decode()
    assert f"> **Review due (review by {date.today().isoformat()})**" in md
    exported = json.loads(exports.export_persona(backend, wid, maria, persona, "json").content)
    assert exported["meta"]["review"]["due"] is True
    ics = exports.export_persona(backend, wid, maria, persona, "ics")
    assert ics.media_type == "text/calendar; charset=utf-8"
    assert ics.filename.endswith(".ics") and b"BEGIN:VEVENT" in ics.content


def test_the_reminder_needs_an_agreed_version(backend):
    room = make_room(backend, "maria", "sam")
    persona = first_persona(backend, room["id"], room["maria"])
    with pytest.raises(ServiceError) as refused:
        exports.export_persona(backend, room["id"], room["maria"], persona, "ics")
    assert refused.value.reason == "export_needs_agreed"


def test_the_diff_lists_the_decisions_a_new_version_affects(backend, room):
    wid, maria, sam, persona = room["id"], room["maria"], room["sam"], room["persona"]
    pays, forms, _ = room["traits"]
    send(backend, wid, sam["id"], "usage.add", {"persona_id": persona, "title": "Roadmap",
                                                 "date": "2026-11-30", "traits": [pays]})
    send(backend, wid, sam["id"], "usage.add", {"persona_id": persona, "title": "Forms",
                                                 "date": "2026-11-30", "traits": [forms]})
    assert send(backend, wid, maria["id"], "review.start", {"persona_id": persona})["ok"]
    assert send(backend, wid, maria["id"], "document.save", {
        "persona_id": persona, "path": f"items.{pays}", "value": "Pays by phone, weekly",
        "base_rev": 0})["ok"]
    diff = exports.diff(backend, wid, persona, 1, 2)
    assert [(u["title"], [t["status"] for t in u["traits"]]) for u in diff["affected"]] == [
        ("Roadmap", ["changed"])]
