"""The event log is the source of truth: replaying it from seq 0 rebuilds the snapshot."""

import random

from tests.helpers import add_note, comparable, make_member, make_workshop, send
from tests.reference_reducer import replay
from workshop.services import workshops


def full_log(backend, workshop_id, viewer):
    answer = workshops.sync(backend, workshop_id, viewer, 0)
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

    replayed = replay(full_log(backend, created.id, sam))
    assert replayed == comparable(workshops.snapshot(backend, created.id, sam))
    assert replayed["workshop"]["teams"] == ["Marketing", "Support", "Legal"]


def test_after_every_op_the_old_state_plus_new_events_equals_the_fresh_state(backend):
    """The Zulip check, on a seeded random session."""
    rng = random.Random(20261123)
    created = make_workshop(backend)
    facilitator = make_member(backend, created.facilitator_token, "Maria", "")
    people = [make_member(backend, created.invite_token, name, team)
              for name, team in [("Sam", "Support"), ("Lotte", "Marketing"), ("Jo", "Sales")]]
    state = comparable(workshops.snapshot(backend, created.id, facilitator))
    for step in range(120):
        snap = workshops.snapshot(backend, created.id, facilitator)
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
            send(backend, created.id, actor["id"], "note.add", {
                "title": f"Research {step}", "source_type": "survey",
                "body": f"Finding {step}: people *like* short forms", "tags": ["forms"]})
        elif snap["notes"] and choice < 0.69:
            note = rng.choice(snap["notes"])
            send(backend, created.id, facilitator["id"], "note.edit",
                 {"id": note["id"], "body": f"Finding {step}: short forms win"})
        elif snap["notes"] and choice < 0.7:
            send(backend, created.id, facilitator["id"], "note.delete",
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
        new = workshops.sync(backend, created.id, facilitator, state["seq"])["events"]
        state = replay(new, state)
        assert state == comparable(workshops.snapshot(backend, created.id, facilitator))
