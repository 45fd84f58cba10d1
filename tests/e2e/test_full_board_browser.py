"""A full board in real browsers, at 1280 × 800 and 390 × 844 in English and Dutch, axe clean:
60 notes at 1280 × 800 leave the notes above the fold (the first note's top edge measured, in
Reconcile too and for the facilitator) and on a phone the first note is on the first screen
with nothing scrolling sideways; compact cards open by keyboard, folded columns are
remembered; on a 390 px phone one "New note" button asks for the category, and every control
is at least 24 × 24 CSS px (WCAG 2.2 target size) at both sizes, the phone's primary one 44 px.

The 60-note workshops are filled over HTTP once per module; each test joins as a new person in
a fresh browser, so what one test folds or switches stays in that test's browser."""

from __future__ import annotations

from functools import partial

import pytest

from tests.e2e.browsing import Member, create_workshop, join, note
from tests.e2e.sizes import SIZES, check
from workshop.catalogue import translate

pytestmark = [pytest.mark.live, pytest.mark.browser]

CATEGORIES = ["identity", "goals", "needs", "motivations", "fears", "desires", "behaviours",
              "channels", "tone", "messages"]
BELIEFS = ["Commutes 15 km each way, rain or shine", "Wants to get to work faster than by car",
           "Needs a repair within one day", "Checks the bike's range on her phone every evening",
           "Afraid the battery dies halfway home", "Prefers WhatsApp over phone calls"]
# A third of an 800 px screen: the header stack (top bar, tabs, phase, context, filters,
# evidence) may take no more, so the notes start above the fold.
FOLD_LIMIT = 800 / 3
# On an 844 px phone the header stack is one column; the first note must still start on the
# first screen with room for its first two lines.
PHONE_FOLD_LIMIT = 844 - 80
# Every control a finger or pointer aims at (inline links in running text are exempt in WCAG).
CONTROLS = ("button, a[href]:not(p a), input, select, textarea, summary, [role=button],"
            " li.note[tabindex='0']")


def sixty_notes(base_url: str) -> dict:
    """A workshop whose facilitator (Fay) and two participants wrote 60 notes on its first
    persona, all over HTTP."""
    links = create_workshop(base_url)
    fay = Member(links["facilitator_url"], "Fay")
    writers = [Member(links["invite_url"], "Lotte", "Marketing"),
               Member(links["invite_url"], "Sam", "Support")]
    persona = fay.http.get(f"{base_url}/api/workshops/{links['id']}").json()["personas"][0]["id"]
    for i in range(60):
        writers[i % 2].op("assumption.add", {"persona_id": persona,
                                             "category": CATEGORIES[i % 10],
                                             "text": f"{BELIEFS[i % 6]} ({i})"})
    return {"id": links["id"], "links": links, "fay": fay}


@pytest.fixture(scope="module")
def full_board(live_server):
    """The module's 60-note board; tests set its phase and add at most their own notes."""
    return sixty_notes(live_server.url)


@pytest.fixture(scope="module")
def reconciling_board(live_server):
    """A 60-note board in Reconcile after a blind vote whose votes were revealed."""
    board = sixty_notes(live_server.url)
    fay = board["fay"]
    fay.op("settings.update", {"blind_voting": True})
    fay.op("phase.set", {"phase": "vote"})
    fay.op("reveal", {"what": "votes"})
    fay.op("phase.set", {"phase": "reconcile"})
    return board


def viewer(person, board: dict, size, name: str, link: str = "invite_url", team="Support"):
    """Someone new on the board, at `size` in its language."""
    url = f"{board['links'][link]}?lang={size.lang}"
    someone = join(person, url, f"{name} {size}", team if link == "invite_url" else None)
    someone.page.set_viewport_size(size.viewport)
    return someone.page


def first_note_top(page) -> float:
    page.wait_for_selector("li.note")
    page.wait_for_timeout(300)  # the notes' entry animation
    return page.evaluate("() => document.querySelector('li.note').getBoundingClientRect().top")


def assert_notes_start_in_view(page, size, where: str) -> None:
    """At 1280 × 800 the first note starts in the top third; on a phone, where the header stack
    is one column, it starts on the first screen (its first lines readable without scrolling)."""
    top = first_note_top(page)
    limit = PHONE_FOLD_LIMIT if size.phone else FOLD_LIMIT
    assert top <= limit, f"{where}, {size}: the first note starts at {top:.0f} px (> {limit:.0f})"
    if size.phone:
        box = page.locator("li.note").first.bounding_box()
        assert box["x"] >= 0 and box["x"] + box["width"] <= size.width, box


def assert_one_line_stepper(page) -> None:
    """The phase stepper is one line (on a phone it names only the current phase)."""
    steps = page.locator("#phase-steps .phase-step")
    tops = {round(steps.nth(i).bounding_box()["y"]) for i in range(steps.count())}
    assert len(tops) == 1, f"the stepper wraps: {tops}"


@pytest.mark.parametrize("size", SIZES)
def test_sixty_notes_start_above_the_fold(person, full_board, size):
    from playwright.sync_api import expect

    page = viewer(person, full_board, size, "Lotte", team="Marketing")
    for phase in ("collect", "vote"):
        full_board["fay"].op("phase.set", {"phase": phase})
        page.goto(f"/w/{full_board['id']}?lang={size.lang}")
        expect(page.locator("#phase")).to_have_attribute("data-phase", phase)
        assert_notes_start_in_view(page, size, phase)
        # Nothing accepted or linked yet: the coverage picture and the filters wait.
        expect(page.locator("#evidence-strip")).to_be_hidden()
        expect(page.locator("#reconcile-bar")).to_be_hidden()
        assert_one_line_stepper(page)
        check(page, size, f"full board: 60 notes, {phase}")
    # From reconciling on, the strip and the filters are there.
    full_board["fay"].op("phase.set", {"phase": "reconcile"})
    expect(page.locator("#evidence-strip")).to_be_visible()
    expect(page.locator("#reconcile-bar")).to_be_visible()
    check(page, size, "full board: 60 notes, reconcile")


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


@pytest.mark.parametrize("size", SIZES)
def test_reconcile_keeps_the_notes_above_the_fold_for_participant_and_facilitator(
        person, reconciling_board, size):
    from playwright.sync_api import expect

    for who, link in (("Lotte", "invite_url"), ("Fay", "facilitator_url")):
        page = viewer(person, reconciling_board, size, who, link, "Marketing")
        expect(page.locator("#phase")).to_have_attribute("data-phase", "reconcile")
        expect(page.locator("#evidence-strip")).to_be_visible()
        expect(page.locator("#reconcile-bar")).to_be_visible()
        duplicates = page.locator("#duplicates")
        if who == "Fay":
            # The likely duplicates wait as a one-line bar until asked for.
            expect(duplicates.locator(".dup-toggle")).to_have_attribute("aria-expanded", "false")
            assert duplicates.bounding_box()["height"] <= 40, duplicates.bounding_box()
        assert_notes_start_in_view(page, size, f"reconcile, {who}")
        assert_one_line_stepper(page)
        assert not overlapping_steps(page), overlapping_steps(page)
        check(page, size, f"full board: reconcile, {who}")
        if who == "Fay":
            duplicates.locator(".dup-toggle").click()  # open: the pairs, still clear of the stepper
            expect(duplicates.locator(".dup-pair").first).to_be_visible()
            assert not overlapping_steps(page), overlapping_steps(page)
            check(page, size, "full board: reconcile, the duplicates open")


@pytest.mark.parametrize("size", SIZES)
def test_compact_cards_open_by_keyboard_and_columns_fold_and_stay_folded(
        person, full_board, size):
    from playwright.sync_api import expect

    say = partial(translate, size.lang)
    goals_label = say("category.goals.label")
    full_board["fay"].op("phase.set", {"phase": "vote"})
    page = viewer(person, full_board, size, "Kim")
    card = note(page, f"{BELIEFS[0]} (0)")
    expect(page.locator("#columns")).to_have_class("columns compact")
    agree = card.get_by_role("button", name=say("vote.stance.agree"), exact=True)
    expect(agree).to_be_hidden()  # compact: text and team colour only
    card.focus()
    expect(agree).to_be_visible()  # focus opens the details …
    check(page, size, "full board: a compact card in focus")
    page.keyboard.press("Tab")  # … and Tab goes into them
    expect(agree).to_be_focused()
    page.keyboard.press("Enter")
    expect(agree).to_have_attribute("aria-pressed", "true")

    # The choice of detailed cards, and a folded column, outlive a reload.
    page.locator("#compact-toggle").click()
    expect(page.locator("#compact-toggle")).to_have_attribute("aria-pressed", "false")
    second = note(page, f"{BELIEFS[1]} (1)")
    expect(second.get_by_role("button", name=say("vote.stance.agree"), exact=True)).to_be_visible()
    goals = page.locator("section.column[data-category=goals]")
    goals.get_by_role("button", name=say("board.column.collapse", category=goals_label)).click()
    expect(goals.locator("li.note").first).to_be_hidden()
    page.reload()
    goals = page.locator("section.column[data-category=goals]")
    expect(goals.locator("li.note").first).to_be_hidden()
    expect(goals.locator(".count")).to_have_text("6")
    expect(page.locator("#compact-toggle")).to_have_attribute("aria-pressed", "false")
    check(page, size, "full board: detailed cards, Goals folded")
    goals.get_by_role("button", name=say("board.column.expand", category=goals_label)).click()
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


@pytest.mark.parametrize("size", SIZES)
def test_one_new_note_button_on_a_phone_and_every_control_big_enough(person, full_board, size):
    from playwright.sync_api import expect

    full_board["fay"].op("phase.set", {"phase": "vote"})
    page = viewer(person, full_board, size, "Sam")
    page.wait_for_selector("li.note")
    page.locator("#compact-toggle").click()  # detailed cards: stances and dots in view
    expect(page.locator("#compact-toggle")).to_have_attribute("aria-pressed", "false")
    small = small_controls(page)
    assert not small, "\n".join(small)
    fears = page.locator("section.column[data-category=fears]")
    before = int(fears.locator(".count").inner_text())
    text = f"Worries her bike gets stolen at the station ({size})"
    new = page.locator("#new-note")
    if not size.phone:
        # At 1280 each column keeps its own box; the phone's button is not there.
        expect(new).to_be_hidden()
        fears.locator("form.add-note textarea").fill(text)
        fears.locator("form.add-note textarea").press("Enter")
    else:
        # One primary "New note" button (44 px) instead of a form in every column.
        box = new.bounding_box()
        assert box["height"] >= 44 and box["width"] >= 44, box
        expect(page.locator("section.column form.add-note").first).to_be_hidden()
        new.click()
        dialog = page.locator("#new-note-dialog")
        expect(dialog).to_be_visible()
        dialog.locator("select").select_option("fears")
        dialog.locator("textarea").fill(text)
        assert not small_controls(page), small_controls(page)
        check(page, size, "full board: the new note dialog")
        dialog.locator("button[type=submit]").click()
        expect(dialog).to_be_hidden()
    expect(note(page, text)).to_have_count(1)
    expect(fears.locator(".count")).to_have_text(str(before + 1))
    check(page, size, "full board: detailed cards")
