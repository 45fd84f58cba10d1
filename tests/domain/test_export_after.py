"""The exports of a persona's life after the workshop: the .ics reminder, the backlog as CSV
and Markdown, and the review notices and decisions in Markdown, JSON and the one-pager."""

from __future__ import annotations

import csv
import io
from datetime import date, datetime

import pytest
from icalendar import Calendar

from tests.domain import persona_fixture as fx
from workshop.domain import backlog, merge, review
from workshop.domain.export import backlog_format, ics_format, json_format, markdown, onepager


def after_meta(status="agreed", **extra) -> dict:
    """Export meta with a due review, two stale traits, a usage and a research question."""
    document = fx.document()
    items = merge.all_items(document)
    meta = fx.meta(status)
    meta["review"] = review.status(items, "2025-09-01", date(2025, 9, 2), 18)
    meta["review"]["stale"] = [items[0]["id"], items[1]["id"]]
    meta["review"]["notices"] = ["Review due (review by 2025-09-01)",
                                 "2 traits rest on evidence older than 18 months"]
    meta["usages"] = [{"title": "=Invoice app [roadmap]", "link": "https://wiki.example/r?a=1",
                       "date": "2025-04-01", "team": "Product",
                       "traits": [items[0]["id"], "a:gone"]}]
    meta["questions"] = [{"trait": items[0]["id"], "question": "@SUM(1) really?",
                          "owner": "Lotte", "method": "Interviews", "due": "2025-10-01",
                          "closed": False}]
    meta["backlog"] = backlog.place(items)
    return {**meta, **extra}


def test_the_ics_reminder_is_one_all_day_event_with_a_week_s_notice():
    data = ics_format.review_reminder(fx.document(), after_meta())
    assert data.startswith(b"BEGIN:VCALENDAR\r\n") and data.endswith(b"END:VCALENDAR\r\n")
    assert all(len(line) <= 75 for line in data.split(b"\r\n"))  # RFC 5545 3.1 folding
    calendar = Calendar.from_ical(data)
    assert calendar["VERSION"] == "2.0" and calendar["PRODID"] == ics_format.PRODID
    [event] = calendar.walk("VEVENT")
    assert event.decoded("DTSTART") == date(2025, 9, 1)
    assert event.decoded("DTEND") == date(2025, 9, 2)
    assert event.decoded("DTSTAMP") == datetime.fromisoformat("2025-03-06T09:30:00+00:00")
    assert str(event["UID"]) == "review-p1-v2@persona-workshop"
    assert "Anouk" in str(event["SUMMARY"])
    assert "2 traits rest on evidence older than 18 months" in str(event["DESCRIPTION"])
    [alarm] = event.walk("VALARM")
    assert alarm.decoded("TRIGGER") == -ics_format.NOTICE


def test_no_reminder_without_a_review_date():
    with pytest.raises(ValueError, match="agree a version first"):
        ics_format.review_reminder(fx.document(), after_meta("draft", review=None))


def test_the_backlog_csv_places_every_trait_and_neutralises_formulas():
    data = backlog_format.backlog_csv(fx.document(), after_meta()).decode("utf-8-sig")
    rows = list(csv.reader(io.StringIO(data)))
    assert rows[0] == list(backlog_format.HEADER)
    assert len(rows) - 1 == len(merge.all_items(fx.document()))
    asked = next(row for row in rows[1:] if row[9])
    assert asked[9] == "'@SUM(1) really?" and asked[13] == "open"
    assert {row[3] for row in rows[1:]} <= set(backlog.LABELS.values())


def test_the_backlog_markdown_has_the_four_quadrants_in_order():
    md = backlog_format.backlog_markdown(fx.document(), after_meta()).decode()
    headings = [line for line in md.splitlines() if line.startswith("## ")]
    assert [h.split(" (")[0][3:] for h in headings] == [backlog.LABELS[q]
                                                        for q in backlog.QUADRANTS]
    assert "Research question (open): @SUM(1) really? Owner: Lotte" in md


def test_markdown_says_review_due_and_lists_the_decisions():
    md = markdown.to_markdown(fx.document(), after_meta())
    assert "> **Review due (review by 2025-09-01)**" in md
    assert "> **2 traits rest on evidence older than 18 months**" in md
    assert "## Used in 1 decision" in md
    # The title's Markdown is escaped; the link is a link; a dropped trait says so.
    assert "[\\=Invoice app \\[roadmap\\]](<https://wiki.example/r?a=1>) (2025-04-01, Product)" \
        in md
    assert "a:gone (not in this version)" in md


def test_a_fresh_persona_says_only_its_review_date():
    fresh = after_meta()
    fresh["review"] = review.status([], "2026-01-01", date(2025, 9, 2))
    md = markdown.to_markdown(fx.document(), {**fresh, "usages": []})
    assert "> Review by 2026-01-01." in md and "Used in" not in md


def test_json_carries_review_usages_and_questions_and_reads_version_1():
    exported = json_format.to_json(fx.document(), after_meta())
    assert exported["schema_version"] == 2
    assert exported["meta"]["review"]["due"] is True
    assert exported["meta"]["usages"][0]["traits"][1] == "a:gone"
    assert "backlog" not in exported["meta"]
    document, meta = json_format.from_json(exported)
    assert json_format.to_json(document, meta) == exported
    old = json_format.to_json(fx.document(), fx.meta("agreed"))
    old["schema_version"] = 1
    old["schema"] = "https://persona-workshop.example/schemas/persona-1.json"
    for key in ("review", "usages", "questions"):
        del old["meta"][key]
    document, meta = json_format.from_json(old)
    assert meta["usages"] == [] and meta["review"] is None
    old["schema_version"] = 2
    with pytest.raises(ValueError, match="schema and schema_version disagree"):
        json_format.from_json(old)


def test_the_one_pager_says_review_due_and_how_often_it_was_used():
    page = onepager.onepager_html(fx.document(), after_meta(), stylesheet_href="")
    assert '<p class="review-notice">Review due (review by 2025-09-01)</p>' in page
    assert "Used in 1 decision</p>" in page
