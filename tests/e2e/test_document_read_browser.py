"""The persona document reads as a document and edits on request (issue 30): every field is
text until it is clicked, or its Edit button is pressed; leaving saves and reads again, Escape
cancels, others see the saved text live, and nobody who may not edit sees a way to."""

from __future__ import annotations

import pytest

from tests.e2e.axe import assert_accessible
from tests.e2e.browsing import create_workshop, field, join, op

pytestmark = [pytest.mark.live, pytest.mark.browser]

SIZES = {"1280": (1280, 800), "390": (390, 844)}
WHERE = ["1280-en", "1280-nl", "390-en", "390-nl"]
BELIEF = "Commutes 15 km each way, rain or shine"
LONG_PLACE = "Amersfoort, a 1930s terraced house near the station, ten minutes from the ring road"
WORDS = {
    "en": {"role": "Role", "location": "Location", "empty": "Not filled in yet",
           "edit_role": "Edit Role"},
    "nl": {"role": "Rol", "location": "Woonplaats", "empty": "Nog niet ingevuld",
           "edit_role": "Rol bewerken"},
}
# What is focused, as a selector can say it (the trait's Edit button is the one we look for).
FOCUS_MATCHES = "(selector) => Boolean(document.activeElement?.matches(selector))"


@pytest.fixture
def sheet(person, live_server):
    """Fay facilitates, Pat writes; one accepted trait, the document made, a long location."""
    links = create_workshop(live_server.url)
    wid = links["id"]
    fay = join(person, links["facilitator_url"], "Fay")
    pat = join(person, links["invite_url"], "Pat", "Support")
    persona = fay.page.request.get(f"/api/workshops/{wid}").json()["personas"][0]["id"]
    added = op(pat, wid, "assumption.add", {"persona_id": persona, "category": "goals",
                                           "text": BELIEF})
    op(fay, wid, "decision.set", {"target_type": "assumption", "decision": "accepted",
                                  "target_id": added["event"]["data"]["assumption"]["id"]})
    op(fay, wid, "phase.set", {"phase": "merge"})
    op(fay, wid, "document.create", {"persona_id": persona})
    op(fay, wid, "document.save", {"persona_id": persona, "path": "identity.location",
                                   "value": LONG_PLACE, "base_rev": 0})
    return {"id": wid, "persona": persona, "links": links, "fay": fay, "pat": pat,
            "person": person, "url": f"/w/{wid}/persona/{persona}"}


def open_sheet(page, sheet, where: str):
    """The persona document at this size and in this language ("390-nl")."""
    size, lang = where.split("-")
    width, height = SIZES[size]
    page.set_viewport_size({"width": width, "height": height})
    page.goto(f"{sheet['url']}?lang={lang}")
    page.wait_for_selector(".persona-sheet")
    return WORDS[lang]


def read(page, path: str):
    """A field's text as it reads (not its box)."""
    return page.locator(f".field[data-path='{path}'] .field-read")


def trait(page):
    return page.locator("li.persona-item .field-read").first


def saved_identity(sheet) -> dict:
    """The document's identity as the server keeps it."""
    answer = sheet["fay"].page.request.get(
        f"/api/workshops/{sheet['id']}/personas/{sheet['persona']}/versions/1")
    return answer.json()["document"]["identity"]


@pytest.mark.parametrize("where", WHERE)
def test_fields_read_as_text_and_a_click_or_the_keyboard_opens_one(sheet, where):
    from playwright.sync_api import expect

    page = sheet["pat"].page
    words = open_sheet(page, sheet, where)
    other = sheet["fay"].page
    open_sheet(other, sheet, where)

    # Read mode: text, not boxes; the long location whole, an empty field says so quietly.
    expect(page.locator(".persona-sheet :is(textarea, input[type=text]):visible")).to_have_count(0)
    location = read(page, "identity.location")
    expect(location).to_have_text(LONG_PLACE)
    cut = location.evaluate(
        "el => [el.scrollWidth - el.clientWidth, el.scrollHeight - el.clientHeight]")
    assert cut[0] <= 1 and cut[1] <= 1, f"the location is cut: {cut} px hidden"
    expect(trait(page)).to_have_text(BELIEF)
    role = read(page, "identity.role")
    expect(role).to_have_text(words["empty"])
    assert_accessible(page, f"persona document, read mode, {where}")

    # A click opens the box with the text in it; Enter saves and reads again.
    role.click()
    box = field(page, words["role"])
    expect(box).to_be_visible()
    expect(box).to_be_focused()
    expect(box).to_have_value("")
    assert_accessible(page, f"persona document, editing the role, {where}")
    page.keyboard.type("Night nurse")
    page.keyboard.press("Enter")
    expect(box).to_be_hidden()
    expect(role).to_have_text("Night nurse")
    expect(page.get_by_role("button", name=words["edit_role"])).to_be_focused()
    expect(read(other, "identity.role")).to_have_text("Night nurse")  # live, in the other browser

    # The keyboard: Tab reaches the trait's Edit button, Enter opens it, Ctrl+Enter saves.
    for _ in range(40):
        if page.evaluate(FOCUS_MATCHES, "li.persona-item .field-edit"):
            break
        page.keyboard.press("Tab")
    else:
        raise AssertionError("Tab never reached the trait's Edit button")
    page.keyboard.press("Enter")
    trait_box = page.locator("li.persona-item textarea").first
    expect(trait_box).to_be_focused()
    expect(trait_box).to_have_value(BELIEF)
    page.keyboard.press("End")
    page.keyboard.type(", even in snow")
    page.keyboard.press("Control+Enter")
    expect(trait_box).to_be_hidden()
    expect(trait(page)).to_have_text(f"{BELIEF}, even in snow")
    expect(trait(other)).to_have_text(f"{BELIEF}, even in snow")

    # Escape cancels: the typed text is gone, nothing is saved.
    location.click()
    box = field(page, words["location"])
    expect(box).to_be_focused()
    box.fill("Zwolle")
    box.press("Escape")
    expect(box).to_be_hidden()
    expect(location).to_have_text(LONG_PLACE)
    assert saved_identity(sheet)["location"] == LONG_PLACE
    assert saved_identity(sheet)["role"] == "Night nurse"

    # Leaving the box (a click elsewhere) saves too, and reads again.
    location.click()
    box.fill("Zwolle")
    page.locator(".persona-section h3").first.click()
    expect(box).to_be_hidden()
    expect(location).to_have_text("Zwolle")
    expect(read(other, "identity.location")).to_have_text("Zwolle")


@pytest.mark.parametrize("where", WHERE)
def test_an_observer_and_a_locked_version_show_no_way_to_edit(sheet, where):
    from playwright.sync_api import expect

    observer = sheet["person"]("Mo").page
    size, lang = where.split("-")
    observer.goto(sheet["links"]["observer_url"] + f"?lang={lang}")
    if observer.locator("#join-form").count():
        observer.fill("#name", "Mo")
        observer.click("#join-form button[type=submit]")
    observer.wait_for_selector("#columns section.column")
    open_sheet(observer, sheet, where)
    expect(read(observer, "identity.location")).to_have_text(LONG_PLACE)
    expect(read(observer, "identity.role")).to_have_text("—")  # no "fill me in" for a reader
    expect(observer.locator(".field-edit:visible")).to_have_count(0)
    expect(observer.locator(".field.editable")).to_have_count(0)
    read(observer, "identity.location").click()
    expect(observer.locator(".persona-sheet textarea:visible")).to_have_count(0)
    assert_accessible(observer, f"persona document, observer, {where}")

    # Agreed: version 1 is frozen, so a participant sees only its text as well.
    page = sheet["pat"].page
    open_sheet(page, sheet, where)
    expect(page.locator(".field-edit:visible").first).to_be_attached()
    op(sheet["fay"], sheet["id"], "document.agree", {"persona_id": sheet["persona"], "number": 1})
    expect(page.locator("#version-chip.agreed")).to_be_visible()
    expect(page.locator(".field.editable")).to_have_count(0)
    expect(page.locator(".field-edit:visible")).to_have_count(0)
    trait(page).click()
    expect(page.locator(".persona-sheet textarea:visible")).to_have_count(0)
