""""Require research before accepting", made retroactive: items accepted in a category before it
required research, with no supporting evidence, are flagged in the document and every export
until the facilitator re-decides them or research backs them."""

import csv
import io
import json
import re

import pytest
from pypdf import PdfReader

from tests.helpers import add_note, add_research, make_member, make_workshop, send
from workshop.reads.snapshot import snapshot
from workshop.services import exports

FLAG = "accepted before research was required, no evidence yet"


@pytest.fixture
def room(backend):
    """Three items accepted without research; then Identity and Behaviours require research."""
    created = make_workshop(backend, teams=["Marketing", "Support"])
    maria = make_member(backend, created.facilitator_token, "Maria", "")
    sam = make_member(backend, created.invite_token, "Sam", "Support")
    wid = created.id
    items = {}
    for key, text, category in (("lives", "Lives in Utrecht", "identity"),
                                ("pays", "Pays every bill on her phone", "behaviours"),
                                ("forms", "Hates long forms", "fears")):
        items[key] = add_note(backend, wid, sam, text, category=category)["event"]["data"][
            "assumption"]["id"]
        assert send(backend, wid, maria["id"], "decision.set", {
            "target_type": "assumption", "target_id": items[key], "decision": "accepted",
            "reason": ""})["ok"]
    assert send(backend, wid, maria["id"], "settings.update",
                {"require_evidence": ["identity", "behaviours"]})["ok"]
    persona = snapshot(backend, wid, maria)["personas"][0]["id"]
    return {"id": wid, "maria": maria, "sam": sam, "persona": persona, "items": items}


def flagged(backend, room) -> dict[str, bool]:
    """Each document item's text and whether the exports flag it."""
    loaded = exports.load(backend, room["id"], room["maria"], room["persona"])
    return {item["text"]: item["provenance"]["research_pending"]
            for section in loaded.document["sections"] for item in section["items"]}


def export(backend, room, extension: str) -> bytes:
    return exports.export_persona(backend, room["id"], room["maria"], room["persona"],
                                  extension).content


def test_items_accepted_before_research_was_required_are_flagged(backend, room):
    assert flagged(backend, room) == {"Lives in Utrecht": True,
                                      "Pays every bill on her phone": True,
                                      "Hates long forms": False}


def test_every_export_says_so(backend, room):
    md = export(backend, room, "md").decode()
    assert md.count(f"  - **Needs research:** {FLAG}\n") == 2
    data = json.loads(export(backend, room, "json"))
    parts = [part for section in data["persona"]["sections"] for item in section["items"]
             for part in item["record"] if part["part"] == "research"]
    assert [part["text"] for part in parts] == [FLAG, FLAG]
    assert export(backend, room, "html").decode().count(f"Needs research:</span> {FLAG}") == 2
    pdf = PdfReader(io.BytesIO(export(backend, room, "pdf")))
    text = re.sub(r"\s+", " ", " ".join(page.extract_text() for page in pdf.pages))
    assert text.count("Needs research:") == 2
    rows = list(csv.DictReader(io.StringIO(exports.export_assumptions(
        backend, room["id"], room["maria"], "csv").content.decode("utf-8-sig"))))
    assert {row["text"]: row["needs research"] for row in rows} == {
        "Lives in Utrecht": FLAG, "Pays every bill on her phone": FLAG, "Hates long forms": ""}


def test_the_document_carries_the_flag_and_exports_follow_todays_research(backend, room):
    assert send(backend, room["id"], room["maria"]["id"], "phase.set", {"phase": "merge"})["ok"]
    ack = send(backend, room["id"], room["maria"]["id"], "document.create",
               {"persona_id": room["persona"]})
    assert ack["ok"], ack
    stored = {item["text"]: item["provenance"]["research_pending"] for section in
              ack["event"]["data"]["version"]["document"]["sections"]
              for item in section["items"]}
    assert stored == {"Lives in Utrecht": True, "Pays every bill on her phone": True,
                      "Hates long forms": False}
    # Research that supports one of them, linked after the document was made, clears its flag.
    research = add_research(backend, room["id"], room["sam"],
                            body="Anna pays every bill on her phone.")
    assert send(backend, room["id"], room["sam"]["id"], "evidence.link", {
        "note_id": research["id"], "assumption_id": room["items"]["pays"],
        "relation": "supports", "quote": "every bill on her phone"})["ok"]
    assert flagged(backend, room)["Pays every bill on her phone"] is False
    assert flagged(backend, room)["Lives in Utrecht"] is True


def test_contradicting_research_is_no_support(backend, room):
    research = add_research(backend, room["id"], room["sam"], body="Anna lives in Zwolle.")
    assert send(backend, room["id"], room["sam"]["id"], "evidence.link", {
        "note_id": research["id"], "assumption_id": room["items"]["lives"],
        "relation": "contradicts", "quote": "Anna lives in Zwolle."})["ok"]
    assert flagged(backend, room)["Lives in Utrecht"] is True


def test_re_deciding_or_dropping_the_requirement_clears_the_flag(backend, room):
    assert send(backend, room["id"], room["maria"]["id"], "decision.set", {
        "target_type": "assumption", "target_id": room["items"]["lives"],
        "decision": "parked", "reason": "Needs research"})["ok"]
    assert "Lives in Utrecht" not in flagged(backend, room)  # parked: not in the persona
    assert send(backend, room["id"], room["maria"]["id"], "settings.update",
                {"require_evidence": []})["ok"]
    assert flagged(backend, room) == {"Pays every bill on her phone": False,
                                      "Hates long forms": False}
