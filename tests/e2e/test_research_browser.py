"""The research library and evidence in real browsers: write a note with a live preview, link
a passage, and watch another participant's badge and coverage change without a reload;
search with highlights; import files with a preview, problems and a progress bar; open a
linked passage from the board; a refused accept tells the facilitator why."""

from __future__ import annotations

import re

import pytest

from tests.e2e.browsing import create_workshop, join, note, op

pytestmark = [pytest.mark.live, pytest.mark.browser]

BELIEF = "Pays every bill on the phone"
OTHER_BELIEF = "Reads every letter from the bank"
BODY = ("## Visit at home\n\nAnna rents a flat in Utrecht. She **pays every bill on her phone**, "
        "usually on the tram.\n\n- never opens letters\n- wants a push message instead\n")
PASSAGE = "pays every bill on her phone, usually on the tram"
# A selection across "**…phone**, usually" is stored exactly as the reader sees it: no space
# before the comma (the server matches the rendered text without adding any).
STORED_PASSAGE = re.compile(r"^pays every bill on her phone, usually on the tram$")

GOOD_MD = (b"---\ntitle: Interview with Bram\nsource_type: interview\ndate: 2026-09-14\n"
           b"tags: [students, mobile]\n---\nBram checks his balance daily on the bus.\n")
GOOD_CSV = (b"title,type,body,tags\n"
            b"Ticket digest,support,Customers ask for paper invoices,invoices\n"
            b"App reviews,analytics,Ratings dropped after the redesign,app\n")
BAD_CSV = (b"title,type,body\n"
           b"Fine row,survey,all good\n"
           b"Bad row,gossip,not a source type\n")


def add(page, category: str, text: str) -> None:
    box = page.locator(f"section.column[data-category={category}] form.add-note textarea")
    box.click()
    box.fill(text)
    box.press("Enter")


def decide(page, text: str, decision: str) -> None:
    item = note(page, text)
    item.locator("details.decide summary").click()
    item.locator(".decide-form select[name=decision]").select_option(decision)
    item.get_by_role("button", name="Save decision").click()


def open_research(page) -> None:
    page.locator("#view-switch [data-view=research]").click()
    page.wait_for_selector("#research:not([hidden]) .lib-layout")


def open_board(page) -> None:
    page.locator("#view-switch [data-view=board]").click()


def select_passage(page, text: str) -> None:
    """Select `text` inside the rendered note body, as a mouse user would."""
    found = page.evaluate("""(wanted) => {
      const body = document.getElementById("lib-body");
      const walker = document.createTreeWalker(body, NodeFilter.SHOW_TEXT);
      let all = "", nodes = [];
      for (let n = walker.nextNode(); n; n = walker.nextNode()) {
        nodes.push([n, all.length]);
        all += n.data;
      }
      const at = all.indexOf(wanted);
      if (at < 0) return false;
      const locate = (offset) => {
        for (let i = nodes.length - 1; i >= 0; i--) {
          if (nodes[i][1] <= offset) return [nodes[i][0], offset - nodes[i][1]];
        }
      };
      const range = document.createRange();
      range.setStart(...locate(at));
      range.setEnd(...locate(at + wanted.length));
      const selection = document.getSelection();
      selection.removeAllRanges();
      selection.addRange(range);
      return true;
    }""", text)
    assert found, f"{text!r} is not in the rendered note"


def open_note(page, title: str) -> None:
    """Open a note of the library in the reader."""
    from playwright.sync_api import expect

    page.locator(".lib-item", has_text=title).click()
    expect(page.locator(".lib-reader-title")).to_have_text(title)


def seeded(person, live_server):
    """Fay (facilitator), Pat and Mo; Pat's accepted belief and research note, over HTTP."""
    links = create_workshop(live_server.url)
    fay = join(person, links["facilitator_url"], "Fay")
    pat = join(person, links["invite_url"], "Pat", "Support")
    mo = join(person, links["invite_url"], "Mo", "Marketing")
    workshop_id = links["id"]
    persona = pat.page.request.get(f"/api/workshops/{workshop_id}").json()["personas"][0]["id"]
    belief = op(pat, workshop_id, "assumption.add",
                {"persona_id": persona, "category": "goals", "text": BELIEF})
    belief_id = belief["event"]["data"]["assumption"]["id"]
    op(fay, workshop_id, "decision.set",
       {"target_type": "assumption", "target_id": belief_id, "decision": "accepted"})
    research = op(pat, workshop_id, "research_note.add", {"title": "Interview with Anna",
                                                          "source_type": "interview",
                                                          "body": BODY})
    return {"id": workshop_id, "fay": fay, "pat": pat, "mo": mo, "belief": belief_id,
            "note": research["event"]["data"]["note"]}


def file(name: str, content: bytes, mime: str = "text/plain") -> dict:
    return {"name": name, "mimeType": mime, "buffer": content}


def test_a_linked_passage_changes_anothers_badge_and_coverage_live(person, live_server):
    from playwright.sync_api import expect

    links = create_workshop(live_server.url)
    fay = join(person, links["facilitator_url"], "Fay")
    pat = join(person, links["invite_url"], "Pat", "Support")
    mo = join(person, links["invite_url"], "Mo", "Marketing")

    add(pat.page, "goals", BELIEF)
    decide(fay.page, BELIEF, "accepted")

    # Mo's board: the accepted belief is untested, and it is the persona's assumption debt.
    strip = mo.page.locator("#evidence-strip")
    badge = note(mo.page, BELIEF).locator(".ev-badge")
    expect(badge).to_have_attribute("data-state", "untested")
    expect(strip.locator(".ev-headline")).to_have_text("0 of 1 accepted item backed by research")
    expect(strip.locator(".ev-debt-value")).to_have_text("1")
    expect(strip.locator(".ev-cat[data-category=goals] .ev-cat-value")).to_have_text("0/1")

    # Pat writes a research note and sees the Markdown rendered while typing.
    open_research(pat.page)
    pat.page.locator("#lib-new").click()
    pat.page.locator("#lib-ed-title").fill("Interview with Anna")
    pat.page.locator("#lib-ed-source").select_option("interview")
    pat.page.locator("#lib-ed-date").fill("2026-09-14")
    pat.page.locator("#lib-ed-respondents").fill("1")
    pat.page.locator("#lib-ed-tags").fill("mobile, bills")
    pat.page.locator("#lib-ed-body").fill(BODY)
    preview = pat.page.locator("#lib-ed-preview")
    expect(preview.locator("h5")).to_have_text("Visit at home")
    expect(preview.locator("strong")).to_have_text("pays every bill on her phone")
    expect(preview.locator("li")).to_have_count(2)
    pat.page.get_by_role("button", name="Add note").click()
    reader = pat.page.locator(".lib-reader")
    expect(reader.locator(".lib-reader-title")).to_have_text("Interview with Anna")
    expect(reader.locator("#lib-body strong")).to_have_text("pays every bill on her phone")

    # Mo's library shows the new note live.
    open_research(mo.page)
    expect(mo.page.locator(".lib-item-title")).to_have_text(["Interview with Anna"])
    open_board(mo.page)

    # Pat selects a passage and links it to the belief as support.
    select_passage(pat.page, PASSAGE)
    pat.page.get_by_role("button", name="Link as evidence").click()
    form = pat.page.locator(".lib-link-form")
    expect(form.locator("#lib-link-quote")).to_have_value(PASSAGE)
    form.locator("#lib-link-find").fill("bill")
    form.get_by_role("radio", name=BELIEF).check()
    form.get_by_text("Supports it").click()
    form.get_by_role("button", name="Link passage").click()
    expect(reader.locator(".lib-link")).to_have_count(1)
    expect(reader.locator(".lib-link-quote")).to_have_text(STORED_PASSAGE)
    expect(reader.locator("mark.lib-passage").first).to_be_visible()

    # Mo's board changes without a reload: the badge and the coverage picture.
    expect(badge).to_have_attribute("data-state", "validated")
    expect(badge).to_contain_text("Validated")
    expect(strip.locator(".ev-headline")).to_have_text("1 of 1 accepted item backed by research")
    expect(strip.locator(".ev-debt-value")).to_have_text("0")
    expect(strip.locator(".ev-ring-text")).to_have_text("100%")
    expect(strip.locator(".ev-cat[data-category=goals] .ev-cat-value")).to_have_text("1/1")

    # Opening the passage from the badge shows the note with the passage highlighted.
    badge.click()
    panel = note(mo.page, BELIEF).locator(".ev-panel")
    expect(panel.locator(".ev-quote")).to_have_text(STORED_PASSAGE)
    panel.get_by_role("button", name=re.compile("Open the passage")).click()
    expect(mo.page.locator("#research")).to_be_visible()
    marks = mo.page.locator("#lib-body mark.lib-passage")
    expect(marks.first).to_be_visible()
    highlighted = "".join(marks.all_text_contents())
    assert re.sub(r"\s+", " ", highlighted).strip() == PASSAGE
    expect(marks.first).to_be_focused()

    # Search finds the note, with the match highlighted.
    mo.page.locator("#lib-search").fill("tram")
    expect(mo.page.locator(".lib-item-excerpt mark")).to_have_text(["tram"])
    expect(mo.page.locator("#lib-result-status")).to_contain_text("1 note matches “tram”")
    mo.page.locator("#lib-search").fill("anna")
    expect(mo.page.locator(".lib-item-title mark")).to_have_text(["Anna"])
    mo.page.locator("#lib-search").fill("zeppelin")
    expect(mo.page.locator(".lib-none")).to_be_visible()

    # A contradicting passage wins attention on everyone's board.
    pat.page.get_by_role("button", name="Link a passage").click()
    form = pat.page.locator(".lib-link-form")
    form.locator("#lib-link-quote").fill("never opens letters")
    form.get_by_role("radio", name=BELIEF).check()
    form.get_by_text("Contradicts it").click()
    form.get_by_role("button", name="Link passage").click()
    open_board(mo.page)
    expect(badge).to_have_attribute("data-state", "contradicted")
    expect(note(mo.page, BELIEF)).to_have_class(re.compile(r"\bev-card-contradicted\b"))
    expect(strip.locator(".ev-legend-contradicted strong")).to_have_text("1")


def test_removing_a_link_in_the_library_changes_anothers_badge_live(person, live_server):
    from playwright.sync_api import expect

    room = seeded(person, live_server)
    pat, mo = room["pat"], room["mo"]
    op(pat, room["id"], "evidence.link", {"note_id": room["note"]["id"],
                                          "assumption_id": room["belief"],
                                          "relation": "supports", "quote": PASSAGE})
    badge = note(mo.page, BELIEF).locator(".ev-badge")
    strip = mo.page.locator("#evidence-strip")
    expect(badge).to_have_attribute("data-state", "validated")
    expect(strip.locator(".ev-debt-value")).to_have_text("0")

    # An edit that would drop the quoted passage is refused, and the editor says which link.
    open_research(pat.page)
    open_note(pat.page, "Interview with Anna")
    pat.page.get_by_role("button", name="Edit", exact=True).click()
    pat.page.locator("#lib-ed-body").fill("## Visit at home\n\nAnna rents a flat.\n")
    pat.page.get_by_role("button", name="Save changes").click()
    error = pat.page.locator("form.lib-editor .form-error")
    expect(error).to_contain_text("this edit removes a passage that is quoted as evidence")
    expect(error.locator("li")).to_have_text([f"“{PASSAGE}”, which supports “{BELIEF}”"])
    pat.page.get_by_role("button", name="Cancel").click()
    expect(badge).to_have_attribute("data-state", "validated")
    expect(pat.page.locator("#lib-body strong")).to_have_text("pays every bill on her phone")

    # Showing the passage scrolls to it, without animation for someone who asked for less motion.
    pat.page.evaluate("""() => {
      window.scrolls = [];
      const original = Element.prototype.scrollIntoView;
      Element.prototype.scrollIntoView = function (options) {
        window.scrolls.push(options?.behavior ?? null);
        return original.call(this, options);
      };
    }""")
    show = pat.page.get_by_role("button", name=re.compile("^Show the passage in the note"))
    show.click()
    pat.page.emulate_media(reduced_motion="reduce")
    show.click()
    expect(pat.page.locator("mark.lib-passage").first).to_be_visible()
    assert pat.page.evaluate("window.scrolls") == ["smooth", "auto"]

    # Pat removes the link in the reader (two presses); Mo's board follows without a reload.
    remove = pat.page.get_by_role("button", name=f"Remove this link (supports “{BELIEF}”)")
    remove.click()
    expect(remove).to_have_text("Sure?")
    remove.click()
    expect(pat.page.locator(".lib-link")).to_have_count(0)
    expect(badge).to_have_attribute("data-state", "untested")
    expect(strip.locator(".ev-debt-value")).to_have_text("1")
    expect(strip.locator(".ev-headline")).to_have_text("0 of 1 accepted item backed by research")


def test_an_edited_note_reaches_another_reader_and_a_stale_save_asks(person, live_server):
    from playwright.sync_api import expect

    room = seeded(person, live_server)
    fay, pat, mo = room["fay"], room["pat"], room["mo"]
    for someone in (fay, pat, mo):
        open_research(someone.page)
        open_note(someone.page, "Interview with Anna")
    # Fay (who may edit any note) starts editing; Pat edits and saves first.
    fay.page.get_by_role("button", name="Edit", exact=True).click()
    pat.page.get_by_role("button", name="Edit", exact=True).click()
    pat.page.locator("#lib-ed-title").fill("Home visit: Anna")
    pat.page.locator("#lib-ed-body").fill(BODY + "\nShe also pays rent by phone.\n")
    pat.page.get_by_role("button", name="Save changes").click()
    expect(pat.page.locator(".lib-reader-title")).to_have_text("Home visit: Anna")

    # Mo, reading the note, sees the change without a reload.
    expect(mo.page.locator(".lib-reader-title")).to_have_text("Home visit: Anna")
    expect(mo.page.locator("#lib-body")).to_contain_text("She also pays rent by phone.")
    expect(mo.page.locator(".lib-item-title")).to_have_text(["Home visit: Anna"])

    # Fay's editor was told; her save rests on the old version, so it asks instead of
    # overwriting Pat's.
    expect(fay.page.locator(".lib-notice")).to_contain_text("Pat changed this note")
    fay.page.locator("#lib-ed-body").fill(BODY + "\nFollow-up call planned.\n")
    fay.page.get_by_role("button", name="Save changes").click()
    error = fay.page.locator("form.lib-editor .form-error")
    expect(error).to_contain_text("Pat saved this note after you started editing")
    expect(mo.page.locator("#lib-body")).not_to_contain_text("Follow-up call planned.")
    fay.page.get_by_role("button", name="Save my version").click()

    # Her body wins, knowingly; Pat's title stays (she did not change it).
    expect(mo.page.locator("#lib-body")).to_contain_text("Follow-up call planned.")
    expect(mo.page.locator("#lib-body")).not_to_contain_text("She also pays rent by phone.")
    expect(mo.page.locator(".lib-reader-title")).to_have_text("Home visit: Anna")
    expect(fay.page.locator(".lib-reader-title")).to_have_text("Home visit: Anna")


def test_import_previews_refuses_problems_and_imports_whole(person, live_server):
    from playwright.sync_api import expect

    good = [file("bram.md", GOOD_MD), file("digest.csv", GOOD_CSV)]

    links = create_workshop(live_server.url)
    pat = join(person, links["invite_url"], "Pat", "Support")
    mo = join(person, links["invite_url"], "Mo", "Marketing")
    open_research(mo.page)
    open_research(pat.page)

    pat.page.locator("#lib-import-open").click()
    dialog = pat.page.locator("dialog.imp-dialog")
    expect(dialog).to_be_visible()
    submit = dialog.locator("#imp-submit")

    # Good files: a preview of what will be created, and the Import button.
    dialog.locator("#imp-files").set_input_files(good)
    table = dialog.locator(".imp-table")
    expect(table.locator("tbody .imp-note-title")).to_have_text(
        ["Interview with Bram", "Ticket digest", "App reviews"])
    expect(submit).to_be_enabled()
    expect(submit).to_have_text("Import 3 notes")

    # A bad CSV: its problems are listed, by row, and nothing can be imported.
    dialog.locator("#imp-files").set_input_files(
        [file("bram.md", GOOD_MD), file("rows.csv", BAD_CSV)])
    problems = dialog.locator(".imp-problems li")
    expect(problems).not_to_have_count(0)
    expect(problems.first.locator(".imp-problem-source")).to_contain_text("rows.csv")
    expect(submit).to_be_disabled()
    expect(dialog.locator("#imp-status")).to_contain_text("Nothing can be imported")
    # The server answers a dry run with problems 422, which Chromium logs as a console error.
    pat.errors[:] = [e for e in pat.errors if "status of 422" not in e]

    # Good files again, imported whole, with the progress bar run to the end.
    dialog.locator("#imp-files").set_input_files(good)
    expect(submit).to_have_text("Import 3 notes")
    submit.click()
    expect(dialog.locator(".imp-result")).to_have_text(re.compile(r"^Imported 3 notes\."))
    expect(dialog.locator("#imp-progress")).to_have_attribute("value", "100")
    dialog.get_by_role("button", name="Close").click()
    expect(dialog).to_be_hidden()

    # The other participant's library has them, live.
    titles = mo.page.locator(".lib-item-title")
    expect(titles).to_have_count(3)
    bram = mo.page.locator(".lib-item", has_text="Interview with Bram")
    expect(bram.locator(".lib-chip")).to_have_text("Interview")
    mo.page.locator("#lib-filter-source").select_option("support")
    expect(titles).to_have_text(["Ticket digest"])
    mo.page.locator("#lib-filter-source").select_option("")
    mo.page.locator("#lib-filter-tag").select_option("students")
    expect(titles).to_have_text(["Interview with Bram"])


def test_a_refused_accept_tells_the_facilitator_why(person, live_server):
    from playwright.sync_api import expect

    links = create_workshop(live_server.url)
    fay = join(person, links["facilitator_url"], "Fay")
    pat = join(person, links["invite_url"], "Pat", "Support")
    add(pat.page, "identity", OTHER_BELIEF)
    expect(note(fay.page, OTHER_BELIEF)).to_be_visible()

    panel = fay.page.locator("#facilitation details.require-evidence")
    panel.locator("summary").click()
    panel.get_by_label("Identity & character").check()
    expect(panel.locator("summary")).to_have_text("Required before accepting: Identity & character")

    decide(fay.page, OTHER_BELIEF, "accepted")
    toast = fay.page.locator("#toast")
    expect(toast).to_be_visible()
    expect(toast).to_contain_text("need supporting research before they can be accepted")
    expect(note(fay.page, OTHER_BELIEF).locator(".decision")).to_have_count(0)
