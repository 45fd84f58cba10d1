"""Applying ops through the one write path: acks, validation, authorisation, dedup."""

from contextlib import nullcontext

import pytest
from sqlalchemy import select

from tests.helpers import (
    add_note,
    comparable,
    first_persona,
    make_member,
    make_room,
    make_workshop,
    send,
)
from workshop.models import Event, Participant
from workshop.reads.snapshot import snapshot


@pytest.fixture
def room(backend):
    """A workshop with a facilitator, two participants of different teams and an observer."""
    return make_room(backend, "sam", "lotte", facilitator="maria", observer="olga")


def state_of(backend, room):
    return comparable(snapshot(backend, room["id"], room["facilitator"]))


def test_adding_a_note_acks_with_the_next_seq_and_the_event(backend, room):
    before = snapshot(backend, room["id"], room["sam"])["seq"]
    ack = add_note(backend, room["id"], room["sam"], "Prefers WhatsApp")
    assert ack["seq"] == before + 1
    assert ack["event"]["type"] == "assumption.added"
    assert ack["event"]["actor"] == room["sam"]["id"]
    assert ack["event"]["data"]["assumption"]["text"] == "Prefers WhatsApp"


def test_every_committed_op_is_published_once_in_seq_order(backend, room):
    backend.publisher.events.clear()
    acks = [add_note(backend, room["id"], room["sam"], f"note {i}") for i in range(3)]
    published = [event for _, event in backend.publisher.events]
    assert [e["seq"] for e in published] == [a["seq"] for a in acks]


def test_events_are_published_only_after_commit(backend, room):
    seen_in_database = []

    class CheckingPublisher:
        def publish_event(self, workshop_id, event, participant_id=None, origin=None):
            with backend.db.reading() as session:  # a separate session sees only committed rows
                seen_in_database.append(session.scalar(
                    select(Event.seq).where(Event.workshop_id == workshop_id,
                                            Event.seq == event["seq"])))

        def send_presence(self, workshop_id, sid, present):
            pass

        def publish_presence_change(self, workshop_id, participant_id, present):
            pass

        def applying(self, workshop_id):
            return nullcontext()

    backend.publisher = CheckingPublisher()
    ack = add_note(backend, room["id"], room["sam"])
    assert seen_in_database == [ack["seq"]]


def test_text_is_trimmed_and_edits_keep_the_previous_text_in_the_log(backend, room):
    note = add_note(backend, room["id"], room["sam"], "  Reads reviews  ")["event"]["data"]
    assert note["assumption"]["text"] == "Reads reviews"
    ack = send(backend, room["id"], room["sam"]["id"], "assumption.edit",
               {"id": note["assumption"]["id"], "text": "Reads reviews at night"})
    assert ack["ok"]
    assert ack["event"]["data"] == {"id": note["assumption"]["id"],
                                    "text": "Reads reviews at night", "previous": "Reads reviews"}


def test_authors_delete_their_own_notes(backend, room):
    note_id = add_note(backend, room["id"], room["sam"])["event"]["data"]["assumption"]["id"]
    ack = send(backend, room["id"], room["sam"]["id"], "assumption.delete", {"id": note_id})
    assert ack["ok"] and ack["event"]["type"] == "assumption.deleted"
    assert state_of(backend, room)["assumptions"] == []


@pytest.mark.parametrize("op_type, data", [
    ("assumption.edit", {"text": "Changed by someone else"}),
    ("assumption.delete", {}),
])
def test_a_participant_may_not_change_someone_elses_note(backend, room, op_type, data):
    note_id = add_note(backend, room["id"], room["sam"])["event"]["data"]["assumption"]["id"]
    before = state_of(backend, room)
    ack = send(backend, room["id"], room["lotte"]["id"], op_type, {"id": note_id, **data})
    assert ack == {"ok": False, "error": {
        "code": "forbidden", "message": "only its author or the facilitator may change this note",
        "reason": "not_yours"}}
    assert state_of(backend, room) == before


def test_the_facilitator_may_edit_and_remove_any_note(backend, room):
    note_id = add_note(backend, room["id"], room["sam"])["event"]["data"]["assumption"]["id"]
    facilitator = room["facilitator"]["id"]
    assert send(backend, room["id"], facilitator, "assumption.edit",
                {"id": note_id, "text": "Tidied"})["ok"]
    assert send(backend, room["id"], facilitator, "assumption.delete", {"id": note_id})["ok"]


def _edit(backend, room, who, note_id, text="Serious, formal, no emojis"):
    return send(backend, room["id"], room[who]["id"], "assumption.edit",
                {"id": note_id, "text": text})


def test_a_note_people_voted_on_keeps_its_text(backend, room):
    note_id = add_note(backend, room["id"], room["sam"], "Playful, energetic")["event"][
        "data"]["assumption"]["id"]
    assert send(backend, room["id"], room["lotte"]["id"], "vote.cast",
                {"assumption_id": note_id, "stance": "agree"})["ok"]
    before = state_of(backend, room)
    for who in ("sam", "facilitator"):  # the author, and the facilitator too
        ack = _edit(backend, room, who, note_id)
        assert ack["error"]["code"] == "conflict"
        assert ack["error"]["reason"] == "text_voted_on"
        assert "the facilitator rewords it instead" in ack["error"]["message"]
    assert state_of(backend, room) == before
    # A retracted vote is no vote: the text may change again.
    send(backend, room["id"], room["lotte"]["id"], "vote.cast",
         {"assumption_id": note_id, "stance": None, "dots": 0})
    assert _edit(backend, room, "sam", note_id)["ok"]


def test_a_decided_note_keeps_its_text_and_rewording_keeps_the_original(backend, room):
    note_id = add_note(backend, room["id"], room["sam"], "Playful, energetic")["event"][
        "data"]["assumption"]["id"]
    maria = room["facilitator"]["id"]
    assert send(backend, room["id"], maria, "decision.set", {
        "target_type": "assumption", "target_id": note_id, "decision": "accepted",
        "reason": "Brand guideline"})["ok"]
    ack = _edit(backend, room, "sam", note_id)
    assert (ack["error"]["code"], ack["error"]["reason"]) == ("conflict", "text_decided")
    # What to do instead: the facilitator rewords it; the note keeps the text decided on.
    assert send(backend, room["id"], maria, "decision.set", {
        "target_type": "assumption", "target_id": note_id, "decision": "reworded",
        "text": "Serious, formal, no emojis", "reason": "Brand guideline"})["ok"]
    note = state_of(backend, room)["assumptions"][0]
    assert note["text"] == "Playful, energetic"
    assert note["decision"]["text"] == "Serious, formal, no emojis"


def test_a_note_in_a_decided_group_keeps_its_text(backend, room):
    first, second = (add_note(backend, room["id"], room["sam"], text)["event"]["data"][
        "assumption"]["id"] for text in ("Pays by phone", "Pays with the app"))
    maria = room["facilitator"]["id"]
    group = send(backend, room["id"], maria, "group.add",
                 {"assumption_id": first, "onto_id": second})["event"]["data"]["groups"][0]
    assert _edit(backend, room, "sam", first, "Pays by phone, always")["ok"]  # undecided
    send(backend, room["id"], maria, "decision.set", {
        "target_type": "group", "target_id": group["id"], "decision": "accepted"})
    assert _edit(backend, room, "sam", first)["error"]["reason"] == "text_decided"


@pytest.mark.parametrize("op_type", ["assumption.add", "persona.add"])
def test_observers_can_change_nothing(backend, room, op_type):
    before = state_of(backend, room)
    data = ({"persona_id": first_persona(backend, room["id"], room["sam"]), "category": "goals",
             "text": "x"} if op_type == "assumption.add" else {"name": "Ruben"})
    ack = send(backend, room["id"], room["observer"]["id"], op_type, data)
    assert ack["error"]["code"] == "forbidden"
    assert state_of(backend, room) == before


def test_participants_may_not_add_personas(backend, room):
    ack = send(backend, room["id"], room["sam"]["id"], "persona.add", {"name": "Ruben"})
    assert ack["error"]["code"] == "forbidden"


@pytest.mark.parametrize("raw, code, fragment", [
    (None, "invalid", "JSON object"),
    ({"type": "assumption.add", "data": {}}, "invalid", "op_id"),
    ({"op_id": "1", "type": "assumption.teleport", "data": {}}, "unknown_op", "teleport"),
    ({"op_id": "1", "type": "assumption.add", "data": "text"}, "invalid", "data"),
    ({"op_id": "1", "type": "assumption.add", "data": {}, "extra": 1}, "invalid", "extra"),
    ({"op_id": 7, "type": "assumption.add", "data": {}}, "invalid", "op_id"),
])
def test_malformed_envelopes_get_a_clear_error(backend, room, raw, code, fragment):
    from workshop.ops.apply import apply_op

    ack = apply_op(backend, room["id"], room["sam"]["id"], raw)
    assert ack["ok"] is False
    assert ack["error"]["code"] == code
    assert fragment in ack["error"]["message"]


@pytest.mark.parametrize("data, fragment", [
    ({"category": "goals", "text": ""}, "text"),
    ({"category": "goals", "text": "   "}, "text"),
    ({"category": "goals", "text": "x" * 501}, "text"),
    ({"category": "goals", "text": 42}, "text"),
    ({"category": "astrology", "text": "Is a Leo"}, "category"),
    ({"category": "goals", "text": "ok", "author_id": "someone"}, "author_id"),
])
def test_bad_note_payloads_are_refused_and_change_nothing(backend, room, data, fragment):
    before = state_of(backend, room)
    persona_id = first_persona(backend, room["id"], room["sam"])
    ack = send(backend, room["id"], room["sam"]["id"], "assumption.add",
               {"persona_id": persona_id, **data})
    assert ack["error"]["code"] == "invalid"
    assert fragment in ack["error"]["message"]
    assert state_of(backend, room) == before


def test_ids_from_another_workshop_are_not_found(backend, room):
    other = make_workshop(backend, "Another company")
    stranger = make_member(backend, other.invite_token, "Eve", "Sales")
    foreign_persona = first_persona(backend, other.id, stranger)
    foreign_note = add_note(backend, other.id, stranger)["event"]["data"]["assumption"]["id"]
    before = state_of(backend, room)
    facilitator = room["facilitator"]["id"]
    assert send(backend, room["id"], facilitator, "assumption.add",
                {"persona_id": foreign_persona, "category": "goals",
                 "text": "x"})["error"]["code"] == "not_found"
    assert send(backend, room["id"], facilitator, "assumption.delete",
                {"id": foreign_note})["error"]["code"] == "not_found"
    assert state_of(backend, room) == before


def test_a_member_of_another_workshop_cannot_write_here(backend, room):
    other = make_workshop(backend, "Another company")
    stranger = make_member(backend, other.invite_token, "Eve", "Sales")
    ack = send(backend, room["id"], stranger["id"], "assumption.add",
               {"persona_id": first_persona(backend, room["id"], room["sam"]),
                "category": "goals", "text": "sneaky"})
    assert ack["error"]["code"] == "unauthenticated"


def test_without_a_session_nothing_is_applied(backend, room):
    ack = send(backend, room["id"], None, "assumption.add", {"persona_id": "x",
                                                            "category": "goals", "text": "x"})
    assert ack["error"]["code"] == "unauthenticated"


def test_membership_is_checked_in_the_database_on_every_op(backend, room):
    add_note(backend, room["id"], room["sam"])
    with backend.db.writing() as session:
        session.get(Participant, room["sam"]["id"]).removed = True
        session.commit()
    ack = send(backend, room["id"], room["sam"]["id"], "assumption.add",
               {"persona_id": first_persona(backend, room["id"], room["lotte"]),
                "category": "goals", "text": "after removal"})
    assert ack["error"]["code"] == "unauthenticated"


def test_a_retried_op_id_is_applied_once(backend, room):
    persona_id = first_persona(backend, room["id"], room["sam"])
    data = {"persona_id": persona_id, "category": "goals", "text": "Only once"}
    first = send(backend, room["id"], room["sam"]["id"], "assumption.add", data, op_id="op-1")
    again = send(backend, room["id"], room["sam"]["id"], "assumption.add", data, op_id="op-1")
    assert again["duplicate"] is True
    assert again["seq"] == first["seq"] and again["event"] == first["event"]
    texts = [a["text"] for a in state_of(backend, room)["assumptions"]]
    assert texts == ["Only once"]


def test_a_retry_that_no_longer_applies_gets_the_first_answer(backend, room):
    """The ack of a delete was lost; by the time the retry arrives the note is gone, so the
    retry would be refused with not_found. It gets the first attempt's answer instead."""
    note = add_note(backend, room["id"], room["sam"])["event"]["data"]["assumption"]["id"]
    first = send(backend, room["id"], room["sam"]["id"], "assumption.delete", {"id": note},
                 op_id="delete-1")
    seq = state_of(backend, room)["seq"]
    again = send(backend, room["id"], room["sam"]["id"], "assumption.delete", {"id": note},
                 op_id="delete-1")
    assert first["ok"] and again["duplicate"] is True and again["event"] == first["event"]
    assert state_of(backend, room)["seq"] == seq  # the retry took no seq


def test_a_retry_from_a_member_removed_since_gets_the_first_answer(backend, room):
    first = add_note(backend, room["id"], room["sam"], "Before removal")
    with backend.db.writing() as session:
        session.get(Participant, room["sam"]["id"]).removed = True
        session.commit()
    again = send(backend, room["id"], room["sam"]["id"], "assumption.add",
                 {"persona_id": first_persona(backend, room["id"], room["lotte"]),
                  "category": "goals", "text": "Before removal"}, op_id=first["event"]["op_id"])
    assert again["duplicate"] is True and again["seq"] == first["seq"]


def test_a_retried_vote_is_counted_once(backend, room):
    note = add_note(backend, room["id"], room["sam"])["event"]["data"]["assumption"]["id"]
    vote = {"assumption_id": note, "stance": "agree", "dots": 2}
    first = send(backend, room["id"], room["lotte"]["id"], "vote.cast", vote, op_id="vote-1")
    again = send(backend, room["id"], room["lotte"]["id"], "vote.cast", vote, op_id="vote-1")
    assert again["duplicate"] is True and again["event"] == first["event"]
    votes = next(a for a in state_of(backend, room)["assumptions"] if a["id"] == note)["votes"]
    assert votes["voters"] == 1 and votes["dots"] == 2


def test_the_same_op_id_from_two_people_is_two_ops(backend, room):
    add_note(backend, room["id"], room["sam"])  # warm-up so both use explicit ids below
    persona_id = first_persona(backend, room["id"], room["sam"])
    for member in (room["sam"], room["lotte"]):
        ack = send(backend, room["id"], member["id"], "assumption.add",
                   {"persona_id": persona_id, "category": "goals", "text": member["name"]},
                   op_id="shared-id")
        assert ack["ok"] and "duplicate" not in ack


def test_a_refused_op_takes_no_seq(backend, room):
    seq = state_of(backend, room)["seq"]
    send(backend, room["id"], room["sam"]["id"], "persona.add", {"name": "Nope"})
    assert add_note(backend, room["id"], room["sam"])["seq"] == seq + 1


def test_the_facilitator_adds_and_renames_personas(backend, room):
    ack = send(backend, room["id"], room["facilitator"]["id"], "persona.add", {"name": "Ruben"})
    persona_id = ack["event"]["data"]["persona"]["id"]
    ack = send(backend, room["id"], room["facilitator"]["id"], "persona.rename",
               {"id": persona_id, "name": "Ruben, the renter"})
    assert ack["event"]["data"]["previous"] == "Ruben"
    names = [p["name"] for p in state_of(backend, room)["personas"]]
    assert names == ["Primary customer", "Ruben, the renter"]


def test_the_number_of_personas_is_limited(backend, room, monkeypatch):
    monkeypatch.setattr("workshop.ops.board.MAX_PERSONAS", 2)
    facilitator = room["facilitator"]["id"]
    assert send(backend, room["id"], facilitator, "persona.add", {"name": "Two"})["ok"]
    ack = send(backend, room["id"], facilitator, "persona.add", {"name": "Three"})
    assert ack["error"]["code"] == "limit"
