"""The browser's reducer (static/js/state.js) rebuilds the same state as the server."""

import base64
import io
import json

import pytest

from tests.helpers import add_note, comparable, make_member, make_workshop, send
from tests.profiles_data import AS_OF, customer_csv
from tests.static.node import node_runner
from workshop.reads.snapshot import snapshot
from workshop.reads.sync import sync
from workshop.services import exports, picture_upload

REPLAY = """
import { applyEvent } from %s;
const events = input;
const state = { workshop: null, personas: [], participants: [], assumptions: [], groups: [],
  comments: [], notes: [], evidence: [], documents: [], versions: [], usages: [],
  questions: [], done: [],
  datasets: [], segments: [], ties: [], claims: [], seq: 0 };
const results = events.map((event) => applyEvent(state, event));
console.log(JSON.stringify({ state, results }));
"""


def tiny_png() -> str:
    """A small PNG, base64, as the browser uploads it."""
    from PIL import Image
    out = io.BytesIO()
    Image.new("RGB", (24, 24), (247, 201, 72)).save(out, "PNG")
    return base64.b64encode(out.getvalue()).decode()


@pytest.fixture
def replay():
    return node_runner("state.js", REPLAY)


def test_the_browser_reducer_replays_the_log_into_the_snapshot(replay, sqlite_url, worker_pool):
    from tests.fakes import CollectingPublisher
    from workshop.db import Database
    from workshop.services.backend import Backend, PresenceRegistry
    from workshop.services.rate_limit import OpRateLimiter

    backend = Backend(Database(sqlite_url), CollectingPublisher(), PresenceRegistry(),
                      OpRateLimiter("10000/second"), offload=worker_pool)
    created = make_workshop(backend)
    facilitator = make_member(backend, created.facilitator_token, "Maria", "")
    sam = make_member(backend, created.invite_token, "Sam", "Support")
    make_member(backend, created.invite_token, "Lea", "Legal")
    note = add_note(backend, created.id, sam, "Wants calm")["event"]["data"]["assumption"]
    add_note(backend, created.id, sam, "Reads at night", category="behaviours")
    send(backend, created.id, sam["id"], "assumption.edit", {"id": note["id"], "text": "Calm"})
    persona = send(backend, created.id, facilitator["id"], "persona.add", {"name": "Ruben"})
    send(backend, created.id, facilitator["id"], "persona.rename",
         {"id": persona["event"]["data"]["persona"]["id"], "name": "Ruben R."})
    send(backend, created.id, facilitator["id"], "assumption.delete", {"id": note["id"]})
    notes = [add_note(backend, created.id, sam, text)["event"]["data"]["assumption"]["id"]
             for text in ("Cheap", "Inexpensive", "Thrifty")]
    send(backend, created.id, sam["id"], "vote.cast",
         {"assumption_id": notes[0], "stance": "agree", "dots": 1})
    grouped = send(backend, created.id, facilitator["id"], "group.add",
                   {"assumption_id": notes[1], "onto_id": notes[0]})
    group_id = grouped["event"]["data"]["groups"][0]["id"]
    send(backend, created.id, facilitator["id"], "group.add",
         {"assumption_id": notes[2], "onto_id": notes[0]})
    send(backend, created.id, facilitator["id"], "group.rename", {"id": group_id, "title": "$"})
    send(backend, created.id, sam["id"], "vote.cast",
         {"assumption_id": notes[1], "stance": "disagree"})
    send(backend, created.id, sam["id"], "comment.add",
         {"target_type": "group", "target_id": group_id, "text": "Same"})
    send(backend, created.id, facilitator["id"], "decision.set",
         {"target_type": "group", "target_id": group_id, "decision": "accepted"})
    send(backend, created.id, facilitator["id"], "group.remove", {"assumption_id": notes[2]})
    send(backend, created.id, facilitator["id"], "settings.update", {"dot_budget": 3})
    send(backend, created.id, sam["id"], "done.set", {"done": True})
    send(backend, created.id, facilitator["id"], "phase.set", {"phase": "reconcile"})
    send(backend, created.id, facilitator["id"], "done.set", {"done": True})
    extra = [add_note(backend, created.id, sam, text)["event"]["data"]["assumption"]["id"]
             for text in ("Frugal", "Saves", "Pinches pennies")]
    send(backend, created.id, facilitator["id"], "group.add",
         {"assumption_id": extra[0], "onto_id": extra[1]})
    pair = send(backend, created.id, facilitator["id"], "group.add",
                {"assumption_id": extra[2], "onto_id": notes[2]})
    send(backend, created.id, facilitator["id"], "group.merge", {
        "id": pair["event"]["data"]["groups"][0]["id"],
        "onto_id": snapshot(backend, created.id, sam)["groups"][-2]["id"]})
    # The research library and the persona document, with a new draft after agreement.
    research = send(backend, created.id, sam["id"], "research_note.add", {
        "title": "Interview", "source_type": "interview", "body": "Likes it *cheap*"})
    research_id = research["event"]["data"]["note"]["id"]
    send(backend, created.id, sam["id"], "evidence.link", {
        "note_id": research_id, "group_id": group_id, "relation": "supports",
        "quote": "likes it cheap"})
    send(backend, created.id, sam["id"], "research_note.edit",
         {"id": research_id, "tags": ["price"]})
    default_persona = snapshot(backend, created.id, sam)["personas"][0]["id"]
    # Profiles: hidden from Sam first (beliefs first), then revealed, refreshed, deleted.
    wid, maria = created.id, facilitator["id"]
    send(backend, wid, maria, "settings.update", {"data_hidden": True})
    crm = {"name": "CRM", "as_of": AS_OF.isoformat(),
           "content_base64": base64.b64encode(customer_csv(400)).decode()}
    dataset = send(backend, wid, maria, "dataset.import", crm)["event"]["data"]["dataset"]["id"]
    send(backend, wid, maria, "dataset.map", {"id": dataset, "roles": {"gender": "attribute"}})
    students, retirees = (send(backend, wid, maria, "segment.define", {
        "dataset_id": dataset, "name": name,
        "rule": {"column": "segment", "test": "equals", "value": name}})
        ["event"]["data"]["segment"]["id"] for name in ("Students", "Retirees"))
    send(backend, wid, maria, "segment.change",
         {"id": retirees, "rule": {"column": "age", "test": "between", "value": [60, None]}})
    send(backend, wid, maria, "dataset.weight", {"id": dataset, "column": "revenue"})
    send(backend, wid, maria, "persona.tie",
         {"persona_id": default_persona, "segment_id": students})
    send(backend, wid, maria, "claim.set", {"persona_id": default_persona, "group_id": group_id,
                                            "column": "age", "text": "under 30"})
    field = send(backend, wid, maria, "claim.set", {
        "persona_id": default_persona, "field": "identity.age_range", "column": "age",
        "text": "35–45"})["event"]["data"]["claim"]["id"]
    send(backend, wid, maria, "claims.recheck", {})
    send(backend, wid, maria, "reveal", {"what": "data"})
    newer = send(backend, wid, maria, "dataset.import", {
        **crm, "replaces": dataset,
        "content_base64": base64.b64encode(customer_csv(400, seed=28)).decode()})
    send(backend, wid, maria, "claim.clear", {"id": field})
    send(backend, wid, maria, "segment.remove", {"id": retirees})
    send(backend, wid, maria, "dataset.delete", {"id": newer["event"]["data"]["dataset"]["id"]})
    send(backend, created.id, facilitator["id"], "phase.set", {"phase": "merge"})
    send(backend, created.id, facilitator["id"], "document.create",
         {"persona_id": default_persona})
    item = f"items.g:{group_id}"
    send(backend, created.id, sam["id"], "document.save", {
        "persona_id": default_persona, "path": item, "value": "Careful with money",
        "base_rev": 0})
    send(backend, created.id, sam["id"], "document.sign",
         {"persona_id": default_persona, "number": 1})
    send(backend, created.id, facilitator["id"], "document.agree",
         {"persona_id": default_persona, "number": 1})
    send(backend, created.id, sam["id"], "document.save", {
        "persona_id": default_persona, "path": "identity.name", "value": "Anouk",
        "base_rev": 0, "reopen": True})
    send(backend, created.id, sam["id"], "document.save", {
        "persona_id": default_persona, "path": "identity.quote", "value": "Keep it simple",
        "base_rev": 0})
    # Version 2: a sign-off that the next save clears, an uploaded picture, then the avatar.
    send(backend, created.id, sam["id"], "document.sign",
         {"persona_id": default_persona, "number": 2})
    send(backend, created.id, sam["id"], "document.save", {
        "persona_id": default_persona, "path": "identity.role", "value": "Nurse",
        "base_rev": 0})
    picture_upload.upload(backend, created.id, sam["id"], default_persona, {
        "content_base64": tiny_png(), "base_rev": 0, "op_id": "picture-1"})
    send(backend, created.id, sam["id"], "document.picture",
         {"persona_id": default_persona, "picture": None, "base_rev": 1})
    # Version 2 agreed (the Agreed phase), then the persona exported as JSON and imported
    # again: a second persona with its own draft, which takes the workshop back to merge.
    send(backend, created.id, facilitator["id"], "document.agree",
         {"persona_id": default_persona, "number": 2})
    # After the workshop: a usage and research questions on the agreed version 2 (one
    # answered by a link), then a review that opens version 3.
    trait = f"g:{group_id}"
    usage = send(backend, created.id, sam["id"], "usage.add", {
        "persona_id": default_persona, "title": "Roadmap", "date": "2026-11-30",
        "traits": [trait]})["event"]["data"]["usage"]["id"]
    send(backend, created.id, sam["id"], "usage.edit", {
        "id": usage, "title": "Roadmap 2027", "date": "2026-11-30", "traits": [trait]})
    send(backend, created.id, facilitator["id"], "usage.remove", {"id": usage})
    send(backend, created.id, sam["id"], "usage.add", {
        "persona_id": default_persona, "title": "Campaign", "date": "2026-12-01",
        "traits": [trait]})
    send(backend, created.id, facilitator["id"], "evidence.unlink", {"id": snapshot(
        backend, created.id, sam)["evidence"][0]["id"]})
    question = {"persona_id": default_persona, "trait": trait, "question": "Cheap?",
                "owner": "Sam", "method": "Survey", "due": "2027-01-31"}
    asked = send(backend, created.id, sam["id"], "question.add", question)
    asked = asked["event"]["data"]["question"]["id"]
    send(backend, created.id, sam["id"], "question.edit", {
        "id": asked, "question": "Cheap!", "owner": "Sam", "method": "Survey",
        "due": "2027-01-31"})
    linked = send(backend, created.id, sam["id"], "evidence.link", {
        "note_id": research_id, "group_id": group_id, "relation": "supports",
        "quote": "likes it cheap"})
    assert linked["event"]["data"]["closed_questions"] == [asked]
    assert send(backend, created.id, facilitator["id"], "review.start",
                {"persona_id": default_persona})["ok"]
    send(backend, created.id, facilitator["id"], "document.agree",
         {"persona_id": default_persona, "number": 3})
    exported = exports.export_persona(backend, created.id, facilitator, default_persona, "json")
    send(backend, created.id, facilitator["id"], "persona.import",
         {"export": json.loads(exported.content)})
    # A persona deleted with a note, a vote and a thread on it.
    brief = send(backend, created.id, facilitator["id"], "persona.add",
                 {"name": "Brief"})["event"]["data"]["persona"]["id"]
    doomed = add_note(backend, created.id, sam, "Gone soon",
                      persona_id=brief)["event"]["data"]["assumption"]["id"]
    send(backend, created.id, sam["id"], "vote.cast", {"assumption_id": doomed, "stance": "agree"})
    send(backend, created.id, sam["id"], "comment.add",
         {"target_type": "assumption", "target_id": doomed, "text": "Sure?"})
    assert send(backend, created.id, facilitator["id"], "persona.delete",
                {"id": brief, "confirm": True})["ok"]
    log = sync(backend, created.id, sam, 0)["events"]
    assert any(e["type"] == "document.saved" and "started" in e["data"] for e in log)
    assert any(e["type"] == "document.saved" and e["data"]["signoffs_cleared"] for e in log)
    assert {"persona.imported", "document.signed", "document.agreed", "persona.deleted",
            "dataset.imported", "dataset.mapped", "dataset.weighted", "dataset.deleted",
            "segment.defined", "segment.changed", "segment.removed", "persona.tied", "claim.set",
            "claim.cleared", "claims.rechecked", "data.revealed"} <= {e["type"] for e in log}
    pictures_saved = [e["data"]["value"] for e in log if e["type"] == "document.saved"
                      and e["data"]["path"] == "identity.picture"]
    assert pictures_saved[0]["data"] and pictures_saved[1] is None  # re-encoded, then avatar
    gap_and_repeat = [log[0], {**log[3], "seq": log[-1]["seq"] + 5}]

    output = replay(log + gap_and_repeat)
    assert output["state"] == comparable(snapshot(backend, created.id, sam))
    assert output["results"][-2:] == ["old", "gap"]
    backend.db.dispose()
