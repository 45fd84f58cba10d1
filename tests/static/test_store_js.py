"""The browser's store (static/js/store.js), run in node: one place for the server state and
the UI state (the open view, the active persona), and the panels that render after a change.
"""

import pytest

from tests.static.node import node_runner

# A tiny sessionStorage, a store over `input.snapshot`, then `input.steps` in order; each step
# is [method, ...args]. It prints what the panels saw and what the storage kept.
RUN = """
import { createStore } from %s;
const saved = new Map(Object.entries(input.saved ?? {}));
const storage = {
  getItem: (k) => saved.get(k) ?? null, setItem: (k, v) => saved.set(k, String(v)) };
const store = createStore(input.snapshot, { storage });
const seen = [];
store.subscribe(() => seen.push(["first", store.view, store.activePersona()]));
store.subscribe(() => seen.push(["second", store.state.seq]));
const results = [];
for (const [method, ...args] of input.steps) {
  const value = store[method](...args);
  results.push(value === undefined ? null : value);
}
console.log(JSON.stringify({ seen, results, view: store.view, persona: store.activePersona(),
  saved: Object.fromEntries(saved), state: store.state }));
"""

PERSONAS = [{"id": "p1", "name": "Anouk"}, {"id": "p2", "name": "Ruben"}]


def snapshot(**extra):
    return {"workshop": {"id": "w1"}, "me": {"id": "me"}, "seq": 3, "personas": PERSONAS,
            "assumptions": [], **extra}


@pytest.fixture
def run():
    return node_runner("store.js", RUN)


def test_the_view_starts_on_the_board_and_switches_once_for_every_panel(run):
    out = run({"snapshot": snapshot(),
               "steps": [["setView", "divergence"], ["setView", "divergence"]]})
    assert out["view"] == "divergence"
    # One change, every panel in the order subscribed; choosing the open view again is no change.
    assert out["seen"] == [["first", "divergence", "p1"], ["second", 3]]
    assert out["saved"] == {"view:w1": "divergence"}


def test_an_unknown_view_is_ignored_and_a_quiet_switch_renders_nothing(run):
    out = run({"snapshot": snapshot(), "steps": [["setView", "nonsense"],
                                                  ["setView", "research", {"render": False}]]})
    assert out["view"] == "research"
    assert out["seen"] == []


def test_the_view_and_persona_chosen_in_this_tab_come_back(run):
    saved = {"view:w1": "research", "persona:w1": "p2"}
    out = run({"snapshot": snapshot(), "saved": saved, "steps": []})
    assert (out["view"], out["persona"]) == ("research", "p2")
    out = run({"snapshot": snapshot(), "saved": {"view:w1": "plan"}, "steps": []})
    assert out["view"] == "plan"
    out = run({"snapshot": snapshot(), "saved": {"view:w1": "bogus"}, "steps": []})
    assert out["view"] == "board"


def test_the_active_persona_falls_back_to_the_first_while_the_chosen_one_is_gone(run):
    out = run({"snapshot": snapshot(), "saved": {"persona:w1": "gone"},
               "steps": [["selectPersona", "p2"]]})
    assert out["persona"] == "p2"
    assert out["seen"] == [["first", "board", "p2"], ["second", 3]]
    assert out["saved"]["persona:w1"] == "p2"
    out = run({"snapshot": snapshot(), "saved": {"persona:w1": "gone"}, "steps": []})
    assert out["persona"] == "p1"


def test_events_go_through_the_reducer_and_a_sync_keeps_who_we_are(run):
    added = {"seq": 4, "type": "assumption.added", "data": {"assumption": {
        "id": "a1", "persona_id": "p1", "category": "goals", "text": "Save money", "seq": 4}}}
    out = run({"snapshot": snapshot(), "steps": [
        ["apply", added], ["apply", added], ["apply", {**added, "seq": 9}],
        ["replace", {"seq": 20, "personas": PERSONAS, "assumptions": [],
                     "me": {"id": "someone else"}}]]})
    assert out["results"][:3] == ["applied", "old", "gap"]
    assert out["state"]["seq"] == 20 and out["state"]["me"] == {"id": "me"}
    assert out["seen"] == []  # applying is not rendering: the connection calls changed() once
