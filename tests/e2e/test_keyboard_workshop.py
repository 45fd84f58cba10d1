"""A complete small workshop run with the keyboard alone: create, join, add, vote, reveal,
group, accept, merge, edit, agree and export — Tab, Shift+Tab, Enter, Space and typed text,
never a click. Opening the links people get by mail (page.goto) is allowed."""

from __future__ import annotations

import re

import pytest

from tests.e2e.browsing import BOARD_URL, note

pytestmark = [pytest.mark.live, pytest.mark.browser]

FIRST = "Wants to commute without a car"
SECOND = "Wants to get to work without owning a car"
NEED = "Needs a repair within one day"
TYPO = "Prefers WhatsApp over e-mial"
FIXED = "Prefers WhatsApp over e-mail"
COMMENT = "Our repair tickets say the same"

FOCUSED = """([selector, name, within]) => {
  const el = document.activeElement;
  if (!el || !el.matches(selector)) return false;
  const label = (el.getAttribute('aria-label') || '') + ' ' + el.textContent;
  if (name && !label.includes(name)) return false;
  if (!within) return true;
  const holder = el.closest('li.note, .group-card');
  return Boolean(holder) && holder.textContent.includes(within);
}"""


def tab_to(page, selector: str, name: str | None = None, within: str | None = None,
           back: bool = False, limit: int = 400) -> None:
    """Press Tab (or Shift+Tab) until the focused element matches, as a keyboard user would."""
    for _ in range(limit):
        if page.evaluate(FOCUSED, [selector, name, within]):
            return
        page.keyboard.press("Shift+Tab" if back else "Tab")
    raise AssertionError(f"Tab never reached {selector} {name or ''} {within or ''}")


def join_by_keyboard(page, name: str, team: str | None = None) -> None:
    from playwright.sync_api import expect

    tab_to(page, "#name")
    page.keyboard.press("Control+A")
    page.keyboard.type(name)
    if team is not None:
        tab_to(page, "#team")
        page.keyboard.type(team)
    tab_to(page, "#join-form button[type=submit]")
    page.keyboard.press("Enter")
    page.wait_for_url(BOARD_URL)
    page.wait_for_selector("#columns section.column")
    expect(page.locator("#conn-status")).to_have_attribute("data-state", "live")


def add_by_keyboard(page, category: str, text: str) -> None:
    tab_to(page, f"section.column[data-category={category}] form.add-note textarea")
    page.keyboard.type(text)
    page.keyboard.press("Enter")


def test_a_whole_workshop_with_the_keyboard_alone(person):
    from playwright.sync_api import expect

    fay = person("Fay")
    page = fay.page
    page.goto("/")
    page.focus("#title")  # where the page starts; everything after is keys
    page.keyboard.type("Who rides our e-bikes?")
    tab_to(page, "#teams")
    page.keyboard.press("Control+A")
    page.keyboard.type("Marketing, Support")
    tab_to(page, "button[type=submit]")
    page.keyboard.press("Enter")
    expect(page.locator("#invite-url")).not_to_have_value("")
    # Focus moves to the "ready" heading, so a screen reader says what happened.
    expect(page.locator("#created-heading")).to_be_focused()
    invite = page.locator("#invite-url").input_value()
    tab_to(page, "#open-facilitator")
    page.keyboard.press("Enter")
    page.wait_for_selector("#join-form")
    join_by_keyboard(page, "Fay")

    pat = person("Pat").page
    pat.goto(invite)  # the invite link from the mail
    join_by_keyboard(pat, "Pat", "Support")

    # Collect: notes typed into the columns.
    for category, text in (("goals", FIRST), ("goals", SECOND), ("needs", NEED)):
        add_by_keyboard(pat, category, text)
    expect(note(page, NEED)).to_have_count(1)

    # Edit a note: its Edit button, the text selected in place, retyped, Enter to save.
    add_by_keyboard(pat, "channels", TYPO)
    tab_to(pat, ".note-actions button", name="Edit note", within=TYPO)
    pat.keyboard.press("Enter")
    expect(pat.locator("li.note.editing textarea")).to_be_focused()
    pat.keyboard.type(FIXED)  # replaces the selected text
    pat.keyboard.press("Enter")
    expect(note(page, FIXED)).to_have_count(1)
    expect(note(pat, FIXED)).to_have_count(1)
    expect(note(page, TYPO)).to_have_count(0)

    # The facilitator switches blind voting on and moves everyone to the vote.
    tab_to(page, "#setting-blind_voting")
    page.keyboard.press("Space")
    expect(page.locator("#setting-blind_voting")).to_be_checked()
    tab_to(page, ".phase-step-button[data-phase=vote]")
    page.keyboard.press("Enter")
    expect(page.locator("#phase")).to_have_attribute("data-phase", "vote")

    # Vote: stances and a dot.
    for text, stance in ((FIRST, "Agree"), (SECOND, "Agree"), (NEED, "Agree")):
        tab_to(pat, ".stance-group button", name=stance, within=text)
        pat.keyboard.press("Enter")
        expect(note(pat, text).get_by_role("button", name=stance, exact=True)).to_have_attribute(
            "aria-pressed", "true")
    tab_to(pat, ".dot-button", name="+", within=NEED)
    pat.keyboard.press("Enter")
    expect(note(pat, NEED).locator(".my-dots")).to_contain_text("1")

    # Reveal, then reconcile.
    tab_to(page, "button", name="Reveal votes")
    page.keyboard.press("Enter")
    tab_to(page, ".phase-step-button[data-phase=reconcile]")
    page.keyboard.press("Enter")
    expect(page.locator("#phase")).to_have_attribute("data-phase", "reconcile")

    # Group the duplicate onto its twin: "Group" on one, "Group here" on the other.
    tab_to(page, ".group-start", within=SECOND)
    page.keyboard.press("Enter")
    tab_to(page, ".group-here", within=FIRST)
    page.keyboard.press("Enter")
    expect(page.locator(".group-card .group-notes .note-text")).to_have_count(2)

    # Accept the group and the need ("accepted" is the form's default choice).
    for within in (FIRST, NEED):
        tab_to(page, "details.decide > summary", within=within)
        page.keyboard.press("Enter")
        tab_to(page, ".decide-form button[type=submit]", within=within)
        page.keyboard.press("Enter")
    expect(page.locator(".group-card .decision-label")).to_have_text("Accepted")
    expect(note(page, NEED).locator(".decision-label")).to_have_text("Accepted")

    # Discuss: "Discuss" opens the thread with the focus in its text box; Enter sends.
    tab_to(pat, ".thread-toggle", within=NEED)
    pat.keyboard.press("Enter")
    expect(note(pat, NEED).locator(".thread textarea")).to_be_focused()
    pat.keyboard.type(COMMENT)
    pat.keyboard.press("Enter")
    expect(note(pat, NEED).locator(".thread-text")).to_have_text([COMMENT])
    expect(note(page, NEED).locator(".thread-toggle")).to_contain_text("1")

    # Merge: the board's "Persona document" link leads to the merge view.
    tab_to(page, ".phase-step-button[data-phase=merge]")
    page.keyboard.press("Enter")
    expect(page.locator("#phase")).to_have_attribute("data-phase", "merge")
    tab_to(page, "#persona-doc-link")
    page.keyboard.press("Enter")
    page.wait_for_url(re.compile(r"/persona/"))
    tab_to(page, "button", name="Create the persona document")
    page.keyboard.press("Enter")
    page.wait_for_selector(".persona-sheet")
    tab_to(page, ".field[data-path='identity.name'] .field-edit")  # the name reads as text
    page.keyboard.press("Enter")
    page.keyboard.type("Jasper")
    page.keyboard.press("Enter")
    expect(page.get_by_label("Name", exact=True)).to_have_value("Jasper")
    tab_to(page, "button", name="Mark version 1 agreed")
    page.keyboard.press("Enter")
    expect(page.locator("#version-chip")).to_have_text("Agreed · version 1")

    # Export: the Markdown link, activated with Enter, downloads the persona.
    tab_to(page, ".export-links a", name="Markdown")
    with page.expect_download() as download:
        page.keyboard.press("Enter")
    path = download.value.path()
    markdown = open(path, encoding="utf-8").read()
    assert "Jasper" in markdown and NEED in markdown


IN_DIALOG = "() => Boolean(document.activeElement?.closest('dialog.help-dialog[open]'))"


def test_question_mark_opens_the_keyboard_help_which_keeps_and_returns_focus(person, live_server):
    from playwright.sync_api import expect

    from tests.e2e.browsing import create_workshop

    links = create_workshop(live_server.url)
    page = person("Fay").page
    page.goto(links["facilitator_url"])
    join_by_keyboard(page, "Fay")
    help_dialog = page.locator("dialog.help-dialog")

    # In a text field "?" is just a character.
    add_by_keyboard(page, "goals", "Why? Because")
    expect(note(page, "Why? Because")).to_have_count(1)
    expect(help_dialog).to_have_count(0)

    # Outside one it opens the help; focus stays inside until Escape, then comes back.
    tab_to(page, ".phase-step-button[data-phase=vote]")
    page.keyboard.press("?")
    expect(help_dialog).to_be_visible()
    expect(help_dialog.get_by_role("heading", name="Keyboard shortcuts")).to_be_visible()
    expect(help_dialog).to_contain_text("“Group” on one note, then “Group here” on the other")
    for _ in range(5):
        assert page.evaluate(IN_DIALOG)
        page.keyboard.press("Tab")
    page.keyboard.press("Escape")
    expect(help_dialog).to_be_hidden()
    assert page.evaluate("() => document.activeElement.dataset.phase") == "vote"

    # The top bar's button opens it too; its Close button closes it.
    tab_to(page, "#help-open", back=True)
    page.keyboard.press("Enter")
    expect(help_dialog).to_be_visible()
    page.keyboard.press("Enter")  # focus starts on Close
    expect(help_dialog).to_be_hidden()
    assert page.evaluate("() => document.activeElement.id") == "help-open"

    # The merge view has it as well, with its own keys.
    state = page.request.get(f"/api/workshops/{links['id']}").json()
    page.goto(f"/w/{links['id']}/persona/{state['personas'][0]['id']}")
    page.wait_for_selector("#merge-document *")
    page.keyboard.press("?")
    expect(help_dialog).to_contain_text("Save a longer text")
