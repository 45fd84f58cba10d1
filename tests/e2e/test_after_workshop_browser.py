"""Issue 28 in real browsers: agree a persona, open its share link without any cookie (and
reach nothing else of the workshop with it), record a decision that used the persona, start a
review, change a trait that decision relied on, and see the decision listed in the diff."""

from __future__ import annotations

import re

import pytest

from tests.e2e.browsing import op, three_people

pytestmark = [pytest.mark.live, pytest.mark.browser]


def agreed_persona(room) -> dict:
    """Three accepted notes of Sam's on the first persona, its document agreed (version 1)."""
    wid, persona = room.workshop_id, room.persona_id
    notes = {}
    for text in ("Pays by phone", "Hates paper forms", "Cycles to work"):
        notes[text] = op(room.sam, wid, "assumption.add", {
            "persona_id": persona, "category": "goals", "text": text})["event"]["data"][
            "assumption"]["id"]
    for note in notes.values():
        op(room.maria, wid, "decision.set", {"target_type": "assumption", "target_id": note,
                                             "decision": "accepted"})
    op(room.maria, wid, "phase.set", {"phase": "merge"})
    op(room.maria, wid, "document.create", {"persona_id": persona})
    op(room.maria, wid, "document.agree", {"persona_id": persona, "number": 1})
    return notes


def test_share_use_review_and_see_the_affected_decision(person, browser, live_server):
    from playwright.sync_api import expect

    room = three_people(person, live_server)
    wid, persona = room.workshop_id, room.persona_id
    notes = agreed_persona(room)
    paying = f"a:{notes['Pays by phone']}"

    # The facilitator shares the agreed persona; a stranger opens the link with no cookie.
    op(room.maria, wid, "share.create", {"persona_id": persona})
    sharing = room.maria.page.request.get(f"/api/workshops/{wid}/sharing").json()
    token = sharing["shares"][0]["token"]
    stranger = browser.new_context(base_url=live_server.url)
    try:
        assert stranger.cookies() == []
        page = stranger.new_page()
        answer = page.goto(f"/p/{token}")
        assert answer.status == 200 and answer.headers["x-robots-tag"] == "noindex, nofollow"
        expect(page.get_by_text("Pays by phone")).to_be_visible()
        assert wid not in page.content()
        # Nothing else of the workshop answers to the reader, with or without the token.
        assert page.request.get(f"/api/workshops/{wid}").status == 401
        assert page.request.get(f"/api/workshops/{wid}",
                                headers={"Authorization": f"Bearer {token}"}).status == 401
        assert page.goto(f"/w/{wid}").status in (401, 403, 404)
        assert stranger.cookies() == []
    finally:
        stranger.close()

    # Sam records, on the persona page, a decision that relied on "Pays by phone".
    sam = room.sam.page
    sam.goto(f"/w/{wid}/persona/{persona}")
    expect(sam.locator("#usage-count")).to_have_text("Used in 0 decisions")
    sam.get_by_text("Record a decision that used this persona").click()
    sam.get_by_label("Decision", exact=True).fill("Invoice app roadmap")
    sam.get_by_label("Link (optional)").fill("https://wiki.example/roadmap")
    sam.get_by_label("Pays by phone").check()
    sam.get_by_role("button", name="Add to the register").click()
    expect(sam.locator("#usage-count")).to_have_text("Used in 1 decision")
    expect(sam.locator(".usage-list")).to_contain_text("Relied on: Pays by phone")

    # Maria starts a review: version 2, with what needs attention marked in the document.
    maria = room.maria.page
    maria.goto(f"/w/{wid}/persona/{persona}")
    expect(maria.locator("#review-state")).to_contain_text("Review by")
    expect(maria.locator("#usage-count")).to_have_text("Used in 1 decision")
    maria.get_by_role("button", name="Start a review").click()
    expect(maria.locator("#attention-count")).to_have_text("3 traits need attention")
    expect(maria.get_by_label("Show only the traits that need attention")).to_be_checked()
    expect(maria.locator(f'li.persona-item[data-item="{paying}"] .attention-chip')).to_have_text(
        "untested")

    # She rewords the trait the decision relied on, and compares version 1 with version 2.
    maria.locator(f'li.persona-item[data-item="{paying}"] .field-read').click()  # read, then edit
    trait = maria.locator(f'li.persona-item[data-item="{paying}"] textarea')
    trait.fill("Pays by phone, and wants the receipt by e-mail")
    trait.press("Control+Enter")
    expect(maria.locator(f'li.persona-item[data-item="{paying}"] .field-note')).to_have_text(
        re.compile("Saved"))
    maria.get_by_role("button", name="Show changes").click()
    affected = maria.locator("section.affected")
    expect(affected).to_contain_text("1 decision relied on what changed")
    expect(affected).to_contain_text("Invoice app roadmap")
    expect(affected).to_contain_text("changed: Goals · Pays by phone")

    # The register survives the review; the same diff over the API names the decision.
    diff = maria.request.get(f"/api/workshops/{wid}/personas/{persona}/diff?from=1&to=2").json()
    assert [u["title"] for u in diff["affected"]] == ["Invoice app roadmap"]
