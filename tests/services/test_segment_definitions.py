"""Importing segment definitions (segments.json) on a dataset: all or nothing when a rule
or a name cannot work there, each segment defined and sized otherwise."""

from __future__ import annotations

import pytest

from tests.helpers import make_room
from tests.ops.test_profiles import by_segment, imported
from workshop.reads.snapshot import snapshot
from workshop.reads.sync import sync
from workshop.services import datasets
from workshop.services.errors import ServiceError


@pytest.fixture
def room(backend):
    return make_room(backend, "sam", facilitator="maria")


def definitions(*segments: dict) -> dict:
    return {"schema_version": 1, "segments": list(segments)}


STUDENTS = {"name": "Students", "rule": by_segment("Students")}


def test_a_file_with_one_bad_rule_defines_nothing_and_says_which(backend, room):
    dataset = imported(backend, room)["dataset"]
    wrong_column = {"name": "Nobody", "rule": {"column": "no such column", "test": "equals",
                                               "value": 1}}
    wrong_test = {"name": "Older", "rule": {"column": "channel", "test": "between",
                                            "value": [1, 2]}}
    before = sync(backend, room["id"], room["facilitator"], 0)["seq"]
    answer = datasets.import_segments(backend, room["id"], room["facilitator"]["id"],
                                      dataset["id"],
                                      definitions(STUDENTS, wrong_column, wrong_test))
    assert not answer["ok"] and answer["defined"] == []
    found = [(p["segment"], p["name"], p["code"]) for p in answer["error"]["details"]["problems"]]
    assert found == [(2, "Nobody", "unknown_column"), (3, "Older", "wrong_type")]
    assert answer["error"]["message"].startswith("nothing was defined: segment 2 (“Nobody”)")
    assert sync(backend, room["id"], room["facilitator"], 0)["seq"] == before


def test_a_rule_on_a_dropped_column_is_refused_as_unknown(backend, room):
    dataset = imported(backend, room)["dataset"]
    answer = datasets.import_segments(
        backend, room["id"], room["facilitator"]["id"], dataset["id"],
        definitions({"name": "Mail", "rule": {"column": "email", "test": "is_empty"}}))
    assert answer["error"]["details"]["problems"][0]["code"] == "unknown_column"


def test_a_good_file_defines_and_sizes_each_segment(backend, room):
    dataset = imported(backend, room)["dataset"]
    retirees = {"name": "Retirees", "rule": by_segment("Retirees")}
    answer = datasets.import_segments(backend, room["id"], room["facilitator"]["id"],
                                      dataset["id"], definitions(STUDENTS, retirees))
    assert answer["ok"] and len(answer["defined"]) == 2
    segments = snapshot(backend, room["id"], room["facilitator"])["segments"]
    assert [s["name"] for s in segments] == ["Students", "Retirees"]
    assert all(s["aggregates"]["size"]["count"] for s in segments)


def test_not_a_definitions_file_is_refused(backend, room):
    dataset = imported(backend, room)["dataset"]
    with pytest.raises(ServiceError) as refused:
        datasets.import_segments(backend, room["id"], room["facilitator"]["id"], dataset["id"],
                                 {"segments": []})
    assert refused.value.code == "invalid"
