"""axe-core on every page, in every phase, at desktop (1280 px) and phone (390 px) widths:
no serious or critical WCAG 2.x A/AA violation anywhere a person can go."""

from __future__ import annotations

import re

import pytest

from tests.e2e.axe import audit
from tests.e2e.browsing import Member, create_workshop, edit, join, note, op

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
        # Colours sampled mid-fade are not the page's colours (a note fades in over 180 ms,
        # and a fixed pause raced it): let every finite animation running now finish first.
        page.wait_for_timeout(50)
        page.evaluate("""() => Promise.all(document.getAnimations()
            .filter(a => a.effect?.getComputedTiming().iterations !== Infinity)
            .map(a => a.finished.catch(() => null)))""")
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
    edit(fay.page, "Quote").fill("Keep it")
    quote = edit(pat.page, "Quote")
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
    show(fay.page, "plan")
    expect(fay.page.locator("#plan-figure figcaption")).to_be_visible()
    found.check(fay.page, "research plan view (the backlog's 2x2)")
    found.assert_clean()


TEAMS = ["Marketing", "Sales", "Support", "Product", "Finance", "Legal", "Research", "Operations"]


def test_message_pages_links_observer_dutch_private_notes_diff_linking_and_eight_teams(
        person, live_server):
    """The pages and states the phase-by-phase run does not reach, at 1280 px, in one
    workshop with eight teams (every team colour on the board)."""
    from playwright.sync_api import expect

    found = Audit(1280)
    visitor = sized(person("Visitor"), 1280)
    page = visitor.page
    page.goto("/join/not-a-real-token")
    expect(page.locator("h1")).to_be_visible()
    found.check(page, "message: invalid link")

    page.goto("/")
    page.fill("#title", "Who rides our e-bikes?")
    page.fill("#teams", ", ".join(TEAMS))
    page.click("#create-form button[type=submit]")
    expect(page.locator("#created")).to_be_visible()
    found.check(page, "home, workshop created (links shown)")
    links = {key: page.locator(f"#{key}-url").input_value()
             for key in ("facilitator", "invite", "observer")}
    page.goto(links["facilitator"])
    page.wait_for_selector("#join-form")
    found.check(page, "join (facilitator)")

    fay = sized(join(person, links["facilitator"], "Fay"), 1280)
    wid = fay.page.url.rsplit("/", 1)[-1]
    page.goto(f"/w/{wid}")  # the visitor never joined
    expect(page.locator("h1")).to_be_visible()
    found.check(page, "message: join first")
    persona = fay.page.request.get(f"/api/workshops/{wid}").json()["personas"][0]["id"]
    fay.page.goto(f"/w/{wid}/persona/not-a-persona")
    found.check(fay.page, "message: no such persona")
    fay.page.goto(f"/w/{wid}/persona/{persona}/onepager?version=99")
    found.check(fay.page, "message: not found")
    for someone in (visitor, fay):  # the browser logs the message pages' 403 and 404s
        assert all(re.search(r"status of 40[34]", e) for e in someone.errors), someone.errors
        someone.errors.clear()

    # Private collect: a participant's own hidden note, and the facilitator's view of it.
    fay.page.goto(f"/w/{wid}")
    fay.page.wait_for_selector("#columns section.column")
    fay.page.locator("label[for=setting-private_collect]").click()
    expect(fay.page.locator("#setting-private_collect")).to_be_checked()
    pat = sized(join(person, links["invite"], "Pat", "Support"), 1280)
    box = pat.page.locator("section.column[data-category=goals] form.add-note textarea")
    box.fill("Wants to commute without a car")
    box.press("Enter")
    expect(note(pat.page, "Wants to commute without a car")).to_have_count(1)
    found.check(pat.page, "board, private collect (participant)")
    found.check(fay.page, "board, private collect (facilitator)")
    op(fay, wid, "reveal", {"what": "notes"})
    op(fay, wid, "settings.update", {"private_collect": False})

    # Every team writes a note: all eight team colours on the board.
    ids = []
    for n, team in enumerate(TEAMS):
        member = Member(links["invite"], f"Member {n}", team)
        added = member.op("assumption.add", {"persona_id": persona, "category": "needs",
                                             "text": f"{team} thinks she needs help {n}"})
        ids.append(added["event"]["data"]["assumption"]["id"])
    expect(fay.page.locator("li.note")).to_have_count(len(TEAMS) + 1)
    for slot in range(8):
        expect(fay.page.locator(f"li.note.team-c{slot}").first).to_be_visible()
    found.check(fay.page, "board, eight team colours")

    observer = sized(join(person, links["observer"], "Olga"), 1280)
    expect(observer.page.locator("li.note")).to_have_count(len(TEAMS) + 1)
    found.check(observer.page, "board (observer)")

    fay.page.goto(f"/w/{wid}?lang=nl")
    fay.page.wait_for_selector("#columns section.column")
    expect(fay.page.locator("html")).to_have_attribute("lang", "nl")
    found.check(fay.page, "board in Dutch")
    fay.page.goto(f"/w/{wid}?lang=en")
    fay.page.wait_for_selector("#columns section.column")

    # The library's link-a-passage panel.
    op(pat, wid, "research_note.add", {"title": "Interview with Anna",
                                       "source_type": "interview", "body": RESEARCH})
    show(pat.page, "research")
    pat.page.locator(".lib-item-title", has_text="Interview with Anna").click()
    pat.page.wait_for_selector(".lib-reader")
    pat.page.get_by_role("button", name="Link a passage").click()
    expect(pat.page.locator(".lib-link-form")).to_be_visible()
    found.check(pat.page, "research library, link-a-passage panel")

    # The merge view's history and diff: version 1 agreed, version 2 changed.
    for assumption in ids[:3]:
        op(fay, wid, "decision.set", {"target_type": "assumption", "target_id": assumption,
                                      "decision": "accepted", "reason": ""})
    op(fay, wid, "phase.set", {"phase": "merge"})
    op(fay, wid, "document.create", {"persona_id": persona})
    op(fay, wid, "document.save", {"persona_id": persona, "path": "identity.location",
                                   "value": "Utrecht", "base_rev": 0})
    op(fay, wid, "document.agree", {"persona_id": persona, "number": 1})
    op(fay, wid, "document.save", {"persona_id": persona, "path": "identity.location",
                                   "value": "Zwolle", "base_rev": 1, "reopen": True})
    fay.page.goto(f"/w/{wid}/persona/{persona}")
    fay.page.locator("#show-diff").click()
    expect(fay.page.locator(".diff-table caption")).to_contain_text("1 change")
    found.check(fay.page, "merge view, history and diff")
    found.assert_clean()
