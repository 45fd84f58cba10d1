"""Issue 28 on the board: the research-plan view draws the validation backlog's 2×2 for the
active persona once it is agreed, and says so before that."""

from __future__ import annotations

import os
import re

import pytest

from tests.e2e.browsing import three_people
from tests.e2e.test_after_workshop_browser import agreed_persona

pytestmark = [pytest.mark.live, pytest.mark.browser]

SHOTS = os.environ.get("SHOTS_DIR")  # set to save screenshots of the view (1280 and 390 px)


def test_the_board_shows_the_research_plan_once_the_persona_is_agreed(person, live_server):
    from playwright.sync_api import expect

    room = three_people(person, live_server)
    page = room.maria.page
    page.goto(f"/w/{room.workshop_id}")
    page.locator("#view-switch [data-view=plan]").click()
    expect(page.locator("#view-switch [data-view=plan]")).to_have_attribute("aria-pressed", "true")
    expect(page.locator("#columns")).to_be_hidden()
    expect(page.locator("#plan")).to_contain_text("appears here once this persona's document is agreed")
    expect(page.locator("#plan-figure")).to_have_count(0)
    if SHOTS:
        os.makedirs(SHOTS, exist_ok=True)
        page.locator("#plan").screenshot(path=f"{SHOTS}/plan-not-agreed-1280.png")

    # Agreed while the view is open: the picture arrives without a reload.
    agreed_persona(room)
    figure = page.locator("#plan-figure")
    expect(figure).to_be_visible()
    # No votes yet: all three traits are less important and untested.
    for quadrant, heading in (("research_now", "Research now (0)"), ("rely_on", "Rely on (0)"),
                              ("watch", "Watch (3)"), ("fine", "Fine for now (0)")):
        expect(figure.locator(f"[data-quadrant={quadrant}] h3")).to_have_text(heading)
    for text in ("Pays by phone", "Hates paper forms", "Cycles to work"):
        expect(figure.locator("[data-quadrant=watch]")).to_contain_text(text)
    # The text alternative: the caption counts every quadrant; each group is named by its heading.
    expect(figure.locator("figcaption")).to_have_text(
        "Important and untested: 0. Important and tested: 0. Less important and untested: 3. "
        "Less important and tested: 0.")
    expect(page.get_by_role("group", name="Watch (3)")).to_be_visible()
    expect(page.locator("#plan-document-link")).to_have_attribute(
        "href", f"/w/{room.workshop_id}/persona/{room.persona_id}")

    # The choice of view outlives a reload, and the picture is drawn again from the server.
    page.reload()
    expect(page.locator("#plan-figure [data-quadrant=watch] h3")).to_have_text("Watch (3)")
    for width, height in ((1280, 900), (390, 844)):
        page.set_viewport_size({"width": width, "height": height})
        if SHOTS:
            os.makedirs(SHOTS, exist_ok=True)
            page.screenshot(path=f"{SHOTS}/plan-{width}.png", full_page=True)
        overflow = page.evaluate("document.documentElement.scrollWidth - document.documentElement.clientWidth")
        assert overflow <= 0, f"the page scrolls sideways at {width} px"

    # The persona page draws the same picture with the same code, under its document.
    page.set_viewport_size({"width": 1280, "height": 900})
    page.locator("#plan-document-link").click()
    document_figure = page.locator("#backlog-figure")
    expect(document_figure.locator("[data-quadrant=watch] h3")).to_have_text("Watch (3)")
    expect(document_figure.locator("[data-quadrant=research_now] h3")).to_have_text("Research now (0)")
    expect(document_figure.locator("figcaption")).to_contain_text("Less important and untested: 3.")
    if SHOTS:
        document_figure.screenshot(path=f"{SHOTS}/persona-page-backlog-1280.png")
