"""Running the room in real browsers, at 1280×800 and 390×844, each in English and Dutch:
progress without content and "I'm done", the clock on every page with its chime, likely
duplicates, the figures in words, the join screen's QR code and the presenter view; axe on each."""

from __future__ import annotations

import re
import uuid
from dataclasses import dataclass

import pytest

from tests.e2e.browsing import create_workshop, join, note, op
from tests.e2e.sizes import SIZES, Size, check

pytestmark = [pytest.mark.live, pytest.mark.browser]

WORDS = {
    "en": {"done": "I'm done", "undo": "Not done after all", "state_done": "Done",
           "working": "Still working", "voted": "voted on 2 of 3", "notes": "3 notes",
           "private": "3 private notes written so far", "group": "Group them",
           "only": "Only Support believes this", "across": "Consensus across teams",
           "merge": "Merge into…", "show": "Show", "scan": "Scan to join the workshop"},
    "nl": {"done": "Ik ben klaar", "undo": "Toch nog niet klaar", "state_done": "Klaar",
           "working": "Nog bezig", "voted": "gestemd op 2 van 3", "notes": "3 notities",
           "private": "3 privénotities geschreven tot nu toe", "group": "Groeperen",
           "only": "Alleen Support gelooft dit", "across": "Consensus tussen teams",
           "merge": "Samenvoegen met…", "show": "Tonen", "scan": "Scan om mee te doen"},
}
# Who can come in, and through which link: name, link, team.
PEOPLE = {"maria": ("Maria", "facilitator_url", None), "sam": ("Sam", "invite_url", "Support"),
          "lotte": ("Lotte", "invite_url", "Marketing"), "wall": ("Wall", "observer_url", None)}


@dataclass
class Room:
    """A new workshop, its first persona, and the people in it at one size and language."""

    id: str
    links: dict
    persona: str
    size: Size
    people: dict

    @property
    def words(self) -> dict:
        return WORDS[self.size.lang]


def open_room(person, live_server, size: Size, *who: str) -> Room:
    """A workshop that `who` (keys of PEOPLE) join, each at `size` in its language."""
    links = create_workshop(live_server.url)
    people = {}
    for key in who:
        name, link, team = PEOPLE[key]
        someone = join(person, f"{links[link]}?lang={size.lang}", name, team)
        someone.page.set_viewport_size(size.viewport)
        people[key] = someone
    first = next(iter(people.values()))
    persona = first.page.request.get(f"/api/workshops/{links['id']}").json()["personas"][0]["id"]
    return Room(links["id"], links, persona, size, people)


@pytest.mark.parametrize("size", SIZES)
def test_progress_counts_private_notes_and_votes_and_says_who_is_done(
        person, live_server, size):
    from playwright.sync_api import expect

    room = open_room(person, live_server, size, "maria", "sam")
    wid, persona, words = room.id, room.persona, room.words
    maria, sam = room.people.values()
    op(maria, wid, "settings.update", {"private_collect": True, "blind_voting": True})
    secret = f"secret-{uuid.uuid4().hex[:8]}"
    for i in range(3):
        op(sam, wid, "assumption.add", {"persona_id": persona, "category": "goals",
                                        "text": f"{secret} {i}"})
    sam_id = sam.page.request.get(f"/api/workshops/{wid}").json()["me"]["id"]

    row = maria.page.locator(f"#room-progress [data-person='{sam_id}']")
    expect(row.locator(".progress-figure")).to_have_text(words["notes"])
    expect(row.locator(".progress-state")).to_have_text(words["working"])
    expect(maria.page.locator("#board-empty")).to_contain_text(words["private"])
    assert secret not in maria.page.content()  # counts only, never the text
    check(maria.page, size, "room: facilitator's board with progress")

    done = sam.page.locator("#done-button")
    expect(done).to_have_text(words["done"])
    done.click()
    expect(done).to_have_attribute("aria-pressed", "true")
    expect(done).to_have_text(words["undo"])
    expect(row.locator(".progress-state")).to_have_text(words["state_done"])
    check(sam.page, size, "room: participant's board, done")

    # A new phase clears "done"; votes are counted per person, never which way.
    op(maria, wid, "reveal", {"what": "notes"})
    op(maria, wid, "phase.set", {"phase": "vote"})
    expect(done).to_have_attribute("aria-pressed", "false")
    expect(row.locator(".progress-state")).to_have_text(words["working"])
    notes = sam.page.request.get(f"/api/workshops/{wid}").json()["assumptions"]
    for item in notes[:2]:
        op(sam, wid, "vote.cast", {"assumption_id": item["id"], "stance": "disagree"})
    expect(row.locator(".progress-figure")).to_have_text(words["voted"])
    assert "disagree" not in maria.page.locator("#room-progress").inner_html()


@pytest.mark.parametrize("size", SIZES)
def test_the_clock_is_on_every_page_stays_in_view_and_chimes(
        person, live_server, size):
    from playwright.sync_api import expect

    room = open_room(person, live_server, size, "maria", "sam")
    wid, persona, height = room.id, room.persona, size.height
    maria, sam = room.people.values()

    # Any length: seven minutes from the facilitator's minutes field.
    minutes = maria.page.locator("#timer-minutes")
    minutes.scroll_into_view_if_needed()
    minutes.fill("7")
    maria.page.locator("#timer-form button[type=submit]").click()
    expect(sam.page.locator("#timer")).to_have_text(re.compile(r"^0[67]:\d\d$"))

    # Scrolled away from the banner, the room clock takes over, pinned to the corner.
    sam.page.evaluate("window.scrollTo(0, document.body.scrollHeight)")
    clock = sam.page.locator("#room-clock")
    if sam.page.evaluate("document.body.scrollHeight > window.innerHeight + 300"):
        expect(clock).to_be_visible()
        box = clock.bounding_box()
        assert box["y"] + box["height"] <= height and box["y"] > height / 2
    sam.page.evaluate("window.scrollTo(0, 0)")
    expect(clock).to_be_hidden()  # the banner's own countdown is in view again

    # The persona document page has it too.
    sam.page.goto(f"/w/{wid}/persona/{persona}")
    expect(clock).to_be_visible()
    expect(clock.locator(".room-clock-time")).to_have_text(re.compile(r"^0[67]:\d\d$"))
    check(sam.page, size, "room: persona page with the room clock")

    # Sound is off until asked for, then remembered; the end rings once.
    assert sam.page.evaluate("localStorage.getItem('workshop.chime')") is None
    sound = clock.locator(".room-clock-sound")
    expect(sound).to_have_attribute("aria-pressed", "false")
    sound.click()
    expect(sound).to_have_attribute("aria-pressed", "true")
    assert sam.page.evaluate("localStorage.getItem('workshop.chime')") == "on"
    op(maria, wid, "timer.start", {"seconds": 10})
    expect(clock).to_have_attribute("data-state", "up", timeout=20000)
    # Polled with evaluate: the page's CSP refuses the string eval of wait_for_function.
    assert sam.page.evaluate("() => typeof window.__lastChime") == "number"


@pytest.mark.parametrize("size", SIZES)
def test_likely_duplicates_are_grouped_in_one_click_and_figures_are_said_in_words(
        person, live_server, size):
    from playwright.sync_api import expect

    room = open_room(person, live_server, size, "maria", "sam", "lotte")
    wid, persona, words = room.id, room.persona, room.words
    maria, sam, lotte = room.people.values()
    ids = {}
    for text in ("Wants to get to work faster…", "Wants to commute faster", "Reads at night",
                 "Pays by phone", "Pays with her phone"):
        added = op(sam, wid, "assumption.add", {"persona_id": persona, "category": "goals",
                                                "text": text})
        ids[text] = added["event"]["data"]["assumption"]["id"]
    op(maria, wid, "phase.set", {"phase": "vote"})
    op(sam, wid, "vote.cast", {"assumption_id": ids["Reads at night"], "stance": "agree"})
    op(lotte, wid, "vote.cast", {"assumption_id": ids["Reads at night"], "stance": "disagree"})
    card = note(maria.page, "Reads at night")
    expect(card.locator(".badge-only-team")).to_have_text(words["only"])  # on the card itself
    expect(card.locator(".vote-details")).to_contain_text(words["across"])
    check(maria.page, size, "room: voting, the figures in words")

    op(maria, wid, "phase.set", {"phase": "reconcile"})
    panel = maria.page.locator("#duplicates")
    # A one-line bar first (the notes stay above the fold); "Show" opens the pairs.
    show = panel.get_by_role("button", name=words["show"], exact=True)
    expect(show).to_have_attribute("aria-expanded", "false")
    expect(panel.locator(".dup-pair")).to_have_count(0)
    show.click()
    expect(panel.locator(".dup-toggle")).to_have_attribute("aria-expanded", "true")
    pair = panel.locator(".dup-pair", has_text="Wants to commute faster")
    expect(pair).to_contain_text("Wants to get to work faster")
    expect(panel.locator(".dup-pair")).to_have_count(2)
    expect(sam.page.locator("#duplicates")).to_be_hidden()  # the facilitator's tool
    check(maria.page, size, "room: reconcile with likely duplicates")
    pair.get_by_role("button", name=re.compile(words["group"])).click()
    expect(maria.page.locator(".group-card")).to_have_count(1)
    expect(sam.page.locator(".group-card")).to_have_count(1)
    expect(panel.locator(".dup-pair")).to_have_count(1)

    # The other pair becomes a second group; merging it into the first leaves one group.
    panel.locator(".dup-pair").get_by_role("button", name=re.compile(words["group"])).click()
    expect(maria.page.locator(".group-card")).to_have_count(2)
    second = maria.page.locator(".group-card").nth(1)
    second.locator("summary", has_text=words["merge"]).click()
    second.locator(".merge-groups button[type=submit]").click()
    expect(maria.page.locator(".group-card")).to_have_count(1)
    expect(sam.page.locator(".group-card")).to_have_count(1)


@pytest.mark.parametrize("size", SIZES)
def test_the_join_screen_shows_a_qr_code_and_the_presenter_follows_the_facilitator(
        person, live_server, size):
    from playwright.sync_api import expect

    room = open_room(person, live_server, size, "maria", "sam", "wall")
    wid, links, words = room.id, room.links, room.words
    maria, sam, wall = room.people.values()

    screen = maria.page.context.new_page()
    screen.set_viewport_size(size.viewport)
    screen.goto(f"/w/{wid}/join-screen")
    expect(screen.locator("h1")).to_have_text(words["scan"])
    expect(screen.locator("svg.join-qr-code")).to_be_visible()
    expect(screen.locator("#join-screen-url")).to_have_text(links["invite_url"])
    check(screen, size, "room: join screen")
    screen.close()
    refused = sam.page.request.get(f"/w/{wid}/join-screen")
    assert refused.status == 403 and links["invite_url"] not in refused.text()

    wall.page.goto(f"/w/{wid}?present")
    wall.page.wait_for_selector("#columns section.column")
    expect(wall.page.locator("body")).to_have_class(re.compile("present-mode"))
    expect(wall.page.locator(".sidebar")).to_be_hidden()
    op(maria, wid, "persona.add", {"name": "Ruben"})
    maria.page.locator(".persona-tab", has_text="Ruben").click()
    maria.page.locator("#view-switch [data-view=divergence]").click()
    expect(wall.page.locator("#view-switch [data-view=divergence]")).to_have_attribute(
        "aria-pressed", "true")
    expect(wall.page.locator("#present-status")).to_contain_text("Maria")
    expect(wall.page.locator(".persona-tab[aria-selected=true]")).to_contain_text("Ruben")
    check(wall.page, size, "room: presenter view")
