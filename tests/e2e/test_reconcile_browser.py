"""Reconciliation in a real browser: drag one note onto another, discuss, decide, filter."""

from __future__ import annotations

import pytest

from tests.e2e.browsing import create_workshop, join, note

pytestmark = [pytest.mark.live, pytest.mark.browser]

FIRST = "Wants to commute without a car"
SECOND = "Wants to get to work without owning a car"
OTHER = "Prefers WhatsApp over e-mail"


def add(page, category: str, text: str) -> None:
    box = page.locator(f"section.column[data-category={category}] form.add-note textarea")
    box.click()
    box.fill(text)
    box.press("Enter")


def test_drag_a_duplicate_onto_its_twin_then_discuss_decide_and_filter(person, live_server):
    from playwright.sync_api import expect

    links = create_workshop(live_server.url)
    fay = join(person, links["facilitator_url"], "Fay")
    pat = join(person, links["invite_url"], "Pat", "Support")
    for category, text in (("goals", FIRST), ("goals", SECOND), ("channels", OTHER)):
        add(pat.page, category, text)
    expect(note(fay.page, OTHER)).to_have_count(1)

    # Drag and drop: the second note onto the first forms a group titled after the first.
    note(fay.page, SECOND).drag_to(note(fay.page, FIRST))
    for page in (fay.page, pat.page):
        group = page.locator(".group-card")
        expect(group.locator(".group-title")).to_have_text(FIRST)
        expect(group.locator(".group-notes .note-text")).to_have_text([FIRST, SECOND])

    # The participant discusses the group; the facilitator sees the thread live.
    pat.page.locator(".group-card .thread-toggle").click()
    thread = pat.page.locator(".group-card .thread textarea")
    thread.fill("Same idea, two wordings")
    thread.press("Enter")
    expect(fay.page.locator(".group-card .thread-toggle")).to_have_text("Discuss (1)")

    # A rewording keeps the original text visible; the decision shows on both boards.
    other = note(fay.page, OTHER)
    other.locator("details.decide summary").click()
    other.locator(".decide-form select[name=decision]").select_option("reworded")
    other.locator(".decide-form textarea[name=text]").fill("Wants WhatsApp updates")
    other.get_by_role("button", name="Save decision").click()
    for page in (fay.page, pat.page):
        reworded = page.locator("li.note.is-reworded")
        expect(reworded.locator(".note-text")).to_have_text("Wants WhatsApp updates")
        expect(reworded.locator(".note-original")).to_have_text(f"Originally: {OTHER}")
        expect(reworded.locator(".decision-label")).to_have_text("Reworded")

    # Filtering by decision hides what does not match, and shows it again.
    pat.page.select_option("#filter-decision", "reworded")
    expect(pat.page.locator(".group-card")).to_be_hidden()
    expect(pat.page.locator("li.note.is-reworded")).to_be_visible()
    pat.page.select_option("#filter-decision", "all")
    expect(pat.page.locator(".group-card")).to_be_visible()

    # Ungrouping puts both notes back on their own.
    fay.page.locator(".group-card").get_by_role("button", name="Ungroup").click()
    for page in (fay.page, pat.page):
        expect(page.locator(".group-card")).to_have_count(0)
        expect(note(page, SECOND)).to_be_visible()
