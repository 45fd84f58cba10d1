"""GET …/duplicates: likely duplicates among a persona's revealed notes, for grouping."""

from __future__ import annotations

import pytest

from tests.helpers import add_note, make_member, make_workshop, send
from workshop.reads.duplicates import likely_duplicates
from workshop.reads.snapshot import snapshot
from workshop.services.errors import ServiceError


def _ids(answer):
    return [{n["text"] for n in s["notes"]} for s in answer["suggestions"]]


def test_duplicates_are_suggested_and_leave_out_private_and_grouped_notes(backend):
    created = make_workshop(backend)
    maria = make_member(backend, created.facilitator_token, "Maria", "")
    sam = make_member(backend, created.invite_token, "Sam", "Support")
    persona = snapshot(backend, created.id, sam)["personas"][0]["id"]
    first = add_note(backend, created.id, sam, "Wants to get to work faster…")
    add_note(backend, created.id, sam, "Reads at night")
    add_note(backend, created.id, sam, "Wants to commute faster")
    answer = likely_duplicates(backend, created.id, maria, persona)
    assert _ids(answer) == [{"Wants to get to work faster…", "Wants to commute faster"}]
    assert answer["threshold"] == 78

    # Private notes are never compared (their text must not show through a suggestion).
    send(backend, created.id, maria["id"], "settings.update", {"private_collect": True})
    add_note(backend, created.id, sam, "Wants to travel to work faster")
    assert len(likely_duplicates(backend, created.id, maria, persona)["suggestions"]) == 1

    # Accepting the suggestion is the grouping op; grouped notes are not suggested again.
    third = snapshot(backend, created.id, maria)["assumptions"][2]["id"]
    assert send(backend, created.id, maria["id"], "group.add", {
        "assumption_id": third,
        "onto_id": first["event"]["data"]["assumption"]["id"]})["ok"]
    assert likely_duplicates(backend, created.id, maria, persona)["suggestions"] == []


@pytest.mark.parametrize("persona", [None, "", "../x", "nope"])
def test_a_missing_or_unknown_persona_is_refused(backend, persona):
    created = make_workshop(backend)
    maria = make_member(backend, created.facilitator_token, "Maria", "")
    with pytest.raises(ServiceError) as refused:
        likely_duplicates(backend, created.id, maria, persona)
    assert refused.value.code in ("invalid", "not_found")


def test_merging_a_group_onto_another_moves_every_note(backend):
    created = make_workshop(backend)
    maria = make_member(backend, created.facilitator_token, "Maria", "")
    sam = make_member(backend, created.invite_token, "Sam", "Support")
    notes = [add_note(backend, created.id, sam, t)["event"]["data"]["assumption"]["id"]
             for t in ("Cheap", "Thrifty", "Frugal", "Saves")]
    one = send(backend, created.id, maria["id"], "group.add",
               {"assumption_id": notes[1], "onto_id": notes[0]})["event"]["data"]["groups"][0]
    two = send(backend, created.id, maria["id"], "group.add",
               {"assumption_id": notes[3], "onto_id": notes[2]})["event"]["data"]["groups"][0]
    ack = send(backend, created.id, maria["id"], "group.merge", {"id": two["id"],
                                                                 "onto_id": one["id"]})
    assert ack["ok"] and ack["event"]["type"] == "assumptions.grouped"
    assert ack["event"]["data"]["removed"] == [two["id"]]
    board = snapshot(backend, created.id, sam)
    assert [g["id"] for g in board["groups"]] == [one["id"]]
    assert {a["group_id"] for a in board["assumptions"]} == {one["id"]}
    refused = send(backend, created.id, maria["id"], "group.merge", {"id": one["id"],
                                                                     "onto_id": one["id"]})
    assert refused["error"]["code"] == "invalid"
    assert send(backend, created.id, sam["id"], "group.merge", {
        "id": one["id"], "onto_id": one["id"]})["error"]["code"] == "forbidden"
