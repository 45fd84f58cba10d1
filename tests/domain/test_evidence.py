"""Evidence states and coverage: the rules in domain/evidence.py, on small worked examples."""

from __future__ import annotations

from tests.domain import persona_fixture as fx
from workshop.domain.evidence import (
    board_items,
    broken_by_edit,
    coverage,
    evidence_state,
    figures,
    links_by_item,
    links_for,
    quote_in,
)


def link(target: str, relation: str, target_type: str = "assumption") -> dict:
    """A minimal evidence link."""
    return {"id": f"l-{target}-{relation}", "note_id": "n1", "target_type": target_type,
            "target_id": target, "relation": relation, "quote": "q"}


def test_no_links_is_untested():
    assert evidence_state([]) == "untested"


def test_a_supporting_link_validates():
    assert evidence_state([link("a", "supports")]) == "validated"


def test_any_contradicting_link_wins_over_support():
    assert evidence_state([link("a", "supports"), link("a", "contradicts"),
                           link("a", "supports")]) == "contradicted"


def test_board_items_are_ungrouped_notes_and_groups():
    items = board_items(fx.snapshot())
    ids = [(i["type"], i["id"]) for i in items]
    assert ("assumption", "a6") not in ids and ("assumption", "a7") not in ids
    assert ids[-1] == ("group", "g1")
    assert items[-1]["member_ids"] == ["a6", "a7"]


def test_a_link_on_a_member_note_counts_for_its_group():
    group = next(i for i in board_items(fx.snapshot()) if i["id"] == "g1")
    assert [x["id"] for x in links_for(group, fx.evidence_links())] == ["l2"]


def test_a_group_link_does_not_leak_to_an_assumption_with_the_same_id():
    item = {"type": "assumption", "id": "x", "member_ids": []}
    assert links_for(item, [link("x", "supports", target_type="group")]) == []


def test_figures_worked_example():
    # 4 accepted: 2 supported (one of them also contradicted), 1 only contradicted, 1 bare.
    got = figures([("validated", True), ("contradicted", True), ("contradicted", False),
                   ("untested", False)])
    assert got == {"accepted": 4, "supported": 2, "coverage": 0.5, "debt": 2,
                   "contradicted": 2}


def test_coverage_share_is_none_without_accepted_items():
    assert figures([]) == {"accepted": 0, "supported": 0, "coverage": None, "debt": 0,
                           "contradicted": 0}


def test_coverage_of_the_fixture_per_persona_and_category():
    got = coverage(board_items(fx.snapshot()), fx.evidence_links())
    # p1 accepts a1, a2, a3, a4 (reworded), a8, a11 and g1: 7 items; a2 and g1 are supported;
    # a11 is contradicted. a5 is supported but rejected, so it does not count.
    assert got["p1"]["accepted"] == 7
    assert got["p1"]["supported"] == 2
    assert got["p1"]["coverage"] == round(2 / 7, 4)
    assert got["p1"]["debt"] == 5
    assert got["p1"]["contradicted"] == 1
    assert got["p1"]["categories"]["goals"] == {"accepted": 3, "supported": 1,
                                                "coverage": 0.3333, "debt": 2,
                                                "contradicted": 0}
    assert got["p1"]["categories"]["needs"]["supported"] == 1
    assert got["p1"]["categories"]["channels"]["contradicted"] == 1
    assert "tone" not in got["p1"]["categories"]  # nothing accepted there
    assert got["p2"]["accepted"] == 1 and got["p2"]["coverage"] == 0.0


# ---- quoted passages -------------------------------------------------------------------------

def test_a_quote_matches_ignoring_case_and_runs_of_white_space():
    assert quote_in("far  TOO\nlong", "It takes far too long.")
    assert quote_in("slow", "nothing here", "the **slow** app")  # any of the texts
    assert not quote_in("far too long", "far toolong")
    assert not quote_in("   ", "anything")  # an empty quote quotes nothing


def test_an_edit_breaks_only_the_quotes_it_removes():
    quotes = [("kept", "every bill"), ("gone", "on the tram"), ("legacy", "phone , usually")]
    before = ("pays every bill on her phone, usually on the tram",)
    after = ("pays every bill on her phone, usually by bike",)
    # "legacy" was not in the note before this edit either: not this edit's doing.
    assert broken_by_edit(quotes, before, after) == ["gone"]
    assert broken_by_edit(quotes, before, before) == []


def test_links_by_item_is_links_for_of_every_item_at_once():
    items = board_items(fx.snapshot())
    links = fx.evidence_links() + [{**fx.evidence_links()[0], "id": "g-own",
                                    "target_type": "group", "target_id": "g1"}]
    assert links_by_item(items, links) == {(i["type"], i["id"]): links_for(i, links)
                                           for i in items}
    assert [link["id"] for link in links_by_item(items, links)[("group", "g1")]] == [
        "l2", "g-own"]
