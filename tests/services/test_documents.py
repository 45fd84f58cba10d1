"""The agreed persona: merge into a document, save fields by revision, agree, version, export."""

import base64
import io
import json

import pytest
from PIL import Image
from pypdf import PdfReader

from tests.helpers import add_note, add_research, comparable, make_member, make_workshop, send
from tests.reference_reducer import replay
from workshop.ops.context import MAX_PERSONAS
from workshop.reads.snapshot import snapshot
from workshop.reads.sync import sync
from workshop.services import exports, picture_upload
from workshop.services.errors import ServiceError


@pytest.fixture
def room(backend):
    """A reconciled board: three accepted items (one contested, one with research), one not."""
    created = make_workshop(backend, teams=["Marketing", "Support"])
    maria = make_member(backend, created.facilitator_token, "Maria", "")
    sam = make_member(backend, created.invite_token, "Sam", "Support")
    lotte = make_member(backend, created.invite_token, "Lotte", "Marketing")
    wid = created.id

    def note(who, text, category):
        return add_note(backend, wid, who, text, category=category)["event"]["data"][
            "assumption"]["id"]

    pays = note(sam, "Pays every bill on her phone", "behaviours")
    forms = note(lotte, "Hates long forms", "fears")
    price = note(lotte, "Chooses on price alone", "motivations")
    letters = note(sam, "Reads paper letters", "channels")
    for voter, stances in ((sam, ("agree", "agree", "disagree", "agree")),
                           (lotte, ("agree", "agree", "agree", "disagree"))):
        for target, stance in zip((pays, forms, price, letters), stances, strict=True):
            assert send(backend, wid, voter["id"], "vote.cast",
                        {"assumption_id": target, "stance": stance})["ok"]
    research = add_research(backend, wid, sam, body="Anna pays every bill on her phone.")
    assert send(backend, wid, sam["id"], "evidence.link", {
        "note_id": research["id"], "assumption_id": pays, "relation": "supports",
        "quote": "every bill on her phone"})["ok"]
    for target, decision in ((pays, "accepted"), (forms, "accepted"), (price, "accepted"),
                             (letters, "rejected")):
        assert send(backend, wid, maria["id"], "decision.set", {
            "target_type": "assumption", "target_id": target, "decision": decision,
            "reason": "Marketing sees it, Support does not" if target == price else ""})["ok"]
    assert send(backend, wid, maria["id"], "phase.set", {"phase": "merge"})["ok"]
    persona = snapshot(backend, wid, maria)["personas"][0]["id"]
    return {"id": wid, "maria": maria, "sam": sam, "lotte": lotte, "persona": persona,
            "items": {"pays": pays, "forms": forms, "price": price, "letters": letters}}


def create(backend, room):
    ack = send(backend, room["id"], room["maria"]["id"], "document.create",
               {"persona_id": room["persona"]})
    assert ack["ok"], ack
    assert ack["event"]["data"]["persona_id"] == room["persona"]  # the merge view filters on it
    return ack["event"]["data"]["version"]


def save(backend, room, who, path, value, base_rev, reopen=False):
    return send(backend, room["id"], room[who]["id"], "document.save",
                {"persona_id": room["persona"], "path": path, "value": value,
                 "base_rev": base_rev, **({"reopen": True} if reopen else {})})


def agree(backend, room, number=1):
    return send(backend, room["id"], room["maria"]["id"], "document.agree",
                {"persona_id": room["persona"], "number": number})


def phase(backend, room):
    return snapshot(backend, room["id"], room["maria"])["workshop"]["phase"]


def current(backend, room):
    return snapshot(backend, room["id"], room["sam"])["documents"][0]


def test_the_document_holds_the_accepted_items_with_their_provenance(backend, room):
    version = create(backend, room)
    assert (version["number"], version["status"]) == (1, "draft")
    items = {item["id"]: item for section in version["document"]["sections"]
             for item in section["items"]}
    ids = room["items"]
    assert set(items) == {f"a:{ids['pays']}", f"a:{ids['forms']}", f"a:{ids['price']}"}
    pays = items[f"a:{ids['pays']}"]["provenance"]
    assert pays["evidence_state"] == "validated" and pays["evidence"][0]["quote"] == \
        "every bill on her phone"
    price = items[f"a:{ids['price']}"]["provenance"]
    assert price["contested"] and price["dissent"]["teams"][0]["team"] == "Support"
    assert version["document"]["identity"]["name"] == "Primary customer"


def test_only_the_facilitator_creates_it_and_only_once(backend, room):
    refused = send(backend, room["id"], room["sam"]["id"], "document.create",
                   {"persona_id": room["persona"]})
    assert refused["error"]["code"] == "forbidden"
    create(backend, room)
    again = send(backend, room["id"], room["maria"]["id"], "document.create",
                 {"persona_id": room["persona"]})
    assert again["error"]["code"] == "conflict"


@pytest.mark.parametrize("phase", ["collect", "vote", "reconcile"])
def test_the_document_is_created_in_the_merge_phase_only(backend, room, phase):
    maria = room["maria"]["id"]
    assert send(backend, room["id"], maria, "phase.set", {"phase": phase})["ok"]
    before = current_seq(backend, room)
    refused = send(backend, room["id"], maria, "document.create",
                   {"persona_id": room["persona"]})
    assert refused["error"] == {"code": "conflict", "reason": "document_in_merge", "message": (
        "the persona document is created in the merge phase: move the workshop to merge first")}
    state = snapshot(backend, room["id"], room["sam"])
    assert (state["seq"], state["documents"], state["versions"]) == (before, [], [])


def test_in_the_agreed_phase_the_document_can_still_be_created(backend, room):
    assert send(backend, room["id"], room["maria"]["id"], "phase.set",
                {"phase": "agreed"})["ok"]
    assert create(backend, room)["number"] == 1


def test_the_board_keeps_working_on_a_document_in_any_phase_after_the_merge(backend, room):
    create(backend, room)
    assert send(backend, room["id"], room["maria"]["id"], "phase.set",
                {"phase": "collect"})["ok"]
    assert save(backend, room, "sam", "identity.role", "Nurse", 0)["ok"]
    assert current(backend, room)["document"]["identity"]["role"] == "Nurse"


def current_seq(backend, room) -> int:
    return snapshot(backend, room["id"], room["sam"])["seq"]


def test_a_save_from_a_stale_revision_is_refused_with_both_versions(backend, room):
    create(backend, room)
    first = save(backend, room, "sam", "identity.quote", "Just let me pay", 0)
    assert first["ok"] and first["event"]["data"]["revision"]["rev"] == 1
    second = save(backend, room, "lotte", "identity.quote", "I want it simple", 0)
    assert second["ok"] is False and second["error"]["code"] == "conflict"
    assert second["error"]["details"] == {
        "path": "identity.quote", "yours": "I want it simple",
        "current": {"value": "Just let me pay", "rev": 1, "by": room["sam"]["id"],
                    "seq": first["seq"]}}
    assert current(backend, room)["document"]["identity"]["quote"] == "Just let me pay"
    merged = save(backend, room, "lotte", "identity.quote", "Just let me pay, simply", 1)
    assert merged["ok"]


def test_different_fields_save_independently_and_the_log_keeps_every_change(backend, room):
    version = create(backend, room)
    item = version["document"]["sections"][0]["items"][0]
    assert save(backend, room, "sam", "identity.role", "Nurse", 0)["ok"]
    change = save(backend, room, "lotte", f"items.{item['id']}", "Pays all bills by phone", 0)
    assert change["ok"]
    assert change["event"]["data"]["previous"] == item["text"]
    assert change["event"]["actor"] == room["lotte"]["id"]
    doc = current(backend, room)["document"]
    assert doc["identity"]["role"] == "Nurse"
    assert doc["sections"][0]["items"][0]["text"] == "Pays all bills by phone"


def test_unknown_fields_and_foreign_personas_are_refused(backend, room):
    create(backend, room)
    assert save(backend, room, "sam", "identity.shoe_size", "42", 0)["error"]["code"] == \
        "invalid"
    assert save(backend, room, "sam", "items.a:nope", "x", 0)["error"]["code"] == "invalid"
    other = make_workshop(backend)
    stranger = make_member(backend, other.facilitator_token, "Eve", "")
    ack = send(backend, other.id, stranger["id"], "document.save", {
        "persona_id": room["persona"], "path": "identity.name", "value": "x", "base_rev": 0})
    assert ack["error"]["code"] == "not_found"


def test_agreeing_freezes_a_version_and_the_next_edit_starts_version_two(backend, room):
    create(backend, room)
    save(backend, room, "sam", "identity.name", "Anouk", 0)
    agreed = send(backend, room["id"], room["maria"]["id"], "document.agree",
                  {"persona_id": room["persona"], "number": 1})
    assert agreed["ok"] and current(backend, room)["status"] == "agreed"
    assert save(backend, room, "sam", "identity.name", "Anouk B.", 0, reopen=True)["error"][
        "code"] == "conflict"  # the stale revision is still refused after agreement
    edit = save(backend, room, "sam", "identity.name", "Anouk B.", 1, reopen=True)
    assert edit["ok"] and edit["event"]["data"]["started"]["number"] == 2
    now = current(backend, room)
    assert (now["number"], now["status"], now["document"]["identity"]["name"]) == (
        2, "draft", "Anouk B.")
    frozen = exports.version(backend, room["id"], room["persona"], 1)
    assert (frozen["status"], frozen["document"]["identity"]["name"]) == ("agreed", "Anouk")
    rows = exports.diff(backend, room["id"], room["persona"], 1, 2)["rows"]
    name = next(r for r in rows if r["path"] == "identity.name")
    assert name["status"] == "changed" and "<ins>" in name["new_html"]


def test_sign_off_by_every_team_can_be_required(backend, room):
    create(backend, room)
    maria = room["maria"]["id"]
    send(backend, room["id"], maria, "settings.update", {"require_signoff": True})
    agree = {"persona_id": room["persona"], "number": 1}
    refused = send(backend, room["id"], maria, "document.agree", agree)
    assert refused["error"] == {"code": "conflict",
                                "message": "waiting for sign-off from Marketing, Support",
                                "reason": "waiting_signoff",
                                "details": {"teams": ["Marketing", "Support"]}}
    for who in ("sam", "lotte"):
        assert send(backend, room["id"], room[who]["id"], "document.sign", agree)["ok"]
    assert set(current(backend, room)["signoffs"]) == {"Marketing", "Support"}
    # A change after signing asks for the sign-offs again: they were for the old text.
    assert save(backend, room, "sam", "identity.role", "Nurse", 0)["event"]["data"][
        "signoffs_cleared"]
    assert send(backend, room["id"], maria, "document.agree", agree)["error"]["code"] == \
        "conflict"
    for who in ("sam", "lotte"):
        send(backend, room["id"], room[who]["id"], "document.sign", agree)
    assert send(backend, room["id"], maria, "document.agree", agree)["ok"]


def test_agreeing_moves_the_workshop_to_agreed_and_reopening_back_to_merge(backend, room):
    create(backend, room)
    agreed = agree(backend, room)
    assert agreed["event"]["data"]["phase"] == "agreed" and phase(backend, room) == "agreed"
    edit = save(backend, room, "sam", "identity.name", "Anouk B.", 0, reopen=True)
    assert edit["event"]["data"]["phase"] == "merge" and phase(backend, room) == "merge"
    log = sync(backend, room["id"], room["sam"], 0)["events"]
    assert replay(log) == comparable(snapshot(backend, room["id"], room["sam"]))


def test_with_another_persona_still_a_draft_the_phase_stays(backend, room):
    create(backend, room)
    maria = room["maria"]["id"]
    other = send(backend, room["id"], maria, "persona.add", {"name": "Ruben"})["event"][
        "data"]["persona"]["id"]
    assert send(backend, room["id"], maria, "document.create", {"persona_id": other})["ok"]
    assert agree(backend, room)["event"]["data"]["phase"] == "merge"
    assert phase(backend, room) == "merge"  # Ruben's document is still a draft
    assert send(backend, room["id"], maria, "document.agree",
                {"persona_id": other, "number": 1})["event"]["data"]["phase"] == "agreed"


def test_a_new_draft_in_the_agreed_phase_takes_the_workshop_back_to_merge(backend, room):
    """Agreed means every persona's document is agreed: a new draft beside it, created or
    imported, makes that untrue, as reopening does."""
    create(backend, room)
    maria = room["maria"]["id"]
    assert agree(backend, room)["event"]["data"]["phase"] == "agreed"
    export = json.loads(exports.export_persona(backend, room["id"], room["maria"],
                                               room["persona"], "json").content)
    imported = send(backend, room["id"], maria, "persona.import", {"export": export})
    assert imported["event"]["data"]["phase"] == "merge" and phase(backend, room) == "merge"
    assert send(backend, room["id"], maria, "document.agree", {
        "persona_id": imported["event"]["data"]["persona"]["id"], "number": 1,
    })["event"]["data"]["phase"] == "agreed"
    other = send(backend, room["id"], maria, "persona.add", {"name": "Ruben"})["event"][
        "data"]["persona"]["id"]
    created = send(backend, room["id"], maria, "document.create", {"persona_id": other})
    assert created["event"]["data"]["phase"] == "merge" and phase(backend, room) == "merge"
    log = sync(backend, room["id"], room["sam"], 0)["events"]
    assert replay(log) == comparable(snapshot(backend, room["id"], room["sam"]))


def test_a_change_to_an_agreed_version_must_say_it_reopens(backend, room):
    create(backend, room)
    for who in ("sam", "lotte"):
        send(backend, room["id"], room[who]["id"], "document.sign",
             {"persona_id": room["persona"], "number": 1})
    agree(backend, room)
    before = comparable(snapshot(backend, room["id"], room["maria"]))
    refused = save(backend, room, "sam", "identity.name", "Anouk B.", 0)
    assert refused["error"] == {
        "code": "conflict", "reason": "reopen_unconfirmed",
        "message": "version 1 is agreed: a change starts version 2 as a draft and clears the "
                   "sign-offs; send it again with reopen: true to go ahead",
        "details": {"number": 1, "next": 2}}
    picture = send(backend, room["id"], room["sam"]["id"], "document.picture",
                   {"persona_id": room["persona"], "picture": None, "base_rev": 0})
    assert picture["error"]["reason"] == "reopen_unconfirmed"
    assert comparable(snapshot(backend, room["id"], room["maria"])) == before
    started = save(backend, room, "sam", "identity.name", "Anouk B.", 0, reopen=True)
    assert started["event"]["data"]["started"]["signoffs"] == {}
    assert exports.version(backend, room["id"], room["persona"], 1)["signoffs"].keys() == {
        "Marketing", "Support"}  # the agreed version keeps the sign-offs it was agreed with


def test_the_facilitator_can_keep_reopening_to_themselves(backend, room):
    create(backend, room)
    maria = room["maria"]["id"]
    assert send(backend, room["id"], maria, "settings.update",
                {"reopen_facilitator_only": True})["ok"]
    agree(backend, room)
    refused = save(backend, room, "sam", "identity.name", "Anouk B.", 0, reopen=True)
    assert (refused["error"]["code"], refused["error"]["reason"]) == (
        "forbidden", "reopen_facilitator_only")
    assert current(backend, room)["status"] == "agreed"
    assert save(backend, room, "maria", "identity.name", "Anouk B.", 0, reopen=True)["ok"]
    # Once the facilitator reopened it, the draft is everyone's to edit again.
    assert save(backend, room, "sam", "identity.role", "Nurse", 0)["ok"]


def image_bytes(fmt="PNG", size=(1200, 800), mode="RGB"):
    out = io.BytesIO()
    Image.new(mode, size, (200, 120, 40)).save(out, fmt)
    return out.getvalue()


def test_an_uploaded_picture_is_checked_shrunk_and_reencoded(backend, room):
    create(backend, room)
    ack = picture_upload.upload(backend, room["id"], room["sam"]["id"], room["persona"], {
        "content_base64": base64.b64encode(image_bytes()).decode(), "base_rev": 0,
        "op_id": "pic-1"})
    assert ack["ok"], ack
    picture = current(backend, room)["document"]["identity"]["picture"]
    stored = Image.open(io.BytesIO(base64.b64decode(picture["data"])))
    assert (stored.format, max(stored.size), picture["media_type"]) == ("JPEG", 512,
                                                                        "image/jpeg")


@pytest.mark.parametrize("content", [
    b"<svg xmlns='http://www.w3.org/2000/svg' onload='alert(1)'/>",
    b"GIF89a" + b"\x00" * 20,
    b"\x89PNG\r\n\x1a\n" + b"\x00" * 40,  # a PNG signature with nothing behind it
    b"not an image at all",
])
def test_anything_but_a_real_png_jpeg_or_webp_is_refused(backend, room, content):
    create(backend, room)
    with pytest.raises(ServiceError) as refused:
        picture_upload.upload(backend, room["id"], room["sam"]["id"], room["persona"], {
            "content_base64": base64.b64encode(content).decode(), "base_rev": 0,
            "op_id": "pic-2"})
    assert refused.value.code == "invalid"
    assert current(backend, room)["document"]["identity"]["picture"] is None


def test_a_picture_sent_as_an_op_is_checked_too(backend, room):
    create(backend, room)
    fake = {"kind": "upload", "media_type": "image/png",
            "data": base64.b64encode(image_bytes("JPEG", (64, 64))).decode()}
    ack = send(backend, room["id"], room["sam"]["id"], "document.picture",
               {"persona_id": room["persona"], "picture": fake, "base_rev": 0})
    assert ack["error"]["code"] == "invalid" and "image/jpeg" in ack["error"]["message"]


def test_every_format_exports_and_a_draft_says_so(backend, room):
    create(backend, room)
    viewer = room["maria"]
    md = exports.export_persona(backend, room["id"], viewer, room["persona"], "md")
    assert md.filename == "primary-customer-v1-draft.md" and b"**DRAFT**" in md.content
    assert b"[^1]" in md.content  # the evidence as a footnote
    pdf = exports.export_persona(backend, room["id"], viewer, room["persona"], "pdf")
    reader = PdfReader(io.BytesIO(pdf.content))
    box = reader.pages[0].mediabox
    assert len(reader.pages) == 1 and (round(box.width), round(box.height)) == (595, 842)
    html = exports.export_persona(backend, room["id"], viewer, room["persona"], "html")
    assert b"<style>" in html.content and b"Draft" in html.content
    csv = exports.export_assumptions(backend, room["id"], viewer, "csv")
    assert csv.content.decode("utf-8-sig").count("\n") == 5  # a header and four assumptions


def test_before_the_merge_an_export_is_a_draft_from_the_board(backend, room):
    loaded = exports.load(backend, room["id"], room["maria"], room["persona"])
    assert (loaded.meta["version"], loaded.meta["status"]) == (0, "draft")
    assert sum(len(s["items"]) for s in loaded.document["sections"]) == 3


def test_json_export_imports_into_another_workshop_and_exports_the_same(backend, room):
    create(backend, room)
    save(backend, room, "sam", "identity.story", "Anouk works **nights**.", 0)
    first = json.loads(exports.export_persona(backend, room["id"], room["maria"],
                                              room["persona"], "json").content)
    other = make_workshop(backend, "Another team's workshop")
    facilitator = make_member(backend, other.facilitator_token, "Femke", "")
    ack = send(backend, other.id, facilitator["id"], "persona.import", {"export": first})
    assert ack["ok"], ack
    imported = ack["event"]["data"]["persona"]["id"]
    again = json.loads(exports.export_persona(backend, other.id, facilitator, imported,
                                              "json").content)
    assert again["persona"] == first["persona"]
    # The tab is named after the persona, made unique beside this workshop's own first tab.
    assert first["persona"]["identity"]["name"] == first["meta"]["persona_name"]
    assert again["meta"]["persona_name"] == first["meta"]["persona_name"] + " (2)"


def test_an_imported_persona_is_named_after_itself_and_never_twice_the_same(backend, room):
    create(backend, room)
    save(backend, room, "sam", "identity.name", "Anouk", 0)
    export = json.loads(exports.export_persona(backend, room["id"], room["maria"],
                                               room["persona"], "json").content)
    assert export["meta"]["persona_name"] == "Primary customer"  # the tab it came from
    other = make_workshop(backend, "Another team's workshop")
    femke = make_member(backend, other.facilitator_token, "Femke", "")
    send(backend, other.id, femke["id"], "persona.add", {"name": "anouk"})
    first = send(backend, other.id, femke["id"], "persona.import", {"export": export})
    again = send(backend, other.id, femke["id"], "persona.import", {"export": export})
    assert first["event"]["data"]["persona"]["name"] == "Anouk (2)"
    assert again["event"]["data"]["persona"]["name"] == "Anouk (3)"
    assert first["event"]["data"]["source"] == {
        "workshop_title": export["meta"]["workshop_title"], "persona_name": "Primary customer",
        "version": 1, "status": "draft"}
    tabs = [p["name"] for p in snapshot(backend, other.id, femke)["personas"]]
    assert tabs == ["Primary customer", "anouk", "Anouk (2)", "Anouk (3)"]


def test_a_broken_export_is_refused_with_the_reason(backend, room):
    ack = send(backend, room["id"], room["maria"]["id"], "persona.import",
               {"export": {"schema_version": 1, "persona": {"identity": {}}}})
    assert ack["error"]["code"] == "invalid" and ack["error"]["message"].startswith("export:")


def test_the_log_replays_to_the_same_documents(backend, room):
    create(backend, room)
    save(backend, room, "sam", "identity.name", "Anouk", 0)
    send(backend, room["id"], room["sam"]["id"], "document.sign",
         {"persona_id": room["persona"], "number": 1})
    send(backend, room["id"], room["maria"]["id"], "document.agree",
         {"persona_id": room["persona"], "number": 1})
    save(backend, room, "lotte", "identity.name", "Anouk B.", 1, reopen=True)
    log = sync(backend, room["id"], room["sam"], 0)["events"]
    assert replay(log) == comparable(snapshot(backend, room["id"], room["sam"]))


def _exported_with_picture(backend, room, picture):
    """The room's persona exported as JSON, its picture replaced (as anyone can edit a file)."""
    create(backend, room)
    export = json.loads(exports.export_persona(backend, room["id"], room["maria"],
                                               room["persona"], "json").content)
    export["persona"]["identity"]["picture"] = picture
    return export


def _png(size=(64, 64)):
    return base64.b64encode(image_bytes("PNG", size)).decode()


def test_an_import_counts_against_the_persona_limit_like_a_new_tab(backend, room):
    export = json.loads(exports.export_persona(backend, room["id"], room["maria"],
                                               room["persona"], "json").content)
    other = make_workshop(backend, "Another team's workshop")
    femke = make_member(backend, other.facilitator_token, "Femke", "")
    for number in range(2, MAX_PERSONAS + 1):  # the workshop's first tab is one of them
        assert send(backend, other.id, femke["id"], "persona.add", {"name": f"P{number}"})["ok"]
    ack = send(backend, other.id, femke["id"], "persona.import", {"export": export})
    assert ack["ok"] is False and ack["error"] == {
        "code": "limit", "message": f"a workshop holds at most {MAX_PERSONAS} personas"}
    assert len(snapshot(backend, other.id, femke)["personas"]) == MAX_PERSONAS


@pytest.mark.parametrize(("data", "media_type", "says"), [
    # 420 kB that are no image at all, labelled as a PNG
    (base64.b64encode(b"\x89PNG\r\n\x1a\n" + bytes(range(256)) * 1640).decode(), "image/png",
     "larger than 150,000 bytes"),
    (base64.b64encode(b"not an image at all").decode(), "image/png", "not a readable"),
    (base64.b64encode(b"\x89PNG\r\n\x1a\n" + b"\x00" * 40).decode(), "image/png",
     "not a readable"),
    (base64.b64encode(b"GIF89a" + b"\x00" * 20).decode(), "image/png", "not a readable"),
    (base64.b64encode(image_bytes("JPEG", (64, 64))).decode(), "image/png",
     "the data is image/jpeg, not image/png"),
    (_png((900, 300)), "image/png", "at most 512 pixels on a side"),
])
def test_an_imported_picture_is_checked_like_an_upload(backend, room, data, media_type, says):
    export = _exported_with_picture(backend, room, {"kind": "upload", "media_type": media_type,
                                                    "data": data})
    other = make_workshop(backend, "Another team's workshop")
    femke = make_member(backend, other.facilitator_token, "Femke", "")
    before = snapshot(backend, other.id, femke)
    ack = send(backend, other.id, femke["id"], "persona.import", {"export": export})
    assert ack["ok"] is False and ack["error"]["code"] == "invalid"
    assert ack["error"]["message"].startswith("export: persona.identity.picture")
    assert says in ack["error"]["message"]
    after = snapshot(backend, other.id, femke)
    assert (after["seq"], after["personas"], after["documents"]) == (
        before["seq"], before["personas"], before["documents"])


def test_an_imported_picture_that_passes_the_checks_is_kept(backend, room):
    picture = {"kind": "upload", "media_type": "image/png", "data": _png()}
    export = _exported_with_picture(backend, room, picture)
    other = make_workshop(backend, "Another team's workshop")
    femke = make_member(backend, other.facilitator_token, "Femke", "")
    ack = send(backend, other.id, femke["id"], "persona.import", {"export": export})
    assert ack["ok"], ack
    assert ack["event"]["data"]["version"]["document"]["identity"]["picture"] == picture
