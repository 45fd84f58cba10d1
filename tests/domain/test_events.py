"""The event models: published up to date, and true to the golden logs and the reducers.

Regenerate the published schema after changing a model:
    .venv/bin/python -m workshop.domain.events > docs/events.schema.json
"""

from __future__ import annotations

import json
import re
from pathlib import Path

import jsonschema_rs
import pytest

from tests.reference_reducer import REDUCERS
from workshop.domain.events import EVENTS, SettingsView, json_schema, validate
from workshop.domain.settings import DEFAULTS

ROOT = Path(__file__).resolve().parents[2]
SCHEMA_FILE = ROOT / "docs" / "events.schema.json"
GOLDEN = sorted((ROOT / "tests" / "golden").glob("*/events.json"))
ROLES = ("facilitator", "participant", "observer")


def test_published_schema_is_up_to_date():
    """Fails when a model changed without regenerating docs/events.schema.json (see above)."""
    assert json.loads(SCHEMA_FILE.read_text()) == json_schema()


def forms(entry: dict) -> list[dict]:
    """A golden log entry as its audience and as everyone else receive it."""
    own = {key: entry[key] for key in ("seq", "type", "actor", "at", "op_id", "data")}
    public = entry["public"]
    if public is None:
        return [own]
    return [own, {"seq": entry["seq"], "type": public["type"], "actor": public.get("actor"),
                  "at": entry["at"], "op_id": None, "data": public["data"]}]


def golden_events(path: Path) -> list[dict]:
    """Every event of a golden workshop: each entry's forms, and each role's sync."""
    received = [form for entry in json.loads(path.read_text()) for form in forms(entry)]
    for role in ROLES:
        received += json.loads((path.parent / f"{role}.json").read_text())["sync_from_0"][
            "events"]
    return received


@pytest.mark.parametrize("path", GOLDEN, ids=lambda path: path.parent.name)
def test_golden_events_match_their_models_and_the_published_schema(path):
    received = golden_events(path)
    assert len(GOLDEN) >= 2 and received
    validator = jsonschema_rs.validator_for(json.loads(SCHEMA_FILE.read_text()))
    for event in received:
        validate(event)
        validator.validate(event)


def test_the_published_schema_refuses_what_the_models_refuse():
    validator = jsonschema_rs.validator_for(json.loads(SCHEMA_FILE.read_text()))
    event = {"seq": 9, "type": "phase.changed", "actor": "a1", "at": "2026-11-23T10:41:35.177Z",
             "op_id": "o6", "data": {"phase": "vote", "previous": "collect"}}
    assert validator.is_valid(event)
    assert not validator.is_valid({**event, "type": "phase.skipped"})
    assert not validator.is_valid({**event, "data": {"phase": "vote"}})
    assert not validator.is_valid({**event, "data": {**event["data"], "by": "a1"}})
    assert not validator.is_valid({**event, "type": "hidden", "data": {}})  # hidden: no actor


def test_every_event_a_reducer_applies_has_a_model():
    """Both reducers (tests/reference_reducer.py, static/js/state.js) apply every type but
    these three, which change no state: a rotated link's secret is no part of it, a hidden
    entry only advances seq, and `review.due` is a notice (a version reached its date)."""
    browser = set(re.findall(r'^  "([a-z_]+\.[a-z_]+)":', (ROOT / "static" / "js" / "state.js")
                             .read_text(), re.MULTILINE))
    for reducers in (set(REDUCERS), browser):
        assert set(EVENTS) - reducers == {"invite.rotated", "hidden", "review.due"}
        assert reducers <= set(EVENTS)


def test_settings_view_has_every_setting():
    assert list(SettingsView.model_fields) == list(DEFAULTS)


def example_events(value: object):
    """Every event (an object with seq, type, at and data) in a parsed JSON example."""
    if isinstance(value, dict):
        if {"seq", "type", "at", "data"} <= set(value):
            yield value
        for item in value.values():
            yield from example_events(item)
    elif isinstance(value, list):
        for item in value:
            yield from example_events(item)


def test_the_events_in_the_protocol_examples_match_their_models():
    """docs/protocol.md is what clients are written against: its examples must be true."""
    text = (ROOT / "docs" / "protocol.md").read_text()
    examples = []
    for block in re.findall(r"```json\n(.*?)```", text, re.DOTALL):
        try:
            examples += example_events(json.loads(block))
        except json.JSONDecodeError:
            continue  # a shape with elisions (…), not a whole message
    assert len({event["type"] for event in examples}) >= 5
    for event in examples:
        validate(event)


def test_every_model_the_protocol_links_to_exists():
    text = (ROOT / "docs" / "protocol.md").read_text()
    linked = set(re.findall(r"\(events\.schema\.json#/\$defs/(\w+)\)", text))
    assert linked >= {model.__name__ for model in EVENTS.values()}
    assert linked <= set(json.loads(SCHEMA_FILE.read_text())["$defs"])
