"""Polish in real browsers: export progress, required sign-off from the facilitator's panel,
polite announcements of others' work, the facilitator's layout at 1280 px, the print view,
and (opt-in) the screenshots of docs/user-guide.md."""

from __future__ import annotations

import json
import os
import pathlib
import re

import pytest
import requests

from tests.e2e.browsing import create_workshop, join, note, op
from tests.e2e.test_browser import ARTIFACTS

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
    expect(board.get_by_role("button", name="Mark version 1 agreed")).to_be_disabled()
    expect(board.locator("#agree-waiting")).to_contain_text("Waiting for sign-off from Support")
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
    assert_on_screen(page, [".back-link", ".field[data-path='identity.name'] .field-read",
                            "#version-chip", "#mark-agreed", ".export-links a", "#fit"])


# ---- 9. the persona document waits for the merge phase ----------------------------------

def test_the_merge_view_says_the_document_waits_for_the_merge_phase_and_moves_there(
        person, live_server):
    from playwright.sync_api import expect

    setup = workshop_with_people(person, live_server)
    maria, sam = setup["maria"], setup["people"][0]
    added = op(sam, setup["id"], "assumption.add", {"persona_id": setup["persona"],
                                                    "category": "needs", "text": ACCEPTED[1][0]})
    op(maria, setup["id"], "decision.set", {
        "target_type": "assumption", "decision": "accepted",
        "target_id": added["event"]["data"]["assumption"]["id"]})
    op(maria, setup["id"], "phase.set", {"phase": "reconcile"})
    board, other = maria.page, sam.page
    for page in (board, other):
        page.set_viewport_size({"width": 1280, "height": 800})
        page.goto(setup["url"])
    waiting = "The persona document is created in the merge phase."
    expect(board.locator("#create-not-yet")).to_contain_text(waiting)
    create = board.get_by_role("button", name=re.compile("Create the persona document"))
    expect(create).to_have_count(0)
    expect(other.locator("#create-not-yet")).to_have_text(waiting)
    expect(other.get_by_role("button", name="Move the workshop to merge")).to_have_count(0)
    expect(board.locator(".phase-pill")).to_have_text("Reconcile")
    ARTIFACTS.mkdir(exist_ok=True)
    board.screenshot(path=str(ARTIFACTS / "merge-not-yet-phase.png"))  # to look at, not shipped

    # The facilitator moves the workshop on from here; both views follow, live.
    move = board.get_by_role("button", name="Move the workshop to merge")
    move.focus()
    board.keyboard.press("Enter")
    create = board.get_by_role("button", name="Create the persona document from 1 accepted item")
    expect(create).to_be_visible()
    expect(create).to_be_focused()  # the keyboard stays where it was
    for page in (board, other):
        expect(page.locator(".phase-pill")).to_have_text("Merge")
    expect(other.locator("#create-not-yet")).to_have_text(
        "The facilitator creates it when the reconcile phase is done.")
    create.click()
    for page in (board, other):
        expect(page.locator(".persona-sheet")).to_be_visible()

    # In Dutch, for a participant of a workshop still collecting.
    fresh = workshop_with_people(person, live_server)
    page = fresh["people"][0].page
    page.goto(fresh["url"] + "?lang=nl")
    expect(page.locator("#create-not-yet")).to_have_text(
        "Het personadocument maak je in de fase Samenvoegen.")


# ---- 10. (opt-in) the user guide's screenshots --------------------------------------------

SHOTS = os.environ.get("WORKSHOP_SCREENSHOTS")  # a folder, e.g. docs/screenshots

PEOPLE = [("Lotte", "Marketing"), ("Sam", "Support"), ("Jeroen", "Sales"), ("Priya", "Product")]
# (category, author index, text); the first persona's notes, as in the demo seed
ANOUK = [
    ("identity", 0, "Anouk, 38, owns a 1970s terraced house in Utrecht"),
    ("goals", 0, "Wants to cut the energy bill before winter without a big renovation"),
    ("needs", 1, "Needs to know which measure pays back first, in euros, not kWh"),
    ("needs", 3, "Wants to see the monthly saving before she commits"),
    ("motivations", 3, "Feels responsible for the climate her kids grow up in"),
    ("fears", 1, "Afraid of being sold a heat pump she does not need"),
    ("fears", 2, "Worries installers will not show up on time"),
    ("fears", 1, "Installers never turn up when they promised"),
    ("desires", 2, "Would love to see how her house compares with the neighbours"),
    ("behaviours", 3, "Reads reviews on her phone in the evening, decides at the weekend"),
    ("behaviours", 0, "Compares offers online before she calls anyone"),
    ("channels", 1, "Prefers WhatsApp over phone calls for quick questions"),
    ("channels", 0, "Opens our newsletter when the subject line mentions savings"),
    ("tone", 0, "Plain, calm, no jargon; never pushy"),
]
CONTESTED = "Afraid of being sold a heat pump she does not need"
# (note, stances per person in PEOPLE order, dots per person)
VOTES = {
    CONTESTED: (("disagree", "agree", "disagree", "agree"), (0, 2, 0, 1)),
    "Opens our newsletter when the subject line mentions savings":
        (("agree", "disagree", "unsure", "disagree"), (1, 0, 0, 0)),
    "Needs to know which measure pays back first, in euros, not kWh":
        (("agree", "agree", "agree", "agree"), (2, 1, 1, 1)),
    "Wants to cut the energy bill before winter without a big renovation":
        (("agree", "agree", "unsure", "agree"), (1, 0, 2, 0)),
    "Worries installers will not show up on time":
        (("agree", "agree", "agree", "unsure"), (0, 1, 1, 0)),
    "Prefers WhatsApp over phone calls for quick questions":
        (("agree", "agree", "disagree", "agree"), (0, 0, 0, 2)),
}


def energy_workshop(person, live_server):
    """The demo's workshop, built over HTTP by five people in their own browsers: two
    personas, notes in several categories, votes from four teams with one contested note."""
    response = requests.post(live_server.url + "/api/workshops", timeout=10, json={
        "title": "Who is our customer? — the home energy coach",
        "context": "We are launching an app that coaches households to save energy. Before we "
                   "design the onboarding, we want one shared picture of who we build it for.",
        "teams": [team for _, team in PEOPLE]})
    assert response.status_code == 201, response.text
    created = response.json()
    maria = join(person, created["facilitator_url"], "Maria")
    people = [join(person, created["invite_url"], name, team) for name, team in PEOPLE]
    wid = created["id"]
    anouk = maria.page.request.get(f"/api/workshops/{wid}").json()["personas"][0]["id"]
    op(maria, wid, "persona.rename", {"id": anouk, "name": "Anouk, the busy homeowner"})
    ruben = op(maria, wid, "persona.add", {"name": "Ruben, the student renter"})
    op(people[3], wid, "assumption.add", {
        "persona_id": ruben["event"]["data"]["persona"]["id"], "category": "needs",
        "text": "Needs tips that work without the landlord's permission"})
    notes = {}
    for category, author, text in ANOUK:
        added = op(people[author], wid, "assumption.add",
                   {"persona_id": anouk, "category": category, "text": text})
        notes[text] = added["event"]["data"]["assumption"]["id"]
    return {"maria": maria, "people": people, "id": wid, "persona": anouk, "notes": notes,
            "url": f"/w/{wid}", "merge": f"/w/{wid}/persona/{anouk}"}


def scroll_below_the_top_bar(page, selector: str) -> None:
    """Scroll so that the element starts just under the (sticky) top bar."""
    page.evaluate("""(selector) => {
      const top = document.querySelector(selector).getBoundingClientRect().top + window.scrollY;
      window.scrollTo(0, top - document.querySelector('.topbar').offsetHeight - 12);
    }""", selector)


def settle(page) -> None:
    """No hover, no caret, nothing refused: a still picture of the page as it is."""
    from playwright.sync_api import expect

    page.mouse.move(0, 0)
    page.evaluate("() => document.activeElement?.blur?.()")
    expect(page.locator("#toast")).to_be_hidden()
    page.wait_for_timeout(400)


@pytest.mark.skipif(not SHOTS, reason="set WORKSHOP_SCREENSHOTS=<folder> to take screenshots")
def test_screenshots_of_voting_reconciling_divergence_and_the_phone(person, live_server):
    """docs/screenshots/vote.png, reconcile.png, divergence.png, phone-board.png and
    phone-persona.png, from one realistic small workshop."""
    from playwright.sync_api import expect

    folder = pathlib.Path(SHOTS)
    w = energy_workshop(person, live_server)
    maria, people, wid, notes = w["maria"], w["people"], w["id"], w["notes"]
    lotte, sam = people[0], people[1]

    # Vote: four teams take their stances and spend dots; Lotte looks at the board.
    op(maria, wid, "phase.set", {"phase": "vote"})
    op(maria, wid, "timer.start", {"seconds": 600})
    for text, (stances, dots) in VOTES.items():
        for someone, stance, dot in zip(people, stances, dots, strict=True):
            if someone is lotte and text == CONTESTED:
                continue  # Lotte has not decided on this one yet
            op(someone, wid, "vote.cast", {"assumption_id": notes[text], "stance": stance,
                                           "dots": dot})
    page = lotte.page
    page.set_viewport_size({"width": 1280, "height": 800})
    page.goto(w["url"])
    expect(note(page, CONTESTED)).to_be_visible()
    settle(page)
    scroll_below_the_top_bar(page, "#columns")
    page.screenshot(path=str(folder / "vote.png"))

    # Reconcile: duplicates grouped, a thread on the contested note, decisions with reasons.
    op(lotte, wid, "vote.cast", {"assumption_id": notes[CONTESTED], "stance": "disagree",
                                 "dots": 0})
    op(maria, wid, "timer.stop", {})
    op(maria, wid, "phase.set", {"phase": "reconcile"})
    grouped = op(maria, wid, "group.add", {
        "assumption_id": notes["Installers never turn up when they promised"],
        "onto_id": notes["Worries installers will not show up on time"]})
    group = grouped["event"]["data"]["groups"][0]["id"]
    reviews = op(maria, wid, "group.add", {
        "assumption_id": notes["Compares offers online before she calls anyone"],
        "onto_id": notes["Reads reviews on her phone in the evening, decides at the weekend"]})
    op(maria, wid, "group.rename", {"id": reviews["event"]["data"]["groups"][0]["id"],
                                    "title": "Researches on her phone before she decides"})
    op(maria, wid, "decision.set", {"target_type": "group",
                                    "target_id": reviews["event"]["data"]["groups"][0]["id"],
                                    "decision": "accepted", "reason": "Matches the home visit"})
    for someone, text in [(sam, "Support hears this every week: people ask if they really "
                                "need one"),
                          (lotte, "Our campaign data says heat pumps are what they ask for"),
                          (people[2], "Sales sees both: let's check the survey")]:
        op(someone, wid, "comment.add", {"target_type": "assumption",
                                         "target_id": notes[CONTESTED], "text": text})
    op(maria, wid, "decision.set", {"target_type": "group", "target_id": group,
                                    "decision": "accepted", "reason": "Two teams, one fear"})
    for text, decision, reason in [
            ("Needs to know which measure pays back first, in euros, not kWh", "accepted",
             "Every team agrees"),
            ("Wants to cut the energy bill before winter without a big renovation", "accepted",
             ""),
            ("Opens our newsletter when the subject line mentions savings", "parked",
             "Survey: 9% read it; ask again after the campaign"),
            ("Feels responsible for the climate her kids grow up in", "rejected",
             "Nobody has heard her say it"),
            ("Would love to see how her house compares with the neighbours", "parked",
             "A feature idea, not a need yet")]:
        op(maria, wid, "decision.set", {"target_type": "assumption", "target_id": notes[text],
                                        "decision": decision, "reason": reason})
    op(maria, wid, "decision.set", {
        "target_type": "assumption", "decision": "reworded",
        "target_id": notes["Prefers WhatsApp over phone calls for quick questions"],
        "text": "Asks quick questions on WhatsApp, never by phone", "reason": ""})
    page = maria.page
    page.set_viewport_size({"width": 1280, "height": 800})
    page.goto(w["url"])
    contested = note(page, CONTESTED)
    contested.locator(".thread-toggle").click()
    expect(contested.locator(".thread-item")).to_have_count(3)
    expect(page.locator(".group-card")).to_have_count(2)
    settle(page)
    scroll_below_the_top_bar(page, "section.column[data-category=fears]")
    page.screenshot(path=str(folder / "reconcile.png"))

    # The divergence view: notes × teams, the most divisive first.
    page.get_by_role("button", name="Divergence").click()
    expect(page.locator("#divergence")).to_be_visible()
    settle(page)
    scroll_below_the_top_bar(page, "#divergence")
    page.screenshot(path=str(folder / "divergence.png"))

    # A phone: the top of Sam's board, top bar included.
    phone = sam.page
    phone.set_viewport_size({"width": 390, "height": 844})
    phone.goto(w["url"])
    first = phone.locator("section.column").first
    expect(first).to_be_visible()
    settle(phone)
    assert first.bounding_box()["y"] < 700, "the first column is pushed off the phone's screen"
    phone.screenshot(path=str(folder / "phone-board.png"))

    # And the persona document on the phone, its name whole.
    op(maria, wid, "phase.set", {"phase": "merge"})
    op(maria, wid, "document.create", {"persona_id": w["persona"]})
    for path, value in [
            ("identity.name", "Anouk, the busy homeowner"),
            ("identity.quote", "I want to save, but not spend my Saturdays on it."),
            ("identity.role", "Project manager, mother of two"),
            ("identity.age_range", "35–44"), ("identity.location", "Utrecht"),
            ("identity.story", "Anouk and her partner bought a 1972 terraced house. The "
             "energy bill doubled last winter; she wants to know **what to do first**.")]:
        op(sam, wid, "document.save", {"persona_id": w["persona"], "path": path,
                                       "value": value, "base_rev": 0})
    phone.goto(w["merge"])
    name = phone.get_by_label("Name", exact=True)
    expect(name).to_have_value("Anouk, the busy homeowner")
    assert name.evaluate("el => el.scrollWidth <= el.clientWidth && "
                         "el.scrollHeight <= el.clientHeight + 2"), "the name is cut off"
    settle(phone)
    phone.screenshot(path=str(folder / "phone-persona.png"))
