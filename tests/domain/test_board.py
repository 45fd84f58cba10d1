"""The board reducer: events applied in seq order build the state."""

import pytest

from tests.reference_reducer import apply_event, empty_state, replay

WORKSHOP = {"id": "w1", "title": "T", "context": "", "teams": ["Marketing"], "phase": "collect",
            "settings": {}}


def event(seq, type_, data):
    return {"seq": seq, "type": type_, "actor": None, "at": "", "data": data}


def base_log():
    return [
        event(1, "workshop.created", {"workshop": WORKSHOP}),
        event(2, "persona.added", {"persona": {"id": "p1", "name": "Anouk"}}),
        event(3, "participant.joined",
              {"participant": {"id": "u1", "name": "Sam", "team": "Support",
                               "role": "participant"}}),
        event(4, "assumption.added",
              {"assumption": {"id": "a1", "persona_id": "p1", "category": "goals",
                              "text": "Saves money", "author_id": "u1"}}),
    ]


def test_replay_builds_the_board_from_an_empty_state():
    state = replay(base_log())
    assert state["seq"] == 4
    assert [p["name"] for p in state["personas"]] == ["Anouk"]
    assert state["assumptions"][0]["text"] == "Saves money"


def test_a_joining_participant_brings_a_new_team_onto_the_workshop():
    state = replay(base_log())
    assert state["workshop"]["teams"] == ["Marketing", "Support"]


def test_edit_and_delete_change_only_their_note():
    log = [*base_log(),
           event(5, "assumption.added", {"assumption": {"id": "a2", "persona_id": "p1",
                                                        "category": "needs", "text": "Clarity",
                                                        "author_id": "u1"}}),
           event(6, "assumption.edited", {"id": "a1", "text": "Saves time", "previous": "x"}),
           event(7, "assumption.deleted", {"id": "a2", "previous": {}})]
    state = replay(log)
    assert [(a["id"], a["text"]) for a in state["assumptions"]] == [("a1", "Saves time")]


def test_events_already_applied_are_skipped():
    state = replay(base_log())
    apply_event(state, base_log()[3])
    assert len(state["assumptions"]) == 1


def test_a_gap_in_seq_is_refused_rather_than_silently_applied():
    state = replay(base_log()[:2])
    with pytest.raises(ValueError, match="gap"):
        apply_event(state, base_log()[3])


def test_unknown_event_types_still_advance_seq():
    state = replay(base_log())
    apply_event(state, event(5, "timer.ticked", {}))
    assert state["seq"] == 5


def test_the_original_events_are_not_mutated_by_the_state():
    log = base_log()
    state = replay(log)
    state["workshop"]["teams"].append("Sales")
    assert log[0]["data"]["workshop"]["teams"] == ["Marketing"]


def test_empty_state_is_seq_zero():
    assert empty_state()["seq"] == 0
