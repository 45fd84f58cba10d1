"""The board in Dutch: `?lang=nl` on the link, a Dutch join form, and a Dutch board with
Dutch buttons, columns and phase prompts; adding a note works; no console errors and no
missing catalogue keys (static/js/messages.js warns about those in development)."""

from __future__ import annotations

import re

import pytest
import requests

from workshop import catalogue

pytestmark = [pytest.mark.live, pytest.mark.browser]

BOARD_URL = re.compile(r"/w/[^/?#]+$")
NOTE = "Wil een fiets die binnen een dag gerepareerd is"


def nl(key: str, **params) -> str:
    return catalogue.translate("nl", key, **params)


def test_the_board_speaks_dutch(person, live_server):
    from playwright.sync_api import expect

    links = requests.post(live_server.url + "/api/workshops", timeout=10, json={
        "title": "Wie fietst er op onze e-bikes?", "teams": ["Marketing", "Support"]}).json()
    fay = person("Fay")
    page = fay.page
    warnings: list[str] = []
    page.on("console", lambda message: warnings.append(message.text)
            if message.type == "warning" and message.text.startswith("i18n:") else None)

    page.goto(links["facilitator_url"] + "?lang=nl")
    expect(page.locator("html")).to_have_attribute("lang", "nl")
    expect(page.locator("#join-form button[type=submit]")).to_have_text(
        nl("join.submit.participant"))
    page.fill("#name", "Fay")
    page.click("#join-form button[type=submit]")
    page.wait_for_url(BOARD_URL)

    # The cookie set by ?lang=nl keeps the board in Dutch.
    expect(page.locator("html")).to_have_attribute("lang", "nl")
    expect(page.locator("#conn-status")).to_have_attribute("data-state", "live")
    expect(page.locator("#conn-status")).to_have_text(nl("board.status.live"))
    expect(page.locator(".lang-switch a[aria-current=true]")).to_have_text("NL")
    expect(page.locator("#view-switch [data-view=board]")).to_have_text(nl("board.view.board"))
    expect(page.locator("#view-switch [data-view=divergence]")).to_have_text(
        nl("board.view.divergence"))
    expect(page.locator("#view-switch [data-view=research]")).to_have_text(
        nl("board.view.research"))
    expect(page.locator("#view-switch [data-view=plan]")).to_have_text(nl("board.view.plan"))
    expect(page.locator("#phase")).to_have_text(nl("phase.collect"))
    expect(page.locator("#phase-prompt")).to_have_text(nl("phase.collect.prompt"))
    goals = page.locator("section.column[data-category=goals]")
    expect(goals.locator("h3")).to_have_text(nl("category.goals.label"))
    expect(goals.locator(".column-prompt")).to_have_text(nl("category.goals.prompt"))
    expect(goals.locator("form.add-note button[type=submit]")).to_have_text(
        nl("board.add.submit"))
    expect(page.get_by_role("button", name=nl("reveal.votes"))).to_be_visible()

    # Adding a note works in Dutch as in English.
    box = goals.locator("form.add-note textarea")
    expect(box).to_have_attribute("placeholder", nl("board.add.placeholder"))
    box.fill(NOTE)
    box.press("Enter")
    added = goals.locator("li.note", has_text=NOTE)
    expect(added).to_have_count(1)
    expect(added.get_by_role("button", name=nl("board.note.edit"))).to_be_visible()
    expect(page.locator("#conn-status")).to_have_text(nl("board.status.live"))

    # The next phase asks for votes, in Dutch.
    page.locator(".phase-step-button[data-phase=vote]").click()
    expect(page.locator("#phase")).to_have_text(nl("phase.vote"))
    expect(page.locator("#phase-prompt")).to_have_text(nl("phase.vote.prompt"))

    # Nothing English is left among the board's controls.
    buttons = " | ".join(page.locator("button:visible").all_inner_texts())
    for english in ("Add note", "Reveal votes", "Board", "Research", "Copy", "Settings"):
        assert english not in buttons, f"{english!r} among the buttons: {buttons}"
    assert warnings == [], f"keys missing from the catalogue: {warnings}"

    # Back to English with the switcher.
    page.locator(".lang-switch a[hreflang=en]").click()
    expect(page.locator("html")).to_have_attribute("lang", "en")
    expect(page.locator("#phase-prompt")).to_have_text(
        catalogue.translate("en", "phase.vote.prompt"))


def test_refusals_reach_a_dutch_screen_in_dutch(person, live_server):
    """A refusal's toast is said in Dutch: a known one in its own words, others by their
    code; a code the page does not know keeps the server's message."""
    from playwright.sync_api import expect

    from tests.e2e.browsing import op

    links = requests.post(live_server.url + "/api/workshops", timeout=10, json={
        "title": "Wie fietst er op onze e-bikes?", "teams": ["Marketing", "Support"]}).json()
    fay = person("Fay")
    page = fay.page
    page.goto(links["facilitator_url"] + "?lang=nl")
    page.fill("#name", "Fay")
    page.click("#join-form button[type=submit]")
    page.wait_for_url(BOARD_URL)
    page.wait_for_selector("#columns section.column")
    sam = person("Sam")
    sam.page.goto(links["invite_url"])
    sam.page.fill("#name", "Sam")
    sam.page.fill("#team", "Support")
    sam.page.click("#join-form button[type=submit]")
    sam.page.wait_for_url(BOARD_URL)
    persona = page.request.get(f"/api/workshops/{links['id']}").json()["personas"][0]["id"]
    added = op(sam, links["id"], "assumption.add", {"persona_id": persona, "category": "goals",
                                                   "text": NOTE})
    op(sam, links["id"], "vote.cast", {"assumption_id": added["event"]["data"]["assumption"]["id"],
                                       "stance": "agree"})
    expect(page.locator("li.note")).to_have_count(1)
    page.locator("label[for=setting-blind_voting]").click()  # refused: someone already voted
    expect(page.locator("#toast")).to_have_text(nl("error.blind_after_votes"))
    expect(page.locator("#setting-blind_voting")).not_to_be_checked()

    said = page.evaluate("""async () => {
      const { errorText } = await import('/static/js/messages.js');
      return [errorText({code: 'forbidden', message: 'observers may not send vote.cast'}),
              errorText({code: 'limit', message: 'you have 1 of 5 dots left',
                         reason: 'dots_left', details: {left: 1, budget: 5}}),
              errorText({code: 'limit', message: 'you have 1 of 5 dots left'}),
              errorText({code: 'conflict', message: 'waiting for sign-off from A, B',
                         reason: 'waiting_signoff', details: {teams: ['A', 'B']}}),
              errorText({code: 'teapot', message: "the server's own words", reason: 'new'})];
    }""")
    # By reason, whatever the English words; without one, by code; an unknown reason and
    # code keep the server's own words.
    assert said == [nl("error.forbidden"), nl("error.dots_left", left=1, budget=5),
                    nl("error.limit"), nl("error.waiting_signoff", teams="A, B"),
                    "The server's own words"]
