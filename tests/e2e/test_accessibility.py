"""axe-core on every page, in every phase, at desktop (1280 px) and phone (390 px) widths:
no serious or critical WCAG 2.x A/AA violation anywhere a person can go."""

from __future__ import annotations

import re

import pytest

from tests.e2e.axe import audit
from tests.e2e.test_persona_browser import op
from tests.e2e.test_voting_browser import create_workshop, join, note

pytestmark = [pytest.mark.live, pytest.mark.browser]

NOTES = [("goals", "Wants to commute without a car"),
         ("goals", "Wants to get to work without owning a car"),
         ("channels", "Prefers WhatsApp over e-mail"),
         ("needs", "Needs a repair within one day")]
RESEARCH = "# Visit at home\n\nShe **pays every bill on her phone**.\n\n- rides daily\n- no car\n"


class Audit:
    """Collects axe's findings page by page, so one run reports every page at once."""

    def __init__(self, width: int):
        self.width = width
        self.found: list[str] = []

    def check(self, page, where: str) -> None:
        page.wait_for_timeout(150)  # let transitions settle before colours are sampled
        for v in audit(page):
            self.found.append(f"[{self.width}px] {where}: {v['id']} ({v['impact']}): "
                              f"{v['help']} at {v['nodes']} ({v['why']})")

    def assert_clean(self) -> None:
        assert not self.found, "\n".join(self.found)


def sized(someone, width: int):
    someone.page.set_viewport_size({"width": width, "height": 900 if width > 500 else 844})
    return someone


def show(page, view: str) -> None:
    from playwright.sync_api import expect

    button = page.locator(f"#view-switch [data-view={view}]")
    button.click()
    expect(button).to_have_attribute("aria-pressed", "true")


@pytest.mark.parametrize("width", [1280, 390])
def test_no_serious_or_critical_violations_on_any_page_in_any_phase(person, live_server, width):
    from playwright.sync_api import expect

    found = Audit(width)
    visitor = sized(person("Visitor"), width)
    visitor.page.goto("/")
    visitor.page.wait_for_selector("form")
    found.check(visitor.page, "home")

    links = create_workshop(live_server.url)
    wid = links["id"]
    for kind in ("invite_url", "observer_url"):
        visitor.page.goto(links[kind])
        visitor.page.wait_for_selector("#join-form")
        found.check(visitor.page, f"join ({kind})")

    fay = sized(join(person, links["facilitator_url"], "Fay"), width)
    pat = sized(join(person, links["invite_url"], "Pat", "Support"), width)
    found.check(fay.page, "board, collect, empty")
    fay.page.locator("label[for=setting-blind_voting]").click()
    state = fay.page.request.get(f"/api/workshops/{wid}").json()
    persona = state["personas"][0]["id"]
    ids = {}
    for category, text in NOTES:
        added = op(pat, wid, "assumption.add",
                   {"persona_id": persona, "category": category, "text": text})
        ids[text] = added["event"]["data"]["assumption"]["id"]
    expect(note(fay.page, NOTES[-1][1])).to_have_count(1)
    found.check(fay.page, "board, collect (facilitator)")
    found.check(pat.page, "board, collect (participant)")
    fay.page.evaluate("() => document.activeElement?.blur()")
    fay.page.keyboard.press("?")  # the top bar's button is hidden on a phone; "?" works
    fay.page.wait_for_selector("dialog.help-dialog[open]")
    found.check(fay.page, "board, keyboard help open")
    fay.page.keyboard.press("Escape")

    op(fay, wid, "phase.set", {"phase": "vote"})
    op(pat, wid, "vote.cast", {"assumption_id": ids[NOTES[0][1]], "stance": "agree", "dots": 1})
    expect(fay.page.locator("#phase-banner")).to_contain_text(re.compile("vot", re.I))
    found.check(fay.page, "board, vote (blind, facilitator)")
    found.check(pat.page, "board, vote (blind, participant)")
    op(fay, wid, "reveal", {"what": "votes"})

    op(fay, wid, "phase.set", {"phase": "reconcile"})
    op(fay, wid, "group.add", {"assumption_id": ids[NOTES[1][1]], "onto_id": ids[NOTES[0][1]]})
    for text in (NOTES[2][1], NOTES[3][1]):
        op(fay, wid, "decision.set", {"target_type": "assumption", "target_id": ids[text],
                                      "decision": "accepted", "reason": "Seen in interviews"})
    op(pat, wid, "comment.add", {"target_type": "assumption", "target_id": ids[NOTES[2][1]],
                                 "text": "Our tickets say so too"})
    fay.page.reload()
    fay.page.wait_for_selector(".group-card")
    note(fay.page, NOTES[2][1]).locator(".thread-toggle").click()
    found.check(fay.page, "board, reconcile (group, thread open, decisions)")
    show(fay.page, "divergence")
    found.check(fay.page, "divergence view")

    show(pat.page, "research")
    found.check(pat.page, "research library, empty")
    pat.page.locator("#lib-new").click()
    pat.page.locator("#lib-ed-title").fill("Interview with Anna")
    pat.page.locator("#lib-ed-body").fill(RESEARCH)
    found.check(pat.page, "research library, editor")
    pat.page.get_by_role("button", name="Add note").click()
    pat.page.wait_for_selector(".lib-reader")
    found.check(pat.page, "research library, a note open")
    pat.page.locator("#lib-import-open").click()
    pat.page.wait_for_selector("dialog.imp-dialog[open]")
    found.check(pat.page, "research library, import dialog")
    pat.page.keyboard.press("Escape")

    op(fay, wid, "phase.set", {"phase": "merge"})
    show(fay.page, "board")
    found.check(fay.page, "board, merge")
    url = f"/w/{wid}/persona/{persona}"
    fay.page.goto(url)
    found.check(fay.page, "merge view, no document yet")
    fay.page.get_by_role("button", name=re.compile("Create the persona document")).click()
    fay.page.wait_for_selector(".persona-sheet")
    fay.page.locator("details.provenance summary").first.click()
    found.check(fay.page, "merge view, document with provenance open")
    pat.page.goto(url)
    pat.page.wait_for_selector(".persona-sheet")
    quote = pat.page.get_by_label("Quote", exact=True)
    fay.page.get_by_label("Quote", exact=True).fill("Keep it")
    quote.fill("Just let me pay")
    quote.press("Control+Enter")
    expect(quote).to_have_value("Just let me pay")
    quote_field = fay.page.locator(".field[data-path='identity.quote']")
    expect(quote_field.locator(".field-note")).to_contain_text("Pat just saved this field")
    mine = fay.page.get_by_label("Quote", exact=True)
    mine.press("End")
    mine.type(" simple")
    mine.press("Control+Enter")
    expect(quote_field.locator(".field-conflict")).to_be_visible()
    found.check(fay.page, "merge view, conflict panel")
    quote_field.get_by_role("button", name="Keep mine").click()
    fay.page.get_by_role("button", name=re.compile("Mark version 1 agreed")).click()
    expect(fay.page.locator("#version-chip")).to_have_text("Agreed · version 1")
    found.check(fay.page, "merge view, agreed")
    fay.page.goto(url + "/onepager")
    fay.page.wait_for_selector("article.persona")
    found.check(fay.page, "one-pager")

    fay.page.goto(f"/w/{wid}")
    fay.page.wait_for_selector("#columns section.column")
    op(fay, wid, "phase.set", {"phase": "agreed"})
    expect(fay.page.locator("#phase-banner")).to_contain_text(re.compile("agreed", re.I))
    found.check(fay.page, "board, agreed")
    found.assert_clean()
