"""The merge view in real browsers: two editors at once, "is editing", a conflict resolved
without losing either text, agreement freezing version 1, version 2, the diff, and exports."""

from __future__ import annotations

import json
import os
import pathlib
import re

import pytest

from tests.e2e.browsing import edit, field, op, three_people

pytestmark = [pytest.mark.live, pytest.mark.browser]

ORDER = ["goals", "needs", "behaviours"]  # the categories' order in the document
NOTES = [("Commutes 15 km each way, rain or shine", "behaviours"),
         ("Needs a repair within one day", "needs"),
         ("Wants to arrive at work without sweating", "goals")]


@pytest.fixture
def merge(person, live_server):
    """A facilitator and two participants; three accepted notes; the document created."""
    room = three_people(person, live_server)
    maria, sam, lotte = room.maria, room.sam, room.lotte
    workshop_id, persona = room.workshop_id, room.persona_id
    for text, category in NOTES:
        note = op(sam, workshop_id, "assumption.add",
                  {"persona_id": persona, "category": category, "text": text})
        op(maria, workshop_id, "decision.set", {
            "target_type": "assumption", "decision": "accepted",
            "target_id": note["event"]["data"]["assumption"]["id"]})
    op(maria, workshop_id, "phase.set", {"phase": "merge"})
    url = f"/w/{workshop_id}/persona/{persona}"
    maria.page.goto(url)
    maria.page.get_by_role("button", name=re.compile("Create the persona document")).click()
    for someone in (sam, lotte):
        someone.page.goto(url)
    for someone in (maria, sam, lotte):
        someone.page.wait_for_selector(".persona-sheet")
    return {"maria": maria, "sam": sam, "lotte": lotte, "url": url, "id": workshop_id,
            "persona": persona}


def test_two_editors_change_different_fields_at_once_and_both_persist(merge):
    from playwright.sync_api import expect

    sam, lotte = merge["sam"].page, merge["lotte"].page
    edit(sam, "Role").fill("Night nurse")
    edit(lotte, "Location").fill("Utrecht")
    field(sam, "Role").press("Enter")
    field(lotte, "Location").press("Enter")
    for page in (sam, lotte, merge["maria"].page):
        expect(field(page, "Role")).to_have_value("Night nurse")
        expect(field(page, "Location")).to_have_value("Utrecht")
    sam.reload()
    expect(field(sam, "Role")).to_have_value("Night nurse")
    expect(field(sam, "Location")).to_have_value("Utrecht")


def test_the_others_see_who_is_editing_a_field(merge):
    from playwright.sync_api import expect

    edit(merge["sam"].page, "Quote")
    quote = merge["lotte"].page.locator(".field[data-path='identity.quote'] .field-editing")
    expect(quote).to_have_text("Sam is editing")
    edit(merge["sam"].page, "Name")  # moving on clears it
    expect(quote).to_have_text("")


def test_a_conflicting_save_shows_both_versions_and_keeping_mine_loses_nothing(merge):
    from playwright.sync_api import expect

    sam, lotte = merge["sam"].page, merge["lotte"].page
    edit(lotte, "Quote").fill("Keep it")  # Lotte starts typing from revision 0 ...
    edit(sam, "Quote").fill("Just let me pay")
    field(sam, "Quote").press("Control+Enter")  # ... and Sam saves first
    expect(field(sam, "Quote")).to_have_value("Just let me pay")
    expect(lotte.locator(".field[data-path='identity.quote'] .field-note")).to_contain_text(
        "Sam just saved this field")
    expect(field(lotte, "Quote")).to_have_value("Keep it")  # her text stays
    field(lotte, "Quote").press("End")
    field(lotte, "Quote").type(" simple")
    field(lotte, "Quote").press("Control+Enter")
    conflict = lotte.locator(".field[data-path='identity.quote'] .field-conflict")
    expect(conflict).to_be_visible()
    expect(conflict.locator(".conflict-side").first).to_contain_text("Just let me pay")
    expect(conflict.locator(".conflict-side.mine")).to_contain_text("Keep it simple")
    conflict.get_by_role("button", name="Keep mine").click()
    expect(conflict).to_be_hidden()
    for page in (sam, lotte):
        expect(field(page, "Quote")).to_have_value("Keep it simple")


def test_agreeing_freezes_version_one_and_the_next_edit_starts_version_two(merge):
    from playwright.sync_api import expect

    maria, sam = merge["maria"].page, merge["sam"].page
    edit(sam, "Name").fill("Jasper")
    field(sam, "Name").press("Enter")
    expect(field(maria, "Name")).to_have_value("Jasper")
    maria.get_by_role("button", name="Mark version 1 agreed").click()
    for page in (maria, sam):
        expect(page.locator("#version-chip")).to_have_text("Agreed · version 1")
    sam.get_by_role("button", name="Edit: start version 2…").click()  # asked first
    sam.get_by_role("button", name="Start version 2").click()
    edit(sam, "Name").fill("Jasper de Vries")
    field(sam, "Name").press("Enter")
    for page in (maria, sam):
        expect(page.locator("#version-chip")).to_have_text("Draft · version 2")
    maria.locator("#diff-from").select_option("1")
    maria.locator("#diff-to").select_option("2")
    maria.get_by_role("button", name="Show changes").click()
    row = maria.locator(".diff-table tbody tr", has_text="Name")
    expect(row.locator("ins")).to_have_text(re.compile("de Vries"))
    expect(maria.locator(".diff-table caption")).to_contain_text("1 change")
    edit(sam, "Location").fill("Zwolle")  # a save elsewhere leaves the chosen diff alone
    field(sam, "Location").press("Enter")
    expect(field(maria, "Location")).to_have_value("Zwolle")
    expect(maria.locator(".diff-table caption")).to_contain_text("1 change")
    expect(maria.locator("#diff-from")).to_have_value("1")


def test_agreeing_waits_for_every_team_when_sign_off_is_required(merge):
    from playwright.sync_api import expect

    maria, sam, lotte = merge["maria"].page, merge["sam"].page, merge["lotte"].page
    op(merge["maria"], merge["id"], "settings.update", {"require_signoff": True})
    expect(maria.locator("#version-panel h3")).to_have_text("Sign-off (required before agreeing)")
    expect(maria.get_by_role("button", name="Mark version 1 agreed")).to_be_disabled()
    expect(maria.locator("#agree-waiting")).to_contain_text(
        "Waiting for sign-off from Marketing, Support")
    expect(maria.locator("#version-chip")).to_have_text("Draft · version 1")
    sam.get_by_role("button", name="Sign off for Support").click()
    lotte.get_by_role("button", name="Sign off for Marketing").click()
    for page in (maria, sam, lotte):
        expect(page.locator(".signoffs li.signed")).to_have_count(2)
    expect(maria.locator(".signoffs")).to_contain_text("Support — Sam")
    maria.get_by_role("button", name="Mark version 1 agreed").click()
    for page in (maria, sam, lotte):
        expect(page.locator("#version-chip")).to_have_text("Agreed · version 1")
    expect(sam.get_by_role("button", name=re.compile("Sign off"))).to_have_count(0)


def test_two_editors_at_once_then_agreed_then_version_two_and_its_diff(merge):
    """The issue's browser scenario, start to end, in one session of three browsers."""
    from playwright.sync_api import expect

    maria, sam, lotte = merge["maria"].page, merge["sam"].page, merge["lotte"].page
    # Both are typing before either saves: two fields, both from the same version.
    edit(sam, "Role").fill("Night nurse")
    edit(lotte, "Location").fill("Utrecht")
    expect(field(sam, "Location")).to_have_value("")
    field(sam, "Role").press("Enter")
    field(lotte, "Location").press("Enter")
    for page in (maria, sam, lotte):
        expect(field(page, "Role")).to_have_value("Night nurse")
        expect(field(page, "Location")).to_have_value("Utrecht")
    # Persisted on the server, not only on the pages: a fresh load shows both.
    lotte.reload()
    expect(field(lotte, "Role")).to_have_value("Night nurse")
    expect(field(lotte, "Location")).to_have_value("Utrecht")

    maria.get_by_role("button", name="Mark version 1 agreed").click()
    for page in (maria, sam, lotte):
        expect(page.locator("#version-chip")).to_have_text("Agreed · version 1")
    lotte.get_by_role("button", name="Edit: start version 2…").click()
    lotte.get_by_role("button", name="Start version 2").click()
    edit(lotte, "Location").fill("Utrecht, Lombok")
    field(lotte, "Location").press("Enter")
    for page in (maria, sam, lotte):
        expect(page.locator("#version-chip")).to_have_text("Draft · version 2")

    maria.locator("#diff-from").select_option("1")
    maria.locator("#diff-to").select_option("2")
    maria.get_by_role("button", name="Show changes").click()
    expect(maria.locator(".diff-table caption")).to_contain_text("1 change")
    row = maria.locator(".diff-table tbody tr", has_text="Location")
    expect(row.locator(".diff-old")).to_have_text("Utrecht")
    expect(row.locator("ins")).to_have_text(re.compile("Lombok"))
    history = maria.request.get(f"/api/workshops/{merge['id']}/personas/{merge['persona']}")
    versions = {v["number"]: v["status"] for v in history.json()["versions"]}
    assert versions == {1: "agreed", 2: "draft"}
    first = maria.request.get(
        f"/api/workshops/{merge['id']}/personas/{merge['persona']}/versions/1").json()
    assert (first["document"]["identity"]["role"], first["document"]["identity"]["location"]) \
        == ("Night nurse", "Utrecht")


def test_saving_a_very_long_story_makes_the_merge_view_warn_it_no_longer_fits_a4(merge):
    from playwright.sync_api import expect

    maria, sam = merge["maria"].page, merge["sam"].page
    # Maria created the document on this page: its creation, too, asks for the check.
    for page in (maria, sam):
        expect(page.locator("#fit")).to_have_attribute("data-fits", "true")
        expect(page.locator("#fit")).to_have_text("Fits on one A4 page.")
    story = "\n\n".join(f"Day {n}: Jasper rides to the hospital in every weather, and on the "
                         "way he plans which repair shop might still be open after his shift."
                         for n in range(30))
    sam.get_by_role("button", name="Edit story").click()  # the story is read until then
    edit(sam, "Short story (Markdown)").fill(story)
    field(sam, "Short story (Markdown)").press("Control+Enter")
    for page in (maria, sam):  # the saver and whoever else looks at the sheet
        expect(page.locator("#fit")).to_have_attribute("data-fits", "false")
        expect(page.locator("#fit")).to_contain_text(re.compile(
            r"Too long for one A4 page: the one-pager takes [2-9] pages"))


def test_a_picture_is_checked_uploaded_with_progress_and_replaced_by_the_avatar(merge, tmp_path):
    from PIL import Image
    from playwright.sync_api import expect

    sam, lotte = merge["sam"].page, merge["lotte"].page
    text = tmp_path / "notes.txt"
    text.write_text("not an image")
    sam.locator("#picture-file").set_input_files(str(text))
    expect(sam.locator(".picture-progress")).to_have_text("Use a PNG, JPEG or WebP image.")
    picture = tmp_path / "portrait.png"
    Image.new("RGB", (900, 700), (95, 179, 161)).save(picture)
    sam.locator("#picture-file").set_input_files(str(picture))
    expect(sam.locator(".picture-progress")).to_have_text("Picture saved")
    for page in (sam, lotte):  # shrunk by the server, seen live by the others
        expect(page.locator(".portrait img")).to_have_attribute("src", re.compile("^data:image/"))
    lotte.get_by_role("button", name="Use avatar").click()
    for page in (sam, lotte):
        expect(page.locator(".portrait .avatar-initials")).to_be_visible()


def test_exports_download_from_the_page(merge, tmp_path):
    page = merge["maria"].page
    downloads = {}
    for name in ("Markdown (evidence as footnotes)", "JSON (provenance and evidence)",
                 "PDF (one A4 page)", "CSV of all assumptions"):
        with page.expect_download() as download:
            page.get_by_role("link", name=name).click()
        path = tmp_path / download.value.suggested_filename
        download.value.save_as(path)
        downloads[name.split()[0]] = path
    assert downloads["PDF"].read_bytes().startswith(b"%PDF")
    assert downloads["PDF"].name.endswith("-v1-draft.pdf")
    exported = json.loads(downloads["JSON"].read_text())
    assert [item["text"] for section in exported["persona"]["sections"]
            for item in section["items"]] == [text for text, _ in
                                              sorted(NOTES, key=lambda n: ORDER.index(n[1]))]
    assert "Needs a repair within one day" in downloads["Markdown"].read_text()
    assert "Commutes 15 km each way" in downloads["CSV"].read_text()
    with page.expect_popup() as popup:
        page.get_by_role("link", name="A4 one-pager (print view)").click()
    onepager = popup.value
    onepager.wait_for_selector("article.persona")
    assert "Needs a repair within one day" in onepager.content()


def test_the_facilitator_imports_an_exported_persona(merge, tmp_path):
    from playwright.sync_api import expect

    page = merge["maria"].page
    exported = page.request.get(page.get_by_role(
        "link", name="JSON (provenance and evidence)").get_attribute("href")).body()
    path = tmp_path / "persona.json"
    path.write_bytes(exported)
    page.locator("#import-json").set_input_files(str(path))
    # The page opens the imported persona and says what came in.
    expect(page.locator("#import-notice")).to_contain_text("Imported “")
    assert merge["sam"].page.get_by_label("Import a persona (JSON) as a new persona").count() == 0


SHOTS = os.environ.get("WORKSHOP_SCREENSHOTS")  # a folder, e.g. docs/screenshots


@pytest.mark.skipif(not SHOTS, reason="set WORKSHOP_SCREENSHOTS=<folder> to take screenshots")
def test_screenshots_of_the_merge_view_and_the_one_pager(person, live_server):
    """docs/screenshots/merge.png and onepager-page.png, from a session that went all the way."""
    from playwright.sync_api import expect

    room = three_people(person, live_server)
    maria, sam, lotte = room.maria, room.sam, room.lotte
    workshop_id, persona = room.workshop_id, room.persona_id
    notes = {}
    for text, category, author in [
            ("Wants to look sporty, not like a commuter", "goals", lotte),
            ("Needs to arrive at work without sweating", "needs", sam),
            ("Needs a repair within one day", "needs", sam),
            ("Fears theft at the station", "fears", lotte),
            ("Commutes 15 km each way, rain or shine", "behaviours", sam),
            ("Prefers WhatsApp for quick questions", "channels", sam),
            ("Short, friendly, no jargon", "tone", lotte)]:
        added = op(author, workshop_id, "assumption.add",
                   {"persona_id": persona, "category": category, "text": text})
        notes[text] = added["event"]["data"]["assumption"]["id"]
    op(maria, workshop_id, "phase.set", {"phase": "vote"})
    for text, note in notes.items():
        sporty = text.startswith("Wants to look sporty")
        op(lotte, workshop_id, "vote.cast", {"assumption_id": note, "stance": "agree",
                                             "dots": 1 if sporty else 0})
        op(sam, workshop_id, "vote.cast", {"assumption_id": note,
                                           "stance": "disagree" if sporty else "agree"})
    op(maria, workshop_id, "phase.set", {"phase": "reconcile"})
    interview = op(sam, workshop_id, "research_note.add", {
        "title": "Commuter interviews", "source_type": "interview",
        "date": "2026-10-14", "respondents": 8,
        "body": "Most said: *the bike has to look good in the office bike shed*. "
                "Two of eight waited over a week for a repair and went back to the car."})["event"]
    note_id = interview["data"]["note"]["id"]
    for text, quote in [("Wants to look sporty, not like a commuter",
                         "has to look good in the office bike shed"),
                        ("Needs a repair within one day",
                         "waited over a week for a repair and went back to the car")]:
        op(sam, workshop_id, "evidence.link", {"note_id": note_id, "assumption_id": notes[text],
                                               "relation": "supports", "quote": quote})
    for text, note in notes.items():
        reason = ("Support's callers want a sturdy bike; ask again in May"
                  if text.startswith("Wants to look sporty") else "")
        op(maria, workshop_id, "decision.set", {"target_type": "assumption", "target_id": note,
                                                "decision": "accepted", "reason": reason})
    op(maria, workshop_id, "phase.set", {"phase": "merge"})
    op(maria, workshop_id, "document.create", {"persona_id": persona})
    for path, value in [
            ("identity.name", "Jasper de Vries"),
            ("identity.quote", "If my bike is broken, my day is broken."),
            ("identity.role", "Nurse, night shifts"), ("identity.age_range", "35–45"),
            ("identity.location", "Amersfoort"),
            ("identity.story", "Jasper rides 15 km to the hospital in every weather. The "
             "e-bike replaced the family's second car, so when it fails, **his shift** starts "
             "late. He wants a bike that looks good and a shop that fixes it the same day.")]:
        op(sam, workshop_id, "document.save", {"persona_id": persona, "path": path,
                                               "value": value, "base_rev": 0})
    op(sam, workshop_id, "document.sign", {"persona_id": persona, "number": 1})

    url = f"/w/{workshop_id}/persona/{persona}"
    page = maria.page
    page.set_viewport_size({"width": 1280, "height": 800})
    page.goto(url)
    sam.page.goto(url)
    expect(page.locator("#fit")).to_have_attribute("data-fits", "true")
    # A trait's text is its box's value, not text content: find the item by that value.
    sporty = page.evaluate("""() => [...document.querySelectorAll('.persona-item')]
        .findIndex((item) => item.querySelector('textarea').value.includes('look sporty'))""")
    page.locator(".persona-item").nth(sporty).locator(".provenance summary").click()
    edit(sam.page, "Location")
    expect(page.locator(".field[data-path='identity.location'] .field-editing")).to_have_text(
        "Sam is editing")
    page.mouse.move(0, 0)
    page.wait_for_timeout(300)  # the hovered trait's Edit button fades out
    folder = pathlib.Path(SHOTS)
    page.screenshot(path=str(folder / "merge.png"))

    page.goto(f"{url}/onepager")
    page.wait_for_selector("article.persona")
    page.screenshot(path=str(folder / "onepager-page.png"), full_page=True)
