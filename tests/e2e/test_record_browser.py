"""The record tells the truth, in real browsers: a voted or decided note keeps its text,
agreeing reaches the Agreed phase and reopening asks first, an imported persona opens under
its own name, and a removed person's open pages say so."""

from __future__ import annotations

import re
import uuid

import pytest
import requests

from tests.e2e.axe import audit
from tests.e2e.browsing import create_workshop, edit, field, join, note, op, three_people
from tests.e2e.test_persona_browser import merge  # noqa: F401 (merge: a fixture)

pytestmark = [pytest.mark.live, pytest.mark.browser]


def raw_op(someone, workshop_id: str, type_: str, data: dict):
    """An op over HTTP, answered whatever its outcome (a refusal is what we look at)."""
    return someone.page.request.post(f"/api/workshops/{workshop_id}/ops", data={
        "op_id": uuid.uuid4().hex, "type": type_, "data": data})


def test_vote_decide_then_try_to_edit_the_note(person, live_server):
    from playwright.sync_api import expect

    room = three_people(person, live_server)
    maria, sam, lotte = room.maria, room.sam, room.lotte
    wid, persona = room.workshop_id, room.persona_id
    text = "Playful, energetic, lifestyle-driven"
    added = op(sam, wid, "assumption.add", {"persona_id": persona, "category": "tone",
                                            "text": text})
    note_id = added["event"]["data"]["assumption"]["id"]
    mine = note(sam.page, text)
    edit = mine.get_by_role("button", name="Edit note")
    # Nobody has voted yet: Edit opens the editor (and Escape closes it again).
    mine.hover()
    edit.click()
    expect(mine.locator(".note-editor textarea")).to_be_visible()
    mine.locator(".note-editor textarea").press("Escape")

    op(lotte, wid, "vote.cast", {"assumption_id": note_id, "stance": "agree"})
    expect(edit).to_have_attribute("aria-disabled", "true")  # before anyone types
    expect(edit).to_have_attribute("title", re.compile("People have voted on this note"))
    edit.press("Enter")  # aria-disabled: it still answers, with the reason
    expect(mine.locator(".note-editor")).to_have_count(0)
    expect(mine.locator(".note-fixed")).to_have_text(re.compile(
        "so its text stays as they voted on it.*Ask the facilitator to reword it"))
    assert audit(sam.page) == []

    op(maria, wid, "decision.set", {"target_type": "assumption", "target_id": note_id,
                                    "decision": "accepted", "reason": "Brand guideline"})
    expect(edit).to_have_attribute("title", re.compile("This note has a decision"))
    facilitators = note(maria.page, text)
    facilitators.get_by_role("button", name="Edit note").press("Enter")
    expect(facilitators.locator(".note-fixed")).to_contain_text("decide it as “Reworded”")

    # A client that tries anyway is refused, and the text stays what people voted on.
    refused = raw_op(sam, wid, "assumption.edit", {"id": note_id,
                                                   "text": "Serious, formal, no emojis"})
    assert refused.status == 409 and refused.json()["error"]["reason"] == "text_decided"
    expect(mine.locator(".note-text")).to_have_text(text)
    snapshot = sam.page.request.get(f"/api/workshops/{wid}").json()
    assert [a["text"] for a in snapshot["assumptions"]] == [text]


def test_agreeing_reaches_agreed_and_reopening_asks_first(merge):  # noqa: F811
    from playwright.sync_api import expect

    maria, sam, lotte = merge["maria"].page, merge["sam"].page, merge["lotte"].page
    op(merge["maria"], merge["id"], "settings.update", {"require_signoff": True})
    agree = maria.get_by_role("button", name="Mark version 1 agreed")
    expect(agree).to_be_disabled()
    expect(maria.locator("#agree-waiting")).to_have_text(
        "Waiting for sign-off from Marketing, Support: agreeing needs every team's sign-off.")
    sam.get_by_role("button", name="Sign off for Support").click()
    expect(maria.locator("#agree-waiting")).to_contain_text("Waiting for sign-off from Marketing:")
    lotte.get_by_role("button", name="Sign off for Marketing").click()
    expect(agree).to_be_enabled()
    expect(maria.locator("#agree-waiting")).to_have_count(0)
    agree.click()
    for page in (maria, sam, lotte):
        expect(page.locator("#version-chip")).to_have_text("Agreed · version 1")
        expect(page.locator(".phase-pill")).to_have_text("Agreed")
        expect(page.locator("#phase-note")).to_have_text("The workshop is in its Agreed phase.")
    assert maria.request.get(f"/api/workshops/{merge['id']}").json()["workshop"]["phase"] \
        == "agreed"

    # An agreed version cannot be changed by a keystroke: Sam has to choose to reopen it.
    expect(field(sam, "Name")).not_to_be_editable()
    sam.get_by_role("button", name="Edit: start version 2…").click()
    question = sam.locator("#reopen-confirm-box")
    expect(question).to_contain_text("Start version 2?")
    expect(question).to_contain_text("Version 1 stays agreed, exactly as it is.")
    expect(question).to_contain_text("The 2 sign-offs do not carry over")
    assert audit(sam) == []
    question.get_by_role("button", name="Cancel").click()
    expect(field(sam, "Name")).not_to_be_editable()
    sam.get_by_role("button", name="Edit: start version 2…").click()
    sam.get_by_role("button", name="Start version 2").click()
    expect(field(sam, "Name")).to_be_editable()
    edit(sam, "Name").fill("Jasper")
    field(sam, "Name").press("Enter")
    for page in (maria, sam, lotte):
        expect(page.locator("#version-chip")).to_have_text("Draft · version 2")
        expect(page.locator(".phase-pill")).to_have_text("Merge")
        expect(page.locator(".signoffs li.signed")).to_have_count(0)
    expect(field(maria, "Name")).to_have_value("Jasper")

    # The facilitator keeps reopening to themselves: Sam is told so, Maria may.
    op(merge["maria"], merge["id"], "settings.update",
       {"require_signoff": False, "reopen_facilitator_only": True})
    maria.get_by_role("button", name="Mark version 2 agreed").click()
    expect(sam.locator("#version-chip")).to_have_text("Agreed · version 2")
    expect(sam.locator("#reopen-restricted")).to_have_text(
        "Only the facilitator can start version 3 (a workshop setting).")
    expect(sam.get_by_role("button", name=re.compile("start version 3"))).to_have_count(0)
    expect(field(sam, "Name")).not_to_be_editable()
    expect(maria.get_by_role("button", name="Edit: start version 3…")).to_be_visible()


def test_a_persona_imported_elsewhere_opens_under_its_own_name(merge, person, live_server,  # noqa: F811
                                                               tmp_path):
    from playwright.sync_api import expect

    sam = merge["sam"].page
    edit(sam, "Name").fill("Anouk")
    field(sam, "Name").press("Enter")
    expect(field(merge["maria"].page, "Name")).to_have_value("Anouk")
    exported = merge["maria"].page.request.get(
        f"/api/workshops/{merge['id']}/personas/{merge['persona']}/export.json")
    assert exported.json()["meta"]["persona_name"] == "Primary customer"
    other = requests.post(live_server.url + "/api/workshops", timeout=10,
                          json={"title": "Energy coaching"}).json()
    femke = join(person, other["facilitator_url"], "Femke")
    state = femke.page.request.get(f"/api/workshops/{other['id']}").json()
    op(femke, other["id"], "persona.add", {"name": "anouk"})  # a tab that reads the same
    page = femke.page
    page.goto(f"/w/{other['id']}/persona/{state['personas'][0]['id']}")
    expect(page.locator(".empty-state")).to_be_visible()  # "No persona document yet"
    upload = tmp_path / "persona.json"
    upload.write_bytes(exported.body())
    page.locator("#import-json").set_input_files(str(upload))
    page.wait_for_url(re.compile(r"/persona/(?!" + state["personas"][0]["id"] + ")"))
    expect(page.locator("#import-notice")).to_have_text(
        "Imported “Anouk (2)” from the workshop “Who rides our e-bikes?” (version 1 there, "
        "draft). Here it starts as version 1, a draft, with its provenance as exported.")
    expect(field(page, "Name")).to_have_value("Anouk")
    expect(page.locator("#version-chip")).to_have_text("Draft · version 1")
    assert page.title().startswith("Anouk (2) · Energy coaching")
    page.reload()  # said once, not on every visit
    expect(page.locator("#import-notice")).to_be_hidden()
    page.goto(f"/w/{other['id']}")
    expect(page.locator(".persona-tab-name")).to_have_text(
        ["Primary customer", "anouk", "Anouk (2)"])


def test_a_draft_exported_before_its_document_existed_says_so_when_imported(person,
                                                                           live_server,
                                                                           tmp_path):
    from playwright.sync_api import expect

    source = create_workshop(live_server.url)
    maria = join(person, source["facilitator_url"], "Maria")
    state = maria.page.request.get(f"/api/workshops/{source['id']}").json()
    exported = maria.page.request.get(
        f"/api/workshops/{source['id']}/personas/{state['personas'][0]['id']}/export.json")
    assert exported.json()["meta"]["version"] == 0  # the board's draft: no document yet
    upload = tmp_path / "draft.json"
    upload.write_bytes(exported.body())
    other = requests.post(live_server.url + "/api/workshops", timeout=10,
                          json={"title": "Energy coaching"}).json()
    femke = join(person, other["facilitator_url"], "Femke")
    first = femke.page.request.get(f"/api/workshops/{other['id']}").json()["personas"][0]["id"]
    femke.page.goto(f"/w/{other['id']}/persona/{first}")
    femke.page.locator("#import-json").set_input_files(str(upload))
    femke.page.wait_for_url(re.compile(r"/persona/(?!" + first + ")"))
    expect(femke.page.locator("#import-notice")).to_have_text(
        "Imported “Primary customer (2)” from the workshop “Who rides our e-bikes?” (a draft "
        "from its board: it had no persona document yet). Here it starts as version 1, a "
        "draft, with its provenance as exported.")  # not "version 0 there"


def test_a_persona_imported_into_an_agreed_workshop_takes_it_back_to_merge(merge,  # noqa: F811
                                                                            tmp_path):
    from playwright.sync_api import expect

    maria, sam = merge["maria"].page, merge["sam"].page
    maria.get_by_role("button", name="Mark version 1 agreed").click()
    expect(sam.locator(".phase-pill")).to_have_text("Agreed")
    exported = maria.request.get(
        f"/api/workshops/{merge['id']}/personas/{merge['persona']}/export.json")
    upload = tmp_path / "persona.json"
    upload.write_bytes(exported.body())
    maria.locator("#import-json").set_input_files(str(upload))
    maria.wait_for_url(re.compile(r"/persona/(?!" + merge["persona"] + ")"))
    expect(maria.locator("#version-chip")).to_have_text("Draft · version 1")
    for page in (maria, sam):  # "Agreed" would claim every persona is agreed: not any more
        expect(page.locator(".phase-pill")).to_have_text("Merge")
    expect(sam.locator("#phase-note")).to_have_text(
        "The workshop stays in Merge until every persona is agreed: "
        "Primary customer (2) is still a draft.")


def test_a_removed_persons_open_pages_say_so(person, live_server):
    from playwright.sync_api import expect

    room = three_people(person, live_server)
    maria, sam, lotte = room.maria, room.sam, room.lotte
    wid, persona = room.workshop_id, room.persona_id
    created = room.links
    second = sam.page.context.new_page()  # Sam's second tab: the persona page
    second.goto(f"/w/{wid}/persona/{persona}")
    expect(second.locator("#conn-status")).to_have_attribute("data-state", "live")

    people = maria.page.locator(".people-list").first
    row = people.locator(".people-item", has_text="Sam · Support")
    row.get_by_role("button", name="Remove Sam from the workshop").click()
    confirm = row.locator(".remove-confirm")
    expect(confirm).to_contain_text("Remove Sam? Their open pages close")
    rotate = confirm.get_by_label("Also replace the invite link, so the old one cannot bring "
                                  "them back")
    expect(rotate).to_be_checked()
    assert audit(maria.page) == []
    confirm.get_by_role("button", name="Remove Sam").click()

    for page in (sam.page, second):
        notice = page.locator("#removed-notice")
        expect(notice).to_be_visible()
        expect(notice).to_contain_text("The facilitator removed you from this workshop")
        expect(page.locator("#conn-status")).to_have_text("Removed by the facilitator")
        assert audit(page) == []
    removed = maria.page.locator(".people-removed")
    expect(removed).to_be_visible()
    expect(removed.locator(".people-item")).to_have_text(re.compile("Sam · Support.*removed"))
    expect(people.locator(".people-item", has_text="Sam")).to_have_count(0)
    # Lotte works on; the old invite link no longer lets anyone in; Sam's reload says why.
    expect(lotte.page.locator("#conn-status")).to_have_attribute("data-state", "live")
    assert requests.get(created["invite_url"], timeout=10).status_code == 404
    reload = sam.page.request.get(f"/w/{wid}")
    assert reload.status == 403 and "You were removed from this workshop" in reload.text()
    links = maria.page.request.get(f"/api/workshops/{wid}/links").json()
    assert links["invite_url"] != created["invite_url"]
    expect(maria.page.get_by_label("Invite link", exact=True)).to_have_value(links["invite_url"])


def test_a_removed_persons_connect_is_refused_with_the_reason(live_server):
    """What a client written against docs/protocol.md sees: `reason: "removed"` on connect."""
    import socketio

    created = create_workshop(live_server.url)
    people = {}
    for name, link, team in (("Maria", created["facilitator_url"], ""),
                             ("Sam", created["invite_url"], "Support")):
        http = requests.Session()
        token = link.rsplit("/join/", 1)[1]
        joined = http.post(live_server.url + "/api/join", timeout=10,
                           json={"token": token, "name": name, "team": team})
        people[name] = (http, joined.json()["participant"])
    maria, sam = people["Maria"][0], people["Sam"][0]
    removed = maria.post(f"{live_server.url}/api/workshops/{created['id']}/ops", timeout=10,
                         json={"op_id": uuid.uuid4().hex, "type": "participant.remove",
                               "data": {"id": people["Sam"][1]["id"]}})
    assert removed.status_code == 201, removed.text

    refusals = []
    client = socketio.Client(reconnection=False)
    client.on("connect_error", refusals.append)
    with pytest.raises(socketio.exceptions.ConnectionError):
        client.connect(live_server.url, transports=["websocket"], wait_timeout=10,
                       headers={"Cookie": "workshop_session=" + sam.cookies["workshop_session"]},
                       auth={"workshop": created["id"]})
    # python-socketio hands over {"message", "data"}; `data` is the refusal on the wire.
    assert [refusal["data"] for refusal in refusals] == [{
        "code": "unauthenticated", "reason": "removed",
        "message": "the facilitator removed you from this workshop"}]
