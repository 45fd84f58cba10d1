"""Deleting a persona in real browsers: the facilitator confirms in a dialog, and every board
drops the tab and its notes at once; the last persona cannot be deleted."""

from __future__ import annotations

import re

import pytest

from tests.e2e.browsing import create_workshop, join, note, op

pytestmark = [pytest.mark.live, pytest.mark.browser]


def test_the_facilitator_deletes_a_persona_after_confirming(person, live_server):
    from playwright.sync_api import expect

    created = create_workshop(live_server.url)
    maria = join(person, created["facilitator_url"], "Maria")
    sam = join(person, created["invite_url"], "Sam", "Support")
    workshop_id = created["id"]
    ruben = op(maria, workshop_id, "persona.add", {"name": "Ruben"})["event"]["data"]["persona"]
    op(sam, workshop_id, "assumption.add",
       {"persona_id": ruben["id"], "category": "goals", "text": "Cycles to work"})
    page = maria.page
    page.get_by_role("tab", name=re.compile("^Ruben")).click()
    expect(note(page, "Cycles to work")).to_be_visible()

    page.get_by_role("button", name="Delete persona").click()
    dialog = page.get_by_role("dialog", name="Delete the persona “Ruben”?")
    expect(dialog).to_contain_text("Its 1 note goes with it")
    dialog.get_by_role("button", name="Cancel").click()
    expect(dialog).to_have_count(0)
    expect(page.get_by_role("tab", name=re.compile("^Ruben"))).to_have_count(1)

    page.get_by_role("button", name="Delete persona").click()
    page.get_by_role("dialog").get_by_role("button", name="Delete persona").click()
    for board in (page, sam.page):
        expect(board.get_by_role("tab", name=re.compile("^Ruben"))).to_have_count(0)
        expect(note(board, "Cycles to work")).to_have_count(0)
    expect(page.get_by_role("tab", selected=True)).to_contain_text("Primary customer")

    # One persona left: the dialog says why it stays, and offers no delete.
    page.get_by_role("button", name="Delete persona").click()
    dialog = page.get_by_role("dialog")
    expect(dialog).to_contain_text("A workshop keeps at least one persona")
    expect(dialog.get_by_role("button", name="Delete persona")).to_have_count(0)
    dialog.get_by_role("button", name="Close").click()
    expect(page.get_by_role("button", name="Delete persona")).to_be_focused()
    assert sam.page.get_by_role("button", name="Delete persona").count() == 0
