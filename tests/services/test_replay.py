"""The event log is the source of truth: replaying it from seq 0 rebuilds the snapshot."""

import base64
import json
import random
from datetime import date, timedelta

import pytest
from pydantic import ValidationError

from tests.helpers import add_note, add_research, comparable, make_member, make_workshop, send
from tests.profiles_data import AS_OF, customer_csv
from tests.reference_reducer import replay
from workshop.domain.events import EVENTS, validate
from workshop.reads.snapshot import snapshot
from workshop.reads.sync import sync
from workshop.services import exports, reviews


def full_log(backend, workshop_id, viewer):
    answer = sync(backend, workshop_id, viewer, 0)
    return answer["events"]


def test_replaying_the_whole_log_equals_a_fresh_snapshot(backend):
    created = make_workshop(backend)
    facilitator = make_member(backend, created.facilitator_token, "Maria", "")
    sam = make_member(backend, created.invite_token, "Sam", "Support")
    legal = make_member(backend, created.invite_token, "Lea", "Legal")  # a new team
    first = add_note(backend, created.id, sam, "Wants to save money")
    add_note(backend, created.id, legal, "Reads the small print", category="behaviours")
    send(backend, created.id, sam["id"], "assumption.edit",
         {"id": first["event"]["data"]["assumption"]["id"], "text": "Wants to save time"})
    persona = send(backend, created.id, facilitator["id"], "persona.add", {"name": "Ruben"})
    add_note(backend, created.id, sam, "Rents a room", category="identity",
             persona_id=persona["event"]["data"]["persona"]["id"])
    send(backend, created.id, facilitator["id"], "assumption.delete",
         {"id": first["event"]["data"]["assumption"]["id"]})

    log = full_log(backend, created.id, sam)
    check_against_models(log)
    replayed = replay(log)
    assert replayed == comparable(snapshot(backend, created.id, sam))
    assert replayed["workshop"]["teams"] == ["Marketing", "Support", "Legal"]


def test_after_every_op_the_old_state_plus_new_events_equals_the_fresh_state(backend):
    """The Zulip check, on a seeded random session."""
    rng = random.Random(20261123)
    created = make_workshop(backend)
    facilitator = make_member(backend, created.facilitator_token, "Maria", "")
    people = [make_member(backend, created.invite_token, name, team)
              for name, team in [("Sam", "Support"), ("Lotte", "Marketing"), ("Jo", "Sales")]]
    state = comparable(snapshot(backend, created.id, facilitator))
    for step in range(120):
        snap = snapshot(backend, created.id, facilitator)
        notes = snap["assumptions"]
        actor = rng.choice(people)
        choice = rng.random()
        groups = snap["groups"]
        if notes and choice < 0.15:
            note = rng.choice(notes)
            send(backend, created.id, note["author_id"], "assumption.edit",
                 {"id": note["id"], "text": f"edited {step}"})
        elif notes and choice < 0.22:
            send(backend, created.id, facilitator["id"], "assumption.delete",
                 {"id": rng.choice(notes)["id"]})
        elif len(notes) > 1 and choice < 0.32:
            a, b = rng.sample(notes, 2)
            send(backend, created.id, facilitator["id"], "group.add",
                 {"assumption_id": a["id"], "onto_id": b["id"]})
        elif notes and choice < 0.37:
            send(backend, created.id, facilitator["id"], "group.remove",
                 {"assumption_id": rng.choice(notes)["id"]})
        elif notes and choice < 0.5:
            send(backend, created.id, actor["id"], "vote.cast",
                 {"assumption_id": rng.choice(notes)["id"],
                  "stance": rng.choice(["agree", "disagree", "unsure", None]),
                  "dots": rng.randint(0, 2)})
        elif (notes or groups) and choice < 0.55:
            kind, items = rng.choice([("assumption", notes), ("group", groups)])
            if items:
                send(backend, created.id, facilitator["id"], "decision.set", {
                    "target_type": kind, "target_id": rng.choice(items)["id"],
                    "decision": rng.choice(["accepted", "rejected", "parked", None])})
        elif notes and choice < 0.6:
            send(backend, created.id, actor["id"], "comment.add", {
                "target_type": "assumption", "target_id": rng.choice(notes)["id"],
                "text": f"comment {step}"})
        elif choice < 0.63:
            send(backend, created.id, facilitator["id"], "persona.add", {"name": f"P{step}"})
        elif choice < 0.67:
            send(backend, created.id, actor["id"], "research_note.add", {
                "title": f"Research {step}", "source_type": "survey",
                "body": f"Finding {step}: people *like* short forms", "tags": ["forms"]})
        elif snap["notes"] and choice < 0.69:
            note = rng.choice(snap["notes"])
            send(backend, created.id, facilitator["id"], "research_note.edit",
                 {"id": note["id"], "body": f"Finding {step}: short forms win"})
        elif snap["notes"] and choice < 0.7:
            send(backend, created.id, facilitator["id"], "research_note.delete",
                 {"id": rng.choice(snap["notes"])["id"]})
        elif snap["notes"] and (notes or groups) and choice < 0.76:
            kind, items = rng.choice([("assumption_id", notes), ("group_id", groups)])
            if items:
                send(backend, created.id, actor["id"], "evidence.link", {
                    "note_id": rng.choice(snap["notes"])["id"], kind: rng.choice(items)["id"],
                    "relation": rng.choice(["supports", "contradicts"]),
                    "quote": "short forms"})
        elif snap["evidence"] and choice < 0.78:
            send(backend, created.id, facilitator["id"], "evidence.unlink",
                 {"id": rng.choice(snap["evidence"])["id"]})
        else:
            persona = rng.choice(snap["personas"])["id"]
            add_note(backend, created.id, actor, f"note {step}", persona_id=persona,
                     category=rng.choice(["goals", "needs", "fears"]))
        new = sync(backend, created.id, facilitator, state["seq"])["events"]
        check_against_models(new)
        state = replay(new, state)
        assert state == comparable(snapshot(backend, created.id, facilitator))


def check_against_models(events: list[dict]) -> set[str]:
    """Check each event, strictly, against the model of its type; answer the types seen."""
    for event in events:
        validate(event)  # fails for a type without a model, and for any field not modelled
    return {event["type"] for event in events}


def test_every_event_type_in_every_form_matches_its_model_and_replays(backend):
    """Every event type, as each role receives it (own, public, anonymous and hidden forms),
    is checked against its model (workshop/domain/events.py), and each role's log replays
    into its snapshot."""
    created = make_workshop(backend)
    wid = created.id
    maria = make_member(backend, created.facilitator_token, "Maria", "")
    sam = make_member(backend, created.invite_token, "Sam", "Support")
    lotte = make_member(backend, created.invite_token, "Lotte", "Marketing")
    olga = make_member(backend, created.observer_token, "Olga", "")
    jo = make_member(backend, created.invite_token, "Jo", "Sales")

    def ok(who, type_, data):
        ack = send(backend, wid, who["id"], type_, data)
        assert ack["ok"], (type_, ack)
        return ack["event"]["data"]

    ok(maria, "settings.update", {"private_collect": True, "blind_voting": True,
                                  "anonymous": True})
    # Private notes: everything about them is `hidden` to everyone but their author.
    private = add_note(backend, wid, sam, "Rides to work")["event"]["data"]["assumption"]["id"]
    ok(sam, "assumption.edit", {"id": private, "text": "Rides to work every day"})
    comment = ok(sam, "comment.add", {"target_type": "assumption", "target_id": private,
                                      "text": "I heard this twice"})["comment"]["id"]
    ok(sam, "comment.delete", {"id": comment})
    ok(sam, "vote.cast", {"assumption_id": private, "stance": "agree", "dots": 1})
    gone = add_note(backend, wid, sam, "A typo")["event"]["data"]["assumption"]["id"]
    ok(sam, "assumption.delete", {"id": gone})
    other = add_note(backend, wid, lotte, "Saves money")["event"]["data"]["assumption"]["id"]
    ok(maria, "reveal", {"what": "notes"})
    # Anonymous public forms, and blind votes.
    ok(maria, "settings.update", {"private_collect": False})
    third = add_note(backend, wid, lotte, "Fears theft")["event"]["data"]["assumption"]["id"]
    ok(lotte, "assumption.edit", {"id": third, "text": "Fears bike theft"})
    ok(sam, "comment.add", {"target_type": "assumption", "target_id": third, "text": "Yes"})
    ok(lotte, "vote.cast", {"assumption_id": other, "stance": "disagree"})
    ok(maria, "reveal", {"what": "votes"})
    fourth = add_note(backend, wid, lotte, "Rides a bike")["event"]["data"]["assumption"]["id"]
    gone_too = add_note(backend, wid, sam, "Bikes to work")["event"]["data"]["assumption"]["id"]
    # Reconciliation, with measures now that votes show.
    ok(maria, "group.add", {"assumption_id": other, "onto_id": private})
    ok(lotte, "vote.cast", {"assumption_id": private, "stance": "unsure", "dots": 2})
    group = snapshot(backend, wid, maria)["groups"][0]["id"]
    ok(maria, "group.rename", {"id": group, "title": "Rides to work"})
    ok(maria, "group.add", {"assumption_id": gone_too, "onto_id": fourth})
    pair = snapshot(backend, wid, maria)["groups"][-1]["id"]
    ok(maria, "group.merge", {"id": pair, "onto_id": group})
    ok(sam, "done.set", {"done": True})
    ok(lotte, "done.set", {"done": True})
    ok(lotte, "done.set", {"done": False})
    ok(maria, "decision.set", {"target_type": "group", "target_id": group,
                               "decision": "parked", "reason": "later"})
    ok(maria, "decision.set", {"target_type": "group", "target_id": group, "decision": None})
    ok(maria, "group.remove", {"assumption_id": other})
    ok(maria, "decision.set", {"target_type": "assumption", "target_id": third,
                               "decision": "accepted"})
    ok(maria, "timer.start", {"seconds": 60})
    ok(maria, "timer.extend", {"seconds": 60})
    ok(maria, "timer.stop", {})
    # The research library.
    note = add_research(backend, wid, sam, date="2026-11-01")
    ok(lotte, "research_notes.import", {"notes": [{"title": "Survey", "source_type": "survey",
                                                   "body": "Most people **ride** to work."}]})
    ok(sam, "research_note.edit", {"id": note["id"], "title": "Anna", "clear": ["date"]})
    link = ok(sam, "evidence.link", {"note_id": note["id"], "assumption_id": third,
                                     "relation": "supports", "quote": "far too long"})["link"]
    ok(sam, "evidence.unlink", {"id": link["id"]})
    ok(sam, "research_note.delete", {"id": note["id"]})
    # Profiles, beliefs first: others get the data events without figures until the reveal.
    ok(maria, "settings.update", {"data_hidden": True})
    crm = {"name": "CRM", "as_of": AS_OF.isoformat(),
           "content_base64": base64.b64encode(customer_csv(400)).decode()}
    dataset = ok(maria, "dataset.import", crm)["dataset"]["id"]
    ok(maria, "dataset.map", {"id": dataset, "roles": {"gender": "attribute"}})
    students, retirees = (ok(maria, "segment.define", {
        "dataset_id": dataset, "name": name,
        "rule": {"column": "segment", "test": "equals", "value": name}})["segment"]["id"]
        for name in ("Students", "Retirees"))
    ok(maria, "segment.change", {"id": retirees, "name": "Over 60",
                                 "rule": {"column": "age", "test": "between",
                                          "value": [60, None]}})
    ok(maria, "dataset.weight", {"id": dataset, "column": "revenue"})
    tied = snapshot(backend, wid, maria)["personas"][0]["id"]
    ok(maria, "persona.tie", {"persona_id": tied, "segment_id": students})
    ok(maria, "claim.set", {"persona_id": tied, "assumption_id": third, "column": "age",
                            "text": "under 30"})
    field = ok(maria, "claim.set", {"persona_id": tied, "field": "identity.location",
                                    "column": "city", "kind": "most_common",
                                    "text": "Amsterdam"})["claim"]["id"]
    ok(maria, "claims.recheck", {})
    ok(maria, "reveal", {"what": "data"})
    newer = ok(maria, "dataset.import", {
        **crm, "as_of": "2026-11-01", "replaces": dataset,
        "content_base64": base64.b64encode(customer_csv(400, seed=28)).decode()})
    ok(maria, "claim.clear", {"id": field})
    ok(maria, "segment.remove", {"id": retirees})
    ok(maria, "dataset.delete", {"id": newer["dataset"]["id"]})
    # Membership.
    ok(maria, "invite.rotate", {"role": "observer"})
    ok(maria, "participant.remove", {"id": jo["id"], "rotate_link": True})
    # The persona document, from creation to a reopened draft, and an import.
    persona = snapshot(backend, wid, maria)["personas"][0]["id"]
    ok(maria, "persona.rename", {"id": persona, "name": "Anouk"})
    ok(maria, "phase.set", {"phase": "merge"})
    ok(maria, "document.create", {"persona_id": persona})
    ok(sam, "document.save", {"persona_id": persona, "path": "identity.quote",
                              "value": "Let me ride", "base_rev": 0})
    ok(sam, "document.sign", {"persona_id": persona, "number": 1})
    ok(maria, "document.agree", {"persona_id": persona, "number": 1})
    ok(lotte, "document.picture", {"persona_id": persona, "picture": None, "base_rev": 0,
                                   "reopen": True})
    export = json.loads(exports.export_persona(backend, wid, maria, persona, "json").content)
    ok(maria, "persona.import", {"export": export})
    # After the workshop: agreed again, used, questioned, reviewed and due.
    ok(maria, "document.agree", {"persona_id": persona, "number": 2})
    trait = snapshot(backend, wid, maria)["documents"][0]["document"]["sections"][0][
        "items"][0]["id"]
    usage = ok(sam, "usage.add", {"persona_id": persona, "title": "Roadmap",
                                  "date": "2026-11-30", "traits": [trait]})["usage"]["id"]
    ok(sam, "usage.edit", {"id": usage, "title": "Roadmap 2027", "date": "2026-11-30",
                           "traits": [trait]})
    gone = ok(lotte, "usage.add", {"persona_id": persona, "title": "Oops",
                                   "date": "2026-11-30"})["usage"]["id"]
    ok(lotte, "usage.remove", {"id": gone})
    question = {"persona_id": persona, "trait": trait, "question": "Really?",
                "owner": "Sam", "method": "Interviews", "due": "2027-01-31"}
    asked = ok(sam, "question.add", question)["question"]["id"]
    ok(sam, "question.edit", {"id": asked, "question": "Truly?", "owner": "Sam",
                              "method": "Survey", "due": "2027-01-31"})
    ok(maria, "question.remove", {"id": asked})
    ok(sam, "question.add", question)
    answer = add_research(backend, wid, sam, title="Ride survey", body="They ride, daily.")
    assert ok(sam, "evidence.link", {"note_id": answer["id"], "assumption_id": third,
                                     "relation": "supports", "quote": "They ride"})[
        "closed_questions"]
    ok(maria, "review.start", {"persona_id": persona})
    ok(maria, "document.agree", {"persona_id": persona, "number": 3})
    assert reviews.due(backend, date.today() + timedelta(days=400))
    # Reach: share links, API tokens, the webhook and the library listing.
    shared = ok(maria, "share.create", {"persona_id": persona})["id"]
    ok(maria, "share.rotate", {"id": shared})
    ok(maria, "share.revoke", {"id": shared})
    token = ok(maria, "api_token.create", {"label": "Wiki"})["id"]
    ok(maria, "api_token.revoke", {"id": token})
    ok(maria, "webhook.set", {"url": "https://hooks.example.org/personas"})
    ok(maria, "webhook.remove", {})
    ok(maria, "library.list", {"listed": True})
    # A persona deleted with a note on it (the note was private until revealed above).
    brief = ok(maria, "persona.add", {"name": "Brief"})["persona"]["id"]
    add_note(backend, wid, sam, "Gone soon", persona_id=brief)
    ok(maria, "persona.delete", {"id": brief, "confirm": True})

    seen = set()
    for viewer in (maria, sam, lotte, olga):
        log = full_log(backend, wid, viewer)
        seen |= check_against_models(log)
        assert replay(log) == comparable(snapshot(backend, wid, viewer))
    published = [event for _, event in backend.publisher.events + backend.publisher.direct]
    seen |= check_against_models(published)
    assert seen == set(EVENTS), "every event type was emitted and checked"


def test_an_event_without_a_model_or_with_a_field_not_modelled_is_refused():
    event = {"seq": 3, "type": "persona.renamed", "actor": "a1", "at": "2026-11-23T10:41:35.177Z",
             "op_id": "o6", "data": {"id": "p1", "name": "Anouk", "previous": "Primary"}}
    validate(event)
    with pytest.raises(ValidationError, match="does not match any of the expected tags"):
        validate({**event, "type": "persona.recoloured"})
    with pytest.raises(ValidationError, match="Extra inputs are not permitted"):
        validate({**event, "data": {**event["data"], "colour": "red"}})
    with pytest.raises(ValidationError, match="Field required"):
        validate({**event, "data": {"id": "p1", "name": "Anouk"}})
