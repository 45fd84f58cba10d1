"""Issue 28 on the board: the research-plan view draws the validation backlog's 2×2 for the
active persona once it is agreed, and says so before that."""

from __future__ import annotations

import os

import pytest

from tests.e2e.browsing import op, three_people
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
    expect(page.locator("#plan")).to_contain_text(
        "appears here once this persona's document is agreed"
    )
    expect(page.locator("#plan-figure")).to_have_count(0)
    if SHOTS:
        os.makedirs(SHOTS, exist_ok=True)
        page.locator("#plan").screenshot(path=f"{SHOTS}/plan-not-agreed-1280.png")

    # Agreed while the view is open: the picture arrives without a reload.
    agreed_persona(room)
    figure = page.locator("#plan-figure")
    expect(figure).to_be_visible()
    # No votes yet: all three traits are less important and untested.
    for quadrant, heading in (
        ("research_now", "Research now (0)"),
        ("rely_on", "Rely on (0)"),
        ("watch", "Watch (3)"),
        ("fine", "Fine for now (0)"),
    ):
        expect(figure.locator(f"[data-quadrant={quadrant}] h3")).to_have_text(heading)
    for text in ("Pays by phone", "Hates paper forms", "Cycles to work"):
        expect(figure.locator("[data-quadrant=watch]")).to_contain_text(text)
    # The text alternative: the caption counts every quadrant; each group is named by its heading.
    expect(figure.locator("figcaption")).to_have_text(
        "Important and untested: 0. Important and tested: 0. Less important and untested: 3. "
        "Less important and tested: 0."
    )
    expect(page.get_by_role("group", name="Watch (3)")).to_be_visible()
    expect(page.locator("#plan-document-link")).to_have_attribute(
        "href", f"/w/{room.workshop_id}/persona/{room.persona_id}"
    )

    # The choice of view outlives a reload, and the picture is drawn again from the server.
    page.reload()
    expect(page.locator("#plan-figure [data-quadrant=watch] h3")).to_have_text("Watch (3)")
    for width, height in ((1280, 900), (390, 844)):
        page.set_viewport_size({"width": width, "height": height})
        if SHOTS:
            os.makedirs(SHOTS, exist_ok=True)
            page.screenshot(path=f"{SHOTS}/plan-{width}.png", full_page=True)
        overflow = page.evaluate(
            "document.documentElement.scrollWidth - document.documentElement.clientWidth"
        )
        assert overflow <= 0, f"the page scrolls sideways at {width} px"

    # The persona page draws the same picture with the same code, under its document.
    page.set_viewport_size({"width": 1280, "height": 900})
    page.locator("#plan-document-link").click()
    document_figure = page.locator("#backlog-figure")
    expect(document_figure.locator("[data-quadrant=watch] h3")).to_have_text("Watch (3)")
    expect(document_figure.locator("[data-quadrant=research_now] h3")).to_have_text(
        "Research now (0)"
    )
    expect(document_figure.locator("figcaption")).to_contain_text("Less important and untested: 3.")
    if SHOTS:
        document_figure.screenshot(path=f"{SHOTS}/persona-page-backlog-1280.png")


def test_each_trait_lands_in_its_quadrant_by_dots_and_evidence(person, live_server):
    """The worked example of workshop/domain/backlog.py, on the board: dots make a trait
    important (at least the mean, 0.75 here), supporting research makes it tested."""
    from playwright.sync_api import expect

    room = three_people(person, live_server)
    wid, persona, maria, sam, lotte = (
        room.workshop_id,
        room.persona_id,
        room.maria,
        room.sam,
        room.lotte,
    )
    notes = {
        text: op(
            sam, wid, "assumption.add", {"persona_id": persona, "category": "goals", "text": text}
        )["event"]["data"]["assumption"]["id"]
        for text in ("Pays by phone", "Hates paper forms", "Cycles to work", "Owns a cargo bike")
    }
    op(maria, wid, "phase.set", {"phase": "vote"})
    op(
        lotte,
        wid,
        "vote.cast",
        {"assumption_id": notes["Pays by phone"], "stance": "agree", "dots": 2},
    )
    op(
        sam,
        wid,
        "vote.cast",
        {"assumption_id": notes["Hates paper forms"], "stance": "agree", "dots": 1},
    )
    interview = op(
        sam,
        wid,
        "research_note.add",
        {
            "title": "Counter interviews",
            "source_type": "interview",
            "date": "2026-10-14",
            "respondents": 6,
            "body": "Everyone asked for the form online. Four came by cargo bike.",
        },
    )
    note_id = interview["event"]["data"]["note"]["id"]
    for text, quote in (
        ("Hates paper forms", "asked for the form online"),
        ("Owns a cargo bike", "came by cargo bike"),
    ):
        op(
            sam,
            wid,
            "evidence.link",
            {
                "note_id": note_id,
                "assumption_id": notes[text],
                "relation": "supports",
                "quote": quote,
            },
        )
    for note in notes.values():
        op(
            maria,
            wid,
            "decision.set",
            {"target_type": "assumption", "target_id": note, "decision": "accepted"},
        )
    op(maria, wid, "phase.set", {"phase": "merge"})
    op(maria, wid, "document.create", {"persona_id": persona})
    op(maria, wid, "document.agree", {"persona_id": persona, "number": 1})

    page = maria.page
    page.goto(f"/w/{wid}")
    page.locator("#view-switch [data-view=plan]").click()
    figure = page.locator("#plan-figure")
    for quadrant, heading, text in (
        ("research_now", "Research now (1)", "Pays by phone"),
        ("rely_on", "Rely on (1)", "Hates paper forms"),
        ("watch", "Watch (1)", "Cycles to work"),
        ("fine", "Fine for now (1)", "Owns a cargo bike"),
    ):
        cell = figure.locator(f"[data-quadrant={quadrant}]")
        expect(cell.locator("h3")).to_have_text(heading)
        expect(cell).to_contain_text(text)
    # What the dot's colour says is also written out for screen readers.
    expect(figure.locator("[data-quadrant=rely_on] li")).to_contain_text("(validated)")
    if SHOTS:
        for width, height in ((1280, 900), (390, 844)):
            page.set_viewport_size({"width": width, "height": height})
            page.locator("#plan").screenshot(path=f"{SHOTS}/plan-spread-{width}.png")
