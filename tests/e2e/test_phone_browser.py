"""The participant's flow on a 390 px phone: join, add a note, vote, open and read the persona,
with no sideways scrolling and every control within the screen's width."""

from __future__ import annotations

import pytest

from tests.e2e.browsing import BOARD_URL, create_workshop, join, note, op

pytestmark = [pytest.mark.live, pytest.mark.browser]

WIDTH = 390
NOTE = "Checks the bike's range on her phone every evening"


def assert_fits(page, where: str) -> None:
    scroll = page.evaluate("() => document.documentElement.scrollWidth")
    assert scroll <= WIDTH, f"{where}: the page scrolls sideways ({scroll} px wide)"


def assert_reachable(page, locator, where: str) -> None:
    """Visible, inside the screen's width once scrolled to, and not covered by something else."""
    from playwright.sync_api import Error, expect

    for attempt in range(3):  # a live re-render may swap the element under us: look again
        expect(locator).to_be_visible()
        try:
            locator.scroll_into_view_if_needed()
            box = locator.bounding_box()
            if box:
                break
            page.wait_for_timeout(200)
        except Error:
            if attempt == 2:
                raise
    assert box and box["x"] >= 0 and box["x"] + box["width"] <= WIDTH + 0.5, f"{where}: {box}"
    hit = page.evaluate("([x, y]) => document.elementFromPoint(x, y)?.outerHTML.slice(0, 80)",
                        [box["x"] + box["width"] / 2, box["y"] + box["height"] / 2])
    assert hit is not None, f"{where}: nothing at the control's centre"


def test_join_add_vote_and_read_the_persona_on_a_phone(person, live_server):
    from playwright.sync_api import expect

    links = create_workshop(live_server.url)
    wid = links["id"]
    fay = join(person, links["facilitator_url"], "Fay")
    phone = person("Pat").page
    phone.set_viewport_size({"width": WIDTH, "height": 844})
    phone.goto(links["invite_url"])
    assert_fits(phone, "join page")
    assert_reachable(phone, phone.locator("#name"), "name field")
    assert_reachable(phone, phone.locator("#join-form button[type=submit]"), "join button")
    phone.fill("#name", "Pat")
    phone.fill("#team", "Support")
    phone.click("#join-form button[type=submit]")
    page = phone
    page.wait_for_url(BOARD_URL)
    page.wait_for_selector("#columns section.column")
    expect(page.locator("#conn-status")).to_have_attribute("data-state", "live")
    assert_fits(page, "board, collect")

    # The board comes first on a phone: the columns are above the sidebar.
    columns = page.locator("#columns").bounding_box()
    sidebar = page.locator("aside.sidebar").bounding_box()
    assert columns["y"] < sidebar["y"], "the sidebar comes before the board"

    # One "New note" button asks for the category (the columns' own forms are for wider screens).
    new = page.locator("#new-note")
    assert_reachable(page, new, "New note button")
    new.click()
    dialog = page.locator("#new-note-dialog")
    assert_reachable(page, dialog.locator("select"), "category")
    dialog.locator("select").select_option("goals")
    dialog.locator("textarea").fill(NOTE)
    assert_reachable(page, dialog.locator("button[type=submit]"), "add button")
    dialog.locator("button[type=submit]").click()
    expect(note(page, NOTE)).to_have_count(1)
    goals = page.locator("section.column[data-category=goals]")
    expect(goals.locator(note(page, NOTE))).to_have_count(1)
    assert_fits(page, "board with a note")

    state = fay.page.request.get(f"/api/workshops/{wid}").json()
    persona = state["personas"][0]["id"]
    op(fay, wid, "phase.set", {"phase": "vote"})
    expect(page.locator("#phase")).to_have_attribute("data-phase", "vote")
    agree = note(page, NOTE).get_by_role("button", name="Agree", exact=True)
    assert_reachable(page, agree, "Agree button")
    agree.click()
    expect(agree).to_have_attribute("aria-pressed", "true")
    give = note(page, NOTE).locator(".dot-button").last
    assert_reachable(page, give, "give-a-dot button")
    give.click()
    expect(note(page, NOTE).locator(".my-dots")).to_contain_text("1")
    assert_fits(page, "board, vote")

    assumption = fay.page.request.get(f"/api/workshops/{wid}").json()["assumptions"][0]
    op(fay, wid, "decision.set", {"target_type": "assumption", "target_id": assumption["id"],
                                  "decision": "accepted"})
    op(fay, wid, "phase.set", {"phase": "merge"})
    op(fay, wid, "document.create", {"persona_id": persona})

    doc = page.locator("#persona-doc-link")
    assert_reachable(page, doc, "persona document link")
    doc.click()
    page.wait_for_selector(".persona-sheet")
    expect(page.get_by_label("Goals: trait", exact=True)).to_have_value(NOTE)
    expect(page.locator("li.persona-item .field-read")).to_have_text(NOTE)  # read, not a box
    assert_fits(page, "merge view")
    name = page.locator(".field[data-path='identity.name'] .field-read")
    assert_reachable(page, name, "name in the persona (tapped to edit)")
    assert_reachable(page, page.locator(".export-links a").first, "export link")


def test_an_empty_board_tells_the_facilitator_and_participants_what_to_do_next(person, live_server):
    from playwright.sync_api import expect

    links = create_workshop(live_server.url)
    fay = join(person, links["facilitator_url"], "Fay")
    pat = join(person, links["invite_url"], "Pat", "Support")
    expect(fay.page.locator("#board-empty")).to_contain_text("Share the invite link")
    expect(pat.page.locator("#board-empty")).to_contain_text("one belief per note")
    box = pat.page.locator("section.column[data-category=goals] form.add-note textarea")
    box.fill(NOTE)
    box.press("Enter")
    for someone in (fay, pat):
        expect(someone.page.locator("#board-empty")).to_be_hidden()
