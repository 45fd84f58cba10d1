"""dataset.weight: the facilitator weighs segment shares by a number column ("18% of
customers, 31% of revenue"); every later sizing uses it, a refresh keeps it, and a bad
column is refused with nothing changed."""

from __future__ import annotations

import pytest

from tests.helpers import comparable, make_room, send
from tests.ops.test_profiles import by_segment, export, imported, ok
from tests.reference_reducer import replay
from workshop.reads.snapshot import snapshot
from workshop.reads.sync import sync


@pytest.fixture
def room(backend):
    return make_room(backend, "sam", facilitator="maria")


def weighted_room(backend, room):
    """A dataset with two segments, before any weight."""
    dataset = imported(backend, room)["dataset"]
    for name in ("Established households", "Students"):
        ok(backend, room, "facilitator", "segment.define", {
            "dataset_id": dataset["id"], "name": name, "rule": by_segment(name)})
    return dataset


def shares(state: dict) -> dict:
    return {s["name"]: (s["aggregates"]["size"]["share"], s["aggregates"]["weighted_share"])
            for s in state["segments"]}


def test_weighing_by_revenue_re_sizes_every_segment_and_replays(backend, room):
    dataset = weighted_room(backend, room)
    assert all(weighted is None for _, weighted in shares(
        snapshot(backend, room["id"], room["facilitator"])).values())
    event = ok(backend, room, "facilitator", "dataset.weight",
               {"id": dataset["id"], "column": "revenue"})
    assert (event["weight_column"], event["previous"]) == ("revenue", None)
    assert event["sizing"]["weight_column"] == "revenue"
    state = snapshot(backend, room["id"], room["facilitator"])
    assert state["datasets"][0]["weight_column"] == "revenue"
    by_name = shares(state)
    # Established households spend more than most: more of the revenue than of the people.
    share, weighted = by_name["Established households"]
    assert weighted > share
    share, weighted = by_name["Students"]
    assert weighted < share
    for who in ("facilitator", "sam"):
        log = sync(backend, room["id"], room[who], 0)["events"]
        assert replay(log) == comparable(snapshot(backend, room["id"], room[who]))


def test_a_segment_defined_later_is_weighed_too_and_none_stops_it(backend, room):
    dataset = weighted_room(backend, room)
    ok(backend, room, "facilitator", "dataset.weight", {"id": dataset["id"], "column": "orders"})
    later = ok(backend, room, "facilitator", "segment.define", {
        "dataset_id": dataset["id"], "name": "Retirees", "rule": by_segment("Retirees")})
    assert later["segment"]["aggregates"]["weighted_share"] is not None
    event = ok(backend, room, "facilitator", "dataset.weight",
               {"id": dataset["id"], "column": None})
    assert event["previous"] == "orders"
    state = snapshot(backend, room["id"], room["facilitator"])
    assert state["datasets"][0]["weight_column"] is None
    assert all(weighted is None for _, weighted in shares(state).values())


@pytest.mark.parametrize(("column", "problem"), [
    ("no such column", "unknown_column"),   # not in the file
    ("email", "column_dropped"),            # dropped at import: never stored
    ("channel", "wrong_type"),              # a category, not a number
])
def test_a_bad_weight_column_is_refused_and_changes_nothing(backend, room, column, problem):
    dataset = weighted_room(backend, room)
    before = comparable(snapshot(backend, room["id"], room["facilitator"]))
    ack = send(backend, room["id"], room["facilitator"]["id"], "dataset.weight",
               {"id": dataset["id"], "column": column})
    assert not ack["ok"]
    assert (ack["error"]["code"], ack["error"]["reason"]) == ("invalid", "weight_column")
    assert ack["error"]["details"]["problems"][0]["code"] == problem
    assert column in ack["error"]["message"]
    assert comparable(snapshot(backend, room["id"], room["facilitator"])) == before


def test_the_weight_column_cannot_be_dropped_while_it_weighs(backend, room):
    dataset = weighted_room(backend, room)
    ok(backend, room, "facilitator", "dataset.weight", {"id": dataset["id"], "column": "revenue"})
    ack = send(backend, room["id"], room["facilitator"]["id"], "dataset.map",
               {"id": dataset["id"], "roles": {"revenue": "dropped"}})
    assert ack["error"]["reason"] == "weight_dropped"


def test_a_refresh_keeps_the_weight_and_re_sizes_with_it(backend, room):
    first = weighted_room(backend, room)
    ok(backend, room, "facilitator", "dataset.weight", {"id": first["id"], "column": "revenue"})
    data = imported(backend, room, content_base64=export(3000, seed=28), replaces=first["id"],
                    as_of="2026-11-01")
    assert data["dataset"]["weight_column"] == "revenue"
    assert all(s["aggregates"]["weighted_share"] is not None for s in data["segments"])
    state = snapshot(backend, room["id"], room["facilitator"])
    log = sync(backend, room["id"], room["facilitator"], 0)["events"]
    assert replay(log) == comparable(state)


def test_the_json_export_names_the_weight_column(backend, room):
    from workshop.domain.persona_data import persona_data
    dataset = weighted_room(backend, room)
    ok(backend, room, "facilitator", "dataset.weight", {"id": dataset["id"], "column": "revenue"})
    state = snapshot(backend, room["id"], room["facilitator"])
    persona = state["personas"][0]["id"]
    segment = state["segments"][0]["id"]
    ok(backend, room, "facilitator", "persona.tie", {"persona_id": persona, "segment_id": segment})
    data = persona_data(snapshot(backend, room["id"], room["facilitator"]), persona)
    assert data["dataset"]["weight_column"] == "revenue"
    assert data["segment"]["weighted_share"] is not None
