"""The board's presence list kept current from `presence_delta` (static/js/presence_list.js),
run in node against the same cases as the tests' Python client (tests/presence_list.py)."""

import pytest

from tests.presence_list import apply_delta
from tests.static.node import node_runner

RUN = """
import { applyPresenceDelta } from %s;
console.log(JSON.stringify(applyPresenceDelta(input.present, input.delta)));
"""


def person(name, team="Support", id_=None):
    return {"id": id_ or name.lower(), "name": name, "team": team, "role": "participant",
            "removed": False}


@pytest.fixture
def apply_in_browser():
    return node_runner("presence_list.js", RUN)


CASES = {
    "a newcomer is put in order": (
        [person("Maria", ""), person("Sam")], {"joined": [person("jo")], "left": []},
        ["Maria", "jo", "Sam"]),
    "someone leaves": (
        [person("Maria", ""), person("Sam")], {"joined": [], "left": ["sam"]}, ["Maria"]),
    "a rename replaces the old entry": (
        [person("Sam")], {"joined": [person("Samira", "Sales", "sam")], "left": []},
        ["Samira"]),
    "applied twice it changes nothing more": (
        [person("Maria", ""), person("jo")], {"joined": [person("jo")], "left": ["zed"]},
        ["Maria", "jo"]),
    "teams first, ignoring case": (
        [person("Bo", "support")], {"joined": [person("Al", "Marketing")], "left": []},
        ["Al", "Bo"]),
}


@pytest.mark.parametrize("case", CASES, ids=list(CASES))
def test_the_browser_applies_a_delta_as_the_protocol_says(apply_in_browser, case):
    present, delta, names = CASES[case]
    result = apply_in_browser({"present": present, "delta": delta})
    assert [p["name"] for p in result] == names
    assert result == apply_delta(present, delta)
