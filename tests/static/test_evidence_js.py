"""The browser's evidence rules (static/js/evidence.js), run in node with worked examples.

The same rules as workshop/domain/evidence.py: any contradicting link → contradicted, else any
supporting → validated, else untested; coverage = accepted items with support / accepted
items (None when nothing is accepted); debt = accepted items without support. A group's
evidence includes its member notes' links.
"""

import pytest

from tests.static.node import node_runner
from workshop.domain.evidence import research_pending

RUN = """
import * as evidence from %s;
const out = {};
for (const [name, [fn, args]] of Object.entries(input)) out[name] = evidence[fn](...args);
console.log(JSON.stringify(out));
"""


@pytest.fixture
def run():
    return node_runner("evidence.js", RUN)


def link(target, relation, id_=None):
    return {"id": id_ or f"{target}-{relation}", "note_id": "r1", "target_type": "assumption",
            "target_id": target, "relation": relation, "quote": "q", "author_id": "p", "seq": 1}


def note(id_, category="goals", decision=None, group_id=None, persona="P"):
    return {"id": id_, "persona_id": persona, "category": category, "text": id_,
            "group_id": group_id, "seq": 1,
            "decision": {"decision": decision} if decision else None}


def test_evidence_state_contradicting_wins_then_supporting(run):
    out = run({
        "none": ["evidenceState", [[]]],
        "supports": ["evidenceState", [[link("a", "supports")]]],
        "both": ["evidenceState", [[link("a", "supports"), link("a", "contradicts")]]],
        "contradicts": ["evidenceState", [[link("a", "contradicts")]]],
    })
    assert out == {"none": "untested", "supports": "validated", "both": "contradicted",
                   "contradicts": "contradicted"}


def test_coverage_and_debt_of_a_persona_with_a_worked_example(run):
    # Goals: a accepted + supported, b reworded + contradicted only (debt), c rejected + supported
    # (not counted), group g accepted, supported through its member m.
    # Needs: d accepted with both relations (covered, but contradicted).
    # Fears: e undecided. Another persona's accepted note x never counts.
    state = {
        "assumptions": [
            note("a", decision="accepted"), note("b", decision="reworded"),
            note("c", decision="rejected"), note("m", group_id="g"), note("n", group_id="g"),
            note("d", category="needs", decision="accepted"), note("e", category="fears"),
            note("x", decision="accepted", persona="Q"),
        ],
        "groups": [{"id": "g", "persona_id": "P", "category": "goals", "seq": 2,
                    "decision": {"decision": "accepted"}}],
        "evidence": [link("a", "supports"), link("b", "contradicts"), link("c", "supports"),
                     link("m", "supports"), link("d", "supports"), link("d", "contradicts"),
                     link("x", "supports")],
    }
    out = run({"p": ["personaEvidence", [state, "P", ["goals", "needs", "fears", "tone"]]],
               "group": ["linksFor", [state, "group", "g"]]})
    p = out["p"]
    # Accepted: a, b, g, d → 4; supported: a, g, d → 3; debt: b.
    assert (p["accepted"], p["supported"], p["debt"]) == (4, 3, 1)
    assert p["coverage"] == 0.75
    assert p["states"] == {"validated": 3, "contradicted": 2, "untested": 1}
    by_key = {c["key"]: c for c in p["categories"]}
    assert (by_key["goals"]["accepted"], by_key["goals"]["supported"]) == (3, 2)
    assert by_key["goals"]["coverage"] == pytest.approx(2 / 3)
    assert by_key["needs"]["coverage"] == 1 and by_key["needs"]["debt"] == 0
    assert by_key["fears"]["coverage"] is None and by_key["fears"]["items"] == 1
    assert by_key["tone"]["coverage"] is None and by_key["tone"]["items"] == 0
    assert [item["target_id"] for item in out["group"]] == ["m"]


def test_nothing_accepted_means_no_coverage_and_no_debt(run):
    state = {"assumptions": [note("a")], "groups": [], "evidence": []}
    p = run({"p": ["personaEvidence", [state, "P", ["goals"]]]})["p"]
    assert (p["coverage"], p["debt"], p["accepted"]) == (None, 0, 0)


def test_a_quote_is_found_across_elements_ignoring_case_and_white_space(run):
    pieces = ["Most people ", "pay", " by\nphone.", None, "Letters", " are ignored."]
    out = run({
        "across": ["locateQuote", [pieces, "PAY by phone. letters"]],
        "inside": ["locateQuote", [pieces, "are ignored"]],
        "missing": ["locateQuote", [pieces, "by fax"]],
        "blank": ["locateQuote", [pieces, "   "]],
    })
    assert out["across"] == [{"piece": 1, "start": 0, "end": 3},
                             {"piece": 2, "start": 0, "end": 10},
                             {"piece": 4, "start": 0, "end": 7}]
    assert out["inside"] == [{"piece": 5, "start": 1, "end": 12}]
    assert out["missing"] is None and out["blank"] is None


def test_the_browser_agrees_with_the_domain_rules_on_the_fixture_persona(run):
    from tests.domain import persona_fixture as fx
    from workshop.domain.evidence import board_items, coverage

    state = {**fx.snapshot(), "evidence": fx.evidence_links()}
    keys = [c["key"] for c in fx.CATEGORIES]
    personas = sorted({a["persona_id"] for a in state["assumptions"]})
    out = run({p: ["personaEvidence", [state, p, keys]] for p in personas})
    expected = coverage(board_items(state), state["evidence"])
    for persona in personas:
        js = out[persona]
        py = expected.get(persona)
        fields = ("accepted", "supported", "debt", "contradicted")
        if py is None:
            assert js["accepted"] == 0 and js["coverage"] is None
            continue
        assert {f: js[f] for f in fields} == {f: py[f] for f in fields}
        assert round(js["coverage"], 4) == py["coverage"]
        for category in js["categories"]:
            if category["accepted"] == 0:
                assert category["key"] not in py["categories"]
                continue
            want = py["categories"][category["key"]]
            assert {f: category[f] for f in fields} == {f: want[f] for f in fields}
            assert round(category["coverage"], 4) == want["coverage"]


def test_a_loose_search_ignores_white_space_altogether(run):
    pieces = ["her ", "phone", ", usually"]
    out = run({"strict": ["locateQuote", [pieces, "phone , usually"]],
               "loose": ["locateQuote", [pieces, "phone , usually", {"loose": True}]]})
    assert out["strict"] is None
    assert out["loose"] == [{"piece": 1, "start": 0, "end": 5}, {"piece": 2, "start": 0, "end": 9}]


CASES = [  # (decision, category, links, required) — the same cases for JS and Python
    ("accepted", "identity", [], ["identity"]),
    ("reworded", "identity", [link("a", "contradicts")], ["identity", "behaviours"]),
    ("accepted", "identity", [link("a", "supports")], ["identity"]),
    ("accepted", "goals", [], ["identity"]),
    ("parked", "identity", [], ["identity"]),
    (None, "identity", [], ["identity"]),
]


def test_research_pending_is_the_rule_of_the_domain(run):
    # Accepted (or reworded) in a required category with no supporting link: flagged.
    out = run({str(n): ["researchPending", [{"decision": {"decision": d} if d else None},
                                             category, links, required]]
               for n, (d, category, links, required) in enumerate(CASES)})
    expected = [research_pending(category, {"decision": d} if d else None, links, required)
                for d, category, links, required in CASES]
    assert [out[str(n)] for n in range(len(CASES))] == expected == [True, True, False, False,
                                                                    False, False]
