"""The board in a real browser: Debian's Chromium driven by Playwright, against the live server.

Each person gets their own browser context (their own cookies), as if on their own laptop.
Every page records uncaught errors and console errors; a test fails if any appear (a CSP
violation, a failed module import or a broken WebSocket would all show up there).
"""

from __future__ import annotations

import re
from pathlib import Path

import pytest

pytestmark = [pytest.mark.live, pytest.mark.browser]

BOARD_URL = re.compile(r"/w/[^/?#]+$")
ARTIFACTS = Path(__file__).resolve().parents[2] / "test-artifacts"  # git-ignored


# ---- helpers -------------------------------------------------------------------------------


def create_workshop(page, title: str) -> dict:
    """Fill the home page form; returns the three links it shows."""
    page.goto("/")
    page.fill("#title", title)
    page.fill("#context", "Which customer do we build the subscription for?")
    page.fill("#teams", "Marketing, Sales, Support, Product")
    page.click("#create-form button[type=submit]")
    page.wait_for_selector("#created", state="visible")
    return {role: page.input_value(f"#{role}-url")
            for role in ("facilitator", "invite", "observer")}


def join_form(page, name: str, team: str | None = None) -> None:
    """Fill and submit the join page's form, then wait for the board to be live."""
    page.fill("#name", name)
    if team is not None:
        page.fill("#team", team)
    page.click("#join-form button[type=submit]")
    page.wait_for_url(BOARD_URL)
    wait_until_live(page)


def wait_until_live(page) -> None:
    """The columns are rendered and the socket is connected and synced."""
    from playwright.sync_api import expect

    page.wait_for_selector("#columns section.column")
    expect(page.locator("#conn-status")).to_have_attribute("data-state", "live")


def mark_page(page) -> None:
    """Leave a marker in the page's JS world; it disappears if the page ever reloads."""
    page.evaluate("window.__e2eNoReload = true")


def assert_not_reloaded(page) -> None:
    assert page.evaluate("window.__e2eNoReload === true"), "the page was reloaded"


def column(page, category: str = "goals"):
    return page.locator(f"section.column[data-category={category}]")


def note(page, text: str):
    """The note(s) on the board showing exactly this text."""
    return page.locator("li.note", has=page.locator(".note-text", has_text=re.compile(
        "^" + re.escape(text) + "$")))


def add_note(page, text: str, category: str = "goals") -> None:
    """Type into a column's add-note box and press Enter, as a person would."""
    box = column(page, category).locator("form.add-note textarea")
    box.click()
    box.fill(text)
    box.press("Enter")


def start_workshop(person, title: str):
    """The facilitator creates a workshop on the home page and opens its board.

    Returns (the facilitator's Person, the three links the home page showed)."""
    fay = person("Fay")
    links = create_workshop(fay.page, title)
    fay.page.click("#open-facilitator")
    fay.page.wait_for_url(re.compile(r"/join/"))
    join_form(fay.page, "Fay")
    return fay, links


# ---- tests ---------------------------------------------------------------------------------


def test_participant_and_facilitator_see_each_other_live(person):
    """The issue's scenario: a participant joins by invite, adds, edits; the facilitator sees
    it all without reloading, and a note the facilitator deletes vanishes for the participant."""
    from playwright.sync_api import expect

    fay, links = start_workshop(person, "Who rides our e-bikes?")
    workshop_id = fay.page.url.rsplit("/", 1)[-1]
    mark_page(fay.page)

    pat = person("Pat")
    pat.page.goto(links["invite"])
    join_form(pat.page, "Pat", team="Support")
    assert pat.page.url.endswith(f"/w/{workshop_id}")
    mark_page(pat.page)

    presence = fay.page.locator("#presence")
    expect(presence).to_contain_text("Fay (you)")
    expect(presence).to_contain_text("Pat")
    expect(presence).to_contain_text("Support")

    # Pat adds a note; Fay sees it appear, attributed to Pat.
    add_note(pat.page, "Wants to ride to work without sweating")
    on_fay = note(fay.page, "Wants to ride to work without sweating")
    expect(on_fay).to_have_count(1)
    expect(on_fay.locator(".note-author")).to_have_text("Pat · Support")
    expect(note(pat.page, "Wants to ride to work without sweating")).to_have_count(1)

    ARTIFACTS.mkdir(exist_ok=True)
    fay.page.screenshot(path=str(ARTIFACTS / "facilitator-board.png"), full_page=True,
                         animations="disabled")

    # Pat edits the note; Fay sees the new text.
    mine = note(pat.page, "Wants to ride to work without sweating")
    mine.hover()
    mine.locator(".note-actions").get_by_role("button", name="Edit note").click()
    editor = pat.page.locator("li.note.editing .note-editor textarea")
    editor.fill("Wants to arrive at work without sweating")
    editor.press("Enter")
    expect(note(fay.page, "Wants to arrive at work without sweating")).to_have_count(1)
    expect(note(fay.page, "Wants to ride to work without sweating")).to_have_count(0)
    expect(pat.page.locator("li.note.editing")).to_have_count(0)

    # Fay deletes it (two clicks: "Delete", then "Sure?"); it leaves Pat's board.
    theirs = note(fay.page, "Wants to arrive at work without sweating")
    theirs.hover()
    delete = theirs.locator(".note-actions").get_by_role("button", name="Delete note")
    delete.click()
    expect(delete).to_have_text("Sure?")
    delete.click()
    expect(note(pat.page, "Wants to arrive at work without sweating")).to_have_count(0)
    expect(note(fay.page, "Wants to arrive at work without sweating")).to_have_count(0)
    expect(column(pat.page).locator("li.note")).to_have_count(0)

    assert_not_reloaded(fay.page)
    assert_not_reloaded(pat.page)


def test_observer_watches_live_but_cannot_write(person):
    """An observer joins through the observer link: notes arrive live, but there is no
    add-note form and no edit or delete button anywhere on their board."""
    from playwright.sync_api import expect

    fay, links = start_workshop(person, "Who buys the family cargo bike?")

    olive = person("Olive")
    olive.page.goto(links["observer"])
    expect(olive.page.locator("#team")).to_have_count(0)  # observers pick no team
    join_form(olive.page, "Olive")
    mark_page(olive.page)
    expect(olive.page.locator(".observer-banner")).to_be_visible()
    expect(olive.page.locator("#columns section.column").first).to_be_visible()
    expect(olive.page.locator("form.add-note")).to_have_count(0)

    expect(fay.page.locator("#presence")).to_contain_text("Olive")
    add_note(fay.page, "Has two children under eight", category="goals")

    seen = note(olive.page, "Has two children under eight")
    expect(seen).to_have_count(1)
    seen.hover()
    expect(seen.locator(".note-actions button")).to_have_count(0)
    expect(olive.page.locator("form.add-note")).to_have_count(0)
    assert_not_reloaded(olive.page)
