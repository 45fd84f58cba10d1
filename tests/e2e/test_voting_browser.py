"""Voting and divergence in real browsers: blind votes from two teams, the reveal, and the
divergence view that puts the split note first and marks it contested on every screen."""

from __future__ import annotations

import os
import re

import pytest
import requests

from tests.e2e.browsing import create_workshop, join, note

pytestmark = [pytest.mark.live, pytest.mark.browser]

SPLIT = "Buys a bike mainly to look sporty"
SHARED = "Wants a repair within one day"


def add_note(page, text: str) -> None:
    box = page.locator("section.column[data-category=goals] form.add-note textarea")
    box.click()
    box.fill(text)
    box.press("Enter")


def vote(page, text: str, stance: str) -> None:
    """Click a stance on a note and wait until the server has acknowledged it."""
    from playwright.sync_api import expect

    button = note(page, text).get_by_role("button", name=stance, exact=True)
    button.click()
    expect(button).to_have_attribute("aria-pressed", "true")


def show(page, view: str) -> None:
    from playwright.sync_api import expect

    button = page.locator(f"#view-switch [data-view={view}]")
    button.click()
    expect(button).to_have_attribute("aria-pressed", "true")


def test_blind_votes_stay_hidden_until_reveal_then_divergence_shows_the_split(person, live_server):
    from playwright.sync_api import expect

    links = create_workshop(live_server.url)
    fay = join(person, links["facilitator_url"], "Fay")

    # The facilitator switches blind voting on, writes two notes and opens the vote phase.
    fay.page.locator("label[for=setting-blind_voting]").click()
    expect(fay.page.locator("#setting-blind_voting")).to_be_checked()
    expect(fay.page.locator("#phase-banner .mode-chip[data-mode=blind_voting]")).to_be_visible()
    add_note(fay.page, SHARED)
    add_note(fay.page, SPLIT)
    expect(note(fay.page, SPLIT)).to_have_count(1)
    fay.page.locator(".phase-step-button[data-phase=vote]").click()
    expect(fay.page.locator("#phase")).to_have_text("Vote")
    expect(fay.page.locator("#phase-prompt")).to_contain_text("Take a stance")

    mia = join(person, links["invite_url"], "Mia", "Marketing")
    max_ = join(person, links["invite_url"], "Max", "Marketing")
    sam = join(person, links["invite_url"], "Sam", "Support")
    voters = [mia, max_, sam]
    everyone = [fay, *voters]

    # The facilitator has no team: results, but no vote controls.
    expect(note(fay.page, SPLIT).locator(".stance-group")).to_be_hidden()
    expect(mia.page.locator("#phase")).to_have_text("Vote")
    expect(mia.page.locator("#dot-budget")).to_have_text("5 of 5 dots left")

    vote(mia.page, SPLIT, "Agree")
    vote(max_.page, SPLIT, "Agree")
    vote(sam.page, SPLIT, "Disagree")
    for voter in voters:
        vote(voter.page, SHARED, "Agree")

    # Clicking the pressed stance again retracts it; clicking once more restores it.
    retract = note(sam.page, SHARED).get_by_role("button", name="Agree", exact=True)
    retract.click()
    expect(retract).to_have_attribute("aria-pressed", "false")
    expect(note(fay.page, SHARED).locator(".vote-summary")).to_have_text("2 voted")
    vote(sam.page, SHARED, "Agree")

    # Blind: every screen shows only how many voted, no team strip, and the blind empty state.
    for someone in everyone:
        page = someone.page
        expect(note(page, SPLIT).locator(".vote-summary")).to_have_text("3 voted")
        expect(note(page, SHARED).locator(".vote-summary")).to_have_text("3 voted")
        expect(page.locator(".team-strip li")).to_have_count(0)
        expect(page.locator(".badge-contested")).to_have_count(0)
        show(page, "divergence")
        expect(page.locator("#columns")).to_be_hidden()
        expect(page.locator(".dv-empty-blind")).to_contain_text(
            "Votes are hidden until the facilitator reveals them")
        expect(page.locator(".dv-table")).to_have_count(0)

    # The reveal reaches every open divergence view: the split note first, marked contested.
    fay.page.get_by_role("button", name="Reveal votes").click()
    for someone in everyone:
        page = someone.page
        rows = page.locator(".dv-table tbody tr")
        expect(rows).to_have_count(2)
        expect(rows.nth(0).locator(".dv-note-text")).to_have_text(SPLIT)
        expect(rows.nth(0).locator(".badge-contested")).to_have_text("Contested")
        expect(rows.nth(0)).to_contain_text("Only Marketing believes this")
        expect(rows.nth(0).locator("td.dv-cell").nth(0)).to_have_attribute(
            "aria-label", re.compile(r"^Marketing: 100% agree"))
        expect(rows.nth(0).locator("td.dv-cell").nth(1)).to_have_attribute(
            "aria-label", re.compile(r"^Support: 0% agree"))
        expect(rows.nth(1).locator(".dv-note-text")).to_have_text(SHARED)
        expect(rows.nth(1).locator(".badge-contested")).to_have_count(0)

    # Back on the board the notes show the per-team strip and the overall agreement.
    show(mia.page, "board")
    split = note(mia.page, SPLIT)
    expect(split.locator(".team-strip li")).to_have_count(2)
    expect(split.locator(".vote-summary")).to_have_text("67% agree · 3 votes")
    expect(split.locator(".badge-contested")).to_be_visible()
    expect(note(mia.page, SHARED).locator(".vote-summary")).to_have_text("100% agree · 3 votes")

    # Reconcile: Sam writes a duplicate; the facilitator groups it with the original by
    # keyboard (Group, then Group here) and accepts the group. Every browser ends on the same
    # board. (Drag and drop is covered in test_reconcile_browser.py.)
    show(fay.page, "board")
    show(sam.page, "board")
    show(max_.page, "board")
    fay.page.locator(".phase-step-button[data-phase=reconcile]").click()
    for someone in everyone:
        expect(someone.page.locator("#phase")).to_have_text("Reconcile")
    add_note(sam.page, DUPLICATE)
    expect(note(fay.page, DUPLICATE)).to_have_count(1)
    note(fay.page, DUPLICATE).get_by_role("button", name="Group this note with another").click()
    expect(fay.page.locator("#pick-banner")).to_contain_text(DUPLICATE)
    here = note(fay.page, SHARED).get_by_role("button", name=f"Group with: {SHARED}")
    expect(here).to_be_focused()
    here.press("Enter")
    card = fay.page.locator(".group-card")
    expect(card.locator(".group-title")).to_have_text(SHARED)
    card.locator("details.decide summary", has_text="Decide").click()
    card.locator(".decide-form select[name=decision]").select_option("accepted")
    card.locator(".decide-form input[name=reason]").fill("Both teams agree")
    card.get_by_role("button", name="Save decision").click()

    boards = []
    for someone in everyone:
        page = someone.page
        group = page.locator(".group-card")
        expect(group.locator(".decision-label")).to_have_text("Accepted")
        expect(group.locator(".decision-reason")).to_have_text("“Both teams agree”")
        expect(group.locator(".group-notes .note-text")).to_have_text([SHARED, DUPLICATE])
        boards.append(page.evaluate(BOARD_SUMMARY))
    assert all(board == boards[0] for board in boards), boards


DUPLICATE = "Expects repairs on the same day"

# What a person sees on the board, without what differs per viewer (their own controls).
BOARD_SUMMARY = """() => [...document.querySelectorAll('#columns section.column')].map((col) => ({
  category: col.dataset.category,
  items: [...col.querySelectorAll(':scope > .notes > li')].map((item) => ({
    group: item.querySelector(':scope > .group-head .group-title')?.textContent ?? null,
    decision: item.querySelector('.decision-label')?.textContent ?? null,
    notes: [...item.querySelectorAll('.note-text')].map((n) => n.textContent),
  })),
}))"""


def test_board_badges_follow_each_vote_without_refetching_the_divergence_picture(
        person, live_server):
    """Votes carry their note's measures, so the badges on a board change with each vote
    and no board refetches GET …/divergence for it (with 200 boards, 200 requests a vote)."""
    from playwright.sync_api import expect

    links = create_workshop(live_server.url)
    fay = join(person, links["facilitator_url"], "Fay")
    add_note(fay.page, SPLIT)
    expect(note(fay.page, SPLIT)).to_have_count(1)
    fay.page.locator(".phase-step-button[data-phase=vote]").click()
    expect(fay.page.locator("#phase")).to_have_text("Vote")
    mia = join(person, links["invite_url"], "Mia", "Marketing")
    sam = join(person, links["invite_url"], "Sam", "Support")

    fetched: list[str] = []
    mia.page.on("requestfinished", lambda request: fetched.append(request.url)
                if "/divergence" in request.url else None)
    # The board loads the picture once for its badges (after a short delay).
    for _ in range(100):
        if fetched:
            break
        mia.page.wait_for_timeout(100)
    assert len(fetched) == 1, fetched

    vote(mia.page, SPLIT, "Agree")
    vote(sam.page, SPLIT, "Disagree")
    for someone in (mia, sam, fay):
        badge = note(someone.page, SPLIT).locator(".badge-contested")
        expect(badge).to_have_text("Only Marketing believes this")  # said on the card
    vote(sam.page, SPLIT, "Agree")  # now both teams agree: no longer contested
    expect(note(mia.page, SPLIT).locator(".badge-contested")).to_have_count(0)
    # GAC with one agreeing voter per team: (1+1)/(1+2) × (1+1)/(1+2) = 4/9
    expect(note(mia.page, SPLIT).locator(".vote-details")).to_have_text(
        "Consensus across teams 44% (needs every team)")
    mia.page.wait_for_timeout(2500)  # longer than the board's refetch delay
    assert len(fetched) == 1, fetched  # three votes, no refetch

    # Other changes still refresh the picture: a new note is not in it yet.
    add_note(fay.page, SHARED)
    expect(note(mia.page, SHARED)).to_have_count(1)
    for _ in range(100):
        if len(fetched) > 1:
            break
        mia.page.wait_for_timeout(100)
    assert len(fetched) == 2, fetched


def test_vote_bars_name_teams_that_share_a_first_letter_apart(person, live_server):
    from playwright.sync_api import expect

    response = requests.post(live_server.url + "/api/workshops", timeout=10, json={
        "title": "Who calls our helpdesk?", "teams": ["Support", "Sales", "Marketing"]})
    assert response.status_code == 201, response.text
    links = response.json()
    fay = join(person, links["facilitator_url"], "Fay")
    add_note(fay.page, SHARED)
    expect(note(fay.page, SHARED)).to_have_count(1)
    fay.page.locator(".phase-step-button[data-phase=vote]").click()
    for name, team in (("Sam", "Support"), ("Sally", "Sales"), ("Mia", "Marketing")):
        vote(join(person, links["invite_url"], name, team).page, SHARED, "Agree")
    strip = note(fay.page, SHARED).locator(".team-strip li")
    expect(strip.locator(".strip-team")).to_have_text(["Su", "Sa", "M"])
    expect(strip.nth(1)).to_have_attribute("title", re.compile(r"^Sales: 100% agree"))
    if folder := os.environ.get("WORKSHOP_SCREENSHOTS"):
        note(fay.page, SHARED).screenshot(path=os.path.join(folder, "vote-strip.png"))
