"""Polish in real browsers: export progress, required sign-off from the facilitator's panel,
polite announcements of others' work, the facilitator's layout at 1280 px, the print view,
and (opt-in) the README's screenshots."""

from __future__ import annotations

import json
import re

import pytest

from tests.e2e.test_persona_browser import op
from tests.e2e.test_voting_browser import create_workshop, join, note

pytestmark = [pytest.mark.live, pytest.mark.browser]

ACCEPTED = [("Commutes 15 km each way, rain or shine", "behaviours"),
            ("Needs a repair within one day", "needs")]


def workshop_with_people(person, live_server, participants=(("Sam", "Support"),)):
    """A facilitator (Maria) and participants on the board; returns them and the ids."""
    created = create_workshop(live_server.url)
    maria = join(person, created["facilitator_url"], "Maria")
    people = [join(person, created["invite_url"], name, team) for name, team in participants]
    workshop_id = created["id"]
    persona = maria.page.request.get(f"/api/workshops/{workshop_id}").json()["personas"][0]["id"]
    return {"maria": maria, "people": people, "id": workshop_id, "persona": persona,
            "url": f"/w/{workshop_id}/persona/{persona}", "links": created}


def with_document(setup) -> dict:
    """Add and accept the notes, and create the persona document (over HTTP)."""
    maria, author = setup["maria"], setup["people"][0]
    for text, category in ACCEPTED:
        added = op(author, setup["id"], "assumption.add",
                   {"persona_id": setup["persona"], "category": category, "text": text})
        op(maria, setup["id"], "decision.set", {
            "target_type": "assumption", "decision": "accepted",
            "target_id": added["event"]["data"]["assumption"]["id"]})
    op(maria, setup["id"], "phase.set", {"phase": "merge"})
    op(maria, setup["id"], "phase.set", {"phase": "merge"})
    op(maria, setup["id"], "document.create", {"persona_id": setup["persona"]})
    return setup


def wait_for(page, condition, what: str, timeout_ms: int = 10_000) -> None:
    """Let the page run until a Python-side condition holds (e.g. a held request arrived)."""
    for _ in range(timeout_ms // 50):
        if condition():
            return
        page.wait_for_timeout(50)
    raise AssertionError(f"timed out waiting for {what}")


# ---- 1. exports: progress, the file, a readable error ----------------------------------

def test_an_export_shows_progress_then_hands_over_the_file_or_says_why_not(person, live_server,
                                                                            tmp_path):
    from playwright.sync_api import expect

    setup = with_document(workshop_with_people(person, live_server))
    page = setup["maria"].page
    page.goto(setup["url"])
    page.wait_for_selector(".persona-sheet")
    held = []
    pdf = re.compile(r"/export\.pdf(\?|$)")
    page.route(pdf, lambda route: held.append(route))  # the PDF waits for the test
    link = page.get_by_role("link", name="PDF (one A4 page)")
    status = page.locator("#export-status")
    link.click()
    expect(status).to_have_text("Preparing PDF…")
    expect(status).to_have_attribute("role", "status")
    spinner = status.locator(".spinner")
    expect(spinner).to_be_visible()
    assert spinner.evaluate("el => getComputedStyle(el).animationName") == "spin"
    expect(link).to_have_attribute("aria-disabled", "true")
    wait_for(page, lambda: held, "the PDF request")
    with page.expect_download() as download:
        held.pop().continue_()
    path = tmp_path / download.value.suggested_filename
    download.value.save_as(path)
    assert path.name.endswith("-v1-draft.pdf")
    assert path.read_bytes().startswith(b"%PDF")
    expect(status).to_have_text(f"{path.name} is ready: your browser saves it as a download.")
    expect(link).not_to_have_attribute("aria-disabled", "true")
    expect(spinner).to_have_count(0)

    # A refusal is said in words, where the status was.
    page.unroute(pdf)
    page.route(pdf, lambda route: route.fulfill(status=503, content_type="application/json",
                                                body=json.dumps({"error": {
                                                    "code": "unavailable",
                                                    "message": "the typesetter is busy"}})))
    link.click()
    expect(status).to_have_text("Could not prepare the PDF. The typesetter is busy")
    expect(status).to_have_attribute("data-state", "error")
    errors = setup["maria"].errors
    assert [e for e in errors if "503" not in e] == []  # the console's note of the 503 only
    errors.clear()

    # With reduced motion the ring stands still; the words still say it is working.
    page.unroute(pdf)
    page.emulate_media(reduced_motion="reduce")
    page.route(pdf, lambda route: held.append(route))
    link.click()
    expect(status).to_have_text("Preparing PDF…")
    assert spinner.evaluate("el => getComputedStyle(el).animationName") == "none"
    wait_for(page, lambda: held, "the PDF request")
    with page.expect_download():
        held.pop().continue_()


# ---- 2. required sign-off, switched on from the facilitator's panel ---------------------

def test_the_facilitator_switches_required_sign_off_and_the_merge_view_waits(person,
                                                                             live_server):
    from playwright.sync_api import expect

    setup = with_document(workshop_with_people(person, live_server))
    board, sam = setup["maria"].page, setup["people"][0].page
    sam.goto(setup["url"])
    sam.wait_for_selector(".persona-sheet")
    heading = sam.locator("#version-panel h3")
    expect(heading).to_have_text("Sign-off")

    switch = board.get_by_role("switch", name="Required sign-off")
    expect(switch).not_to_be_checked()
    switch.focus()
    board.keyboard.press("Space")  # by keyboard
    expect(switch).to_be_checked()
    expect(board.locator(".mode-chip[data-mode=require_signoff]")).to_have_text(
        "Sign-off required")
    expect(heading).to_have_text("Sign-off (required before agreeing)")  # live, elsewhere

    board.goto(setup["url"])
    board.get_by_role("button", name="Mark version 1 agreed").click()
    expect(board.locator("#toast")).to_contain_text("Waiting for sign-off from Support")
    expect(board.locator("#version-chip")).to_have_text("Draft · version 1")
    sam.get_by_role("button", name="Sign off for Support").click()
    expect(board.locator(".signoffs li.signed")).to_have_count(1)
    board.get_by_role("button", name="Mark version 1 agreed").click()
    expect(board.locator("#version-chip")).to_have_text("Agreed · version 1")

    # And off again with a click: the panel says so, and so does the merge view.
    board.goto(f"/w/{setup['id']}")
    switch = board.get_by_role("switch", name="Required sign-off")
    expect(switch).to_be_checked()
    board.locator("label[for=setting-require_signoff]").click()
    expect(switch).not_to_be_checked()
    expect(heading).to_have_text("Sign-off")
    state = board.request.get(f"/api/workshops/{setup['id']}").json()
    assert state["workshop"]["settings"]["require_signoff"] is False


# ---- 3. announcements: others' votes, decisions, comments; batched; no status chatter ----

RECORD = """() => {
  window.__heard = [];
  const region = document.getElementById('announcer');
  new MutationObserver(() => { if (region.textContent) window.__heard.push(region.textContent); })
    .observe(region, {childList: true, characterData: true, subtree: true});
}"""


def test_others_votes_decisions_and_comments_are_announced_politely_and_in_batches(
        person, live_server):
    from playwright.sync_api import expect

    setup = workshop_with_people(person, live_server, (("Pat", "Support"), ("Lou", "Marketing")))
    maria, (pat, lou) = setup["maria"], setup["people"]
    wid, page = setup["id"], pat.page
    status = page.locator("#conn-status")
    assert status.get_attribute("role") is None and status.get_attribute("aria-live") is None
    expect(page.locator("#announcer")).to_have_attribute("aria-live", "polite")
    op(maria, wid, "settings.update", {"blind_voting": True})
    ids = [op(maria, wid, "assumption.add", {"persona_id": setup["persona"], "category": "needs",
                                              "text": f"Need number {n}"})
           ["event"]["data"]["assumption"]["id"] for n in range(12)]
    expect(note(page, "Need number 11")).to_have_count(1)
    page.wait_for_timeout(1500)  # the notes' own announcement has been made
    page.evaluate(RECORD)
    heard = lambda: page.evaluate("() => window.__heard")  # noqa: E731
    announcer = page.locator("#announcer")

    op(maria, wid, "phase.set", {"phase": "vote"})
    expect(announcer).to_have_text("The workshop moved to the vote phase")
    op(lou, wid, "vote.cast", {"assumption_id": ids[0], "stance": "agree"})  # blind: unsaid
    vote = note(page, "Need number 0").get_by_role("button", name="Agree", exact=True)
    vote.click()  # one's own vote (and its "saving") is not announced either
    expect(vote).to_have_attribute("aria-pressed", "true")
    page.wait_for_timeout(1800)
    assert heard() == ["The workshop moved to the vote phase"]

    op(maria, wid, "reveal", {"what": "votes"})
    expect(announcer).to_have_text("The facilitator revealed the votes")
    op(lou, wid, "vote.cast", {"assumption_id": ids[1], "stance": "disagree"})
    expect(announcer).to_have_text("1 new vote from others")
    op(maria, wid, "decision.set", {"target_type": "assumption", "target_id": ids[0],
                                    "decision": "accepted", "reason": ""})
    expect(announcer).to_have_text("Maria accepted “Need number 0”")
    op(lou, wid, "comment.add", {"target_type": "assumption", "target_id": ids[0],
                                 "text": "Our survey says so too"})
    expect(announcer).to_have_text("Lou commented on “Need number 0”")
    assert heard()[1:] == ["The facilitator revealed the votes", "1 new vote from others",
                           "Maria accepted “Need number 0”", "Lou commented on “Need number 0”"]

    # A flood: ten votes and five decisions become one summary.
    before = len(heard())
    for n in range(2, 12):
        op(lou, wid, "vote.cast", {"assumption_id": ids[n], "stance": "agree"})
    for n in range(2, 7):
        op(maria, wid, "decision.set", {"target_type": "assumption", "target_id": ids[n],
                                        "decision": "parked", "reason": ""})
    expect(announcer).to_have_text("5 changes on the board. 10 new votes from others")
    page.wait_for_timeout(1500)
    assert heard()[before:] == ["5 changes on the board. 10 new votes from others"]


# ---- 8. the facilitator's layout at 1280 px, and the board's print view -------------------

NO_SIDEWAYS = "() => document.documentElement.scrollWidth <= document.documentElement.clientWidth"


def assert_on_screen(page, selectors: list[str], width: int = 1280) -> None:
    """Each control is visible and lies within the window's width (no sideways scrolling)."""
    from playwright.sync_api import expect

    for selector in selectors:
        control = page.locator(selector).first
        expect(control).to_be_visible()
        box = control.bounding_box()
        assert box and box["x"] >= 0 and box["x"] + box["width"] <= width, (selector, box)


def test_the_facilitator_board_and_merge_view_fit_1280_px_and_the_board_prints_notes(
        person, live_server):
    from playwright.sync_api import expect

    setup = with_document(workshop_with_people(person, live_server))
    page = setup["maria"].page
    page.set_viewport_size({"width": 1280, "height": 800})
    page.goto(f"/w/{setup['id']}")
    page.wait_for_selector("li.note")
    assert page.evaluate(NO_SIDEWAYS), "the board scrolls sideways at 1280 px"
    assert_on_screen(page, ["#persona-tabs", "#view-switch", "#persona-doc-link",
                            ".phase-step-button[data-phase=agreed]", "#persona-name",
                            "#help-open", "#conn-status",
                            "#setting-require_signoff + .switch-track",
                            "section.column[data-category=goals] form.add-note textarea",
                            "li.note .decide summary"])
    page.emulate_media(media="print")
    expect(page.locator("li.note")).to_have_count(len(ACCEPTED))
    for text, _ in ACCEPTED:
        expect(note(page, text)).to_be_visible()
    for hidden in (".sidebar", ".add-note", ".phase-steps", ".view-switch", "#help-open",
                   "li.note .decide", "#persona-add-form"):
        expect(page.locator(hidden).first).to_be_hidden()
    expect(page.locator(".workshop-title")).to_be_visible()
    page.emulate_media(media="screen")

    page.goto(setup["url"])
    page.wait_for_selector(".persona-sheet")
    assert page.evaluate(NO_SIDEWAYS), "the merge view scrolls sideways at 1280 px"
    assert_on_screen(page, [".back-link", ".field[data-path='identity.name'] input",
                            "#version-chip", "#mark-agreed", ".export-links a", "#fit"])
