"""A full board in real browsers: 60 notes at 1280 × 800 leave the notes above the fold (the
first note's top edge measured, in Reconcile too and for the facilitator), compact cards open
by keyboard, folded columns are remembered, and on a 390 px phone one "New note" button asks
for the category and every control is at least 24 × 24 CSS px (WCAG 2.2 target size), the
primary one 44 px; in English and Dutch, axe clean."""

from __future__ import annotations

import pytest

from tests.e2e.axe import assert_accessible
from tests.e2e.browsing import create_workshop, join, note, op

pytestmark = [pytest.mark.live, pytest.mark.browser]

CATEGORIES = ["identity", "goals", "needs", "motivations", "fears", "desires", "behaviours",
              "channels", "tone", "messages"]
BELIEFS = ["Commutes 15 km each way, rain or shine", "Wants to get to work faster than by car",
           "Needs a repair within one day", "Checks the bike's range on her phone every evening",
           "Afraid the battery dies halfway home", "Prefers WhatsApp over phone calls"]
# A third of an 800 px screen: the header stack (top bar, tabs, phase, context, filters,
# evidence) may take no more, so the notes start above the fold.
FOLD_LIMIT = 800 / 3
# Every control a finger or pointer aims at (inline links in running text are exempt in WCAG).
CONTROLS = ("button, a[href]:not(p a), input, select, textarea, summary, [role=button],"
            " li.note[tabindex='0']")


@pytest.fixture
def full_board(person, live_server):
    """A workshop with a facilitator, three participants and 60 notes on its first persona."""
    links = create_workshop(live_server.url)
    wid = links["id"]
    fay = join(person, links["facilitator_url"], "Fay")
    people = [join(person, links["invite_url"], name, team)
              for name, team in (("Lotte", "Marketing"), ("Sam", "Support"))]
    persona = fay.page.request.get(f"/api/workshops/{wid}").json()["personas"][0]["id"]
    for i in range(60):
        op(people[i % 2], wid, "assumption.add", {"persona_id": persona,
                                                  "category": CATEGORIES[i % 10],
                                                  "text": f"{BELIEFS[i % 6]} ({i})"})
    return {"id": wid, "fay": fay, "lotte": people[0], "sam": people[1], "links": links}


def first_note_top(page) -> float:
    page.wait_for_selector("li.note")
    page.wait_for_timeout(300)  # the notes' entry animation
    return page.evaluate("() => document.querySelector('li.note').getBoundingClientRect().top")


@pytest.mark.parametrize("lang", ["en", "nl"])
def test_sixty_notes_start_above_the_fold_at_1280(full_board, lang):
    from playwright.sync_api import expect

    page = full_board["lotte"].page
    page.set_viewport_size({"width": 1280, "height": 800})
    for phase in ("collect", "vote"):
        op(full_board["fay"], full_board["id"], "phase.set", {"phase": phase})
        page.goto(f"/w/{full_board['id']}?lang={lang}")
        expect(page.locator("#phase")).to_have_attribute("data-phase", phase)
        top = first_note_top(page)
        assert top <= FOLD_LIMIT, f"{phase}, {lang}: the first note starts at {top:.0f} px"
        # Nothing accepted or linked yet: the coverage picture and the filters wait.
        expect(page.locator("#evidence-strip")).to_be_hidden()
        expect(page.locator("#reconcile-bar")).to_be_hidden()
        # The phase stepper is one line.
        steps = page.locator("#phase-steps .phase-step")
        tops = {round(steps.nth(i).bounding_box()["y"]) for i in range(steps.count())}
        assert len(tops) == 1, f"the stepper wraps: {tops}"
        assert_accessible(page, f"a 60-note board, {phase}, {lang}")
    # From reconciling on, the strip and the filters are there.
    op(full_board["fay"], full_board["id"], "phase.set", {"phase": "reconcile"})
    expect(page.locator("#evidence-strip")).to_be_visible()
    expect(page.locator("#reconcile-bar")).to_be_visible()
    assert_accessible(page, f"a 60-note board, reconcile, {lang}")


def overlapping_steps(page) -> list[str]:
    """Pairs of phase-card items (steps, status chips, the duplicates bar) whose boxes overlap."""
    return page.evaluate("""() => {
      const items = [...document.querySelectorAll(
        '#phase-steps .phase-step, #phase-banner .phase-status > :not([hidden]), '
        + '#duplicates:not([hidden])')]
        .map((el) => [el.textContent.trim().slice(0, 30), el.getBoundingClientRect()])
        .filter(([, b]) => b.width && b.height);
      const clash = [];
      for (let i = 0; i < items.length; i++) for (let j = i + 1; j < items.length; j++) {
        const [a, p] = items[i], [b, q] = items[j];
        const meet = p.left < q.right && q.left < p.right && p.top < q.bottom && q.top < p.bottom;
        if (meet) clash.push(`${a} / ${b}`);
      }
      return clash;
    }""")


@pytest.mark.parametrize("lang", ["en", "nl"])
def test_reconcile_keeps_the_notes_above_the_fold_for_participant_and_facilitator(full_board, lang):
    from playwright.sync_api import expect

    wid = full_board["id"]
    op(full_board["fay"], wid, "settings.update", {"blind_voting": True})
    op(full_board["fay"], wid, "phase.set", {"phase": "vote"})
    op(full_board["fay"], wid, "reveal", {"what": "votes"})
    op(full_board["fay"], wid, "phase.set", {"phase": "reconcile"})
    for who in ("lotte", "fay"):
        page = full_board[who].page
        page.set_viewport_size({"width": 1280, "height": 800})
        page.goto(f"/w/{wid}?lang={lang}")
        expect(page.locator("#phase")).to_have_attribute("data-phase", "reconcile")
        expect(page.locator("#evidence-strip")).to_be_visible()
        expect(page.locator("#reconcile-bar")).to_be_visible()
        if who == "fay":
            # The likely duplicates wait as a one-line bar until asked for.
            duplicates = page.locator("#duplicates")
            expect(duplicates.locator(".dup-toggle")).to_have_attribute("aria-expanded", "false")
            assert duplicates.bounding_box()["height"] <= 40, duplicates.bounding_box()
        top = first_note_top(page)
        assert top <= FOLD_LIMIT, f"reconcile, {who}, {lang}: the first note starts at {top:.0f} px"
        steps = page.locator("#phase-steps .phase-step")
        tops = {round(steps.nth(i).bounding_box()["y"]) for i in range(steps.count())}
        assert len(tops) == 1, f"the stepper wraps: {tops}"
        assert not overlapping_steps(page), overlapping_steps(page)
        assert_accessible(page, f"a 60-note board, reconcile, {who}, {lang}")
        if who == "fay":
            duplicates.locator(".dup-toggle").click()  # open: the pairs, still clear of the stepper
            expect(duplicates.locator(".dup-pair").first).to_be_visible()
            assert not overlapping_steps(page), overlapping_steps(page)
            assert_accessible(page, f"reconcile, the duplicates open, {lang}")


def test_compact_cards_open_by_keyboard_and_columns_fold_and_stay_folded(full_board):
    from playwright.sync_api import expect

    page = full_board["lotte"].page
    page.set_viewport_size({"width": 1280, "height": 800})
    op(full_board["fay"], full_board["id"], "phase.set", {"phase": "vote"})
    page.goto(f"/w/{full_board['id']}")
    card = note(page, f"{BELIEFS[0]} (0)")
    expect(page.locator("#columns")).to_have_class("columns compact")
    agree = card.get_by_role("button", name="Agree", exact=True)
    expect(agree).to_be_hidden()  # compact: text and team colour only
    card.focus()
    expect(agree).to_be_visible()  # focus opens the details …
    page.keyboard.press("Tab")  # … and Tab goes into them
    expect(card.get_by_role("button", name="Agree", exact=True)).to_be_focused()
    page.keyboard.press("Enter")
    expect(card.get_by_role("button", name="Agree", exact=True)).to_have_attribute(
        "aria-pressed", "true")

    # The choice of detailed cards, and a folded column, outlive a reload.
    page.locator("#compact-toggle").click()
    expect(page.locator("#compact-toggle")).to_have_attribute("aria-pressed", "false")
    second = note(page, f"{BELIEFS[1]} (1)")
    expect(second.get_by_role("button", name="Agree", exact=True)).to_be_visible()
    goals = page.locator("section.column[data-category=goals]")
    goals.get_by_role("button", name="Collapse Goals").click()
    expect(goals.locator("li.note").first).to_be_hidden()
    page.reload()
    goals = page.locator("section.column[data-category=goals]")
    expect(goals.locator("li.note").first).to_be_hidden()
    expect(goals.locator(".count")).to_have_text("6")
    expect(page.locator("#compact-toggle")).to_have_attribute("aria-pressed", "false")
    goals.get_by_role("button", name="Expand Goals").click()
    expect(goals.locator("li.note").first).to_be_visible()


def small_controls(page) -> list[str]:
    """Each visible control whose box (its label's, for a box inside a label) is under 24 px."""
    return page.evaluate("""(selector) => {
      const small = [];
      for (const el of document.querySelectorAll(selector)) {
        const label = el.matches('input') && el.closest('label');
        const target = label || el;
        const box = target.getBoundingClientRect();
        const style = getComputedStyle(el);
        if (!box.width || !box.height || style.visibility === 'hidden') continue;
        if (el.closest('.sr-only, [hidden], dialog:not([open])')) continue;
        if (box.width < 24 || box.height < 24) {
          const size = `${box.width.toFixed(1)}x${box.height.toFixed(1)}`;
          small.push(`${el.outerHTML.slice(0, 90)} ${size}`);
        }
      }
      return small;
    }""", CONTROLS)


@pytest.mark.parametrize("lang", ["en", "nl"])
def test_on_a_phone_one_new_note_button_and_every_control_is_big_enough(full_board, lang):
    from playwright.sync_api import expect

    page = full_board["sam"].page
    page.set_viewport_size({"width": 390, "height": 844})
    op(full_board["fay"], full_board["id"], "phase.set", {"phase": "vote"})
    page.goto(f"/w/{full_board['id']}?lang={lang}")
    page.wait_for_selector("li.note")
    page.locator("#compact-toggle").click()  # detailed cards: stances and dots in view
    expect(page.locator("#compact-toggle")).to_have_attribute("aria-pressed", "false")
    small = small_controls(page)
    assert not small, "\n".join(small)

    # One primary "New note" button (44 px) instead of a form in every column.
    new = page.locator("#new-note")
    box = new.bounding_box()
    assert box["height"] >= 44 and box["width"] >= 44, box
    expect(page.locator("section.column form.add-note").first).to_be_hidden()
    new.click()
    dialog = page.locator("#new-note-dialog")
    expect(dialog).to_be_visible()
    dialog.locator("select").select_option("fears")
    dialog.locator("textarea").fill("Worries her bike gets stolen at the station")
    assert not small_controls(page), small_controls(page)
    dialog.locator("button[type=submit]").click()
    expect(dialog).to_be_hidden()
    fears = page.locator("section.column[data-category=fears]")
    expect(note(page, "Worries her bike gets stolen at the station")).to_have_count(1)
    expect(fears.locator(".count")).to_have_text("7")
    assert_accessible(page, f"a 60-note board on a phone, {lang}")
