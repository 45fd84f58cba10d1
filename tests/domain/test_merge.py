"""Merge rules: which items make the persona, in which order, with which provenance."""

from __future__ import annotations

import pytest

from tests.domain import persona_fixture as fx
from workshop.domain.merge import (
    all_items,
    build_document,
    document_coverage,
    editable_fields,
    with_field,
    with_picture,
)


def build(snapshot: dict | None = None) -> dict:
    """The fixture persona's first draft."""
    return build_document(snapshot or fx.snapshot(), "p1", fx.research_notes(),
                          fx.evidence_links())


def item(document: dict, item_id: str) -> dict:
    """One item of the document by its id."""
    return next(i for i in all_items(document) if i["id"] == item_id)


def section_ids(document: dict, category: str) -> list[str]:
    """The item ids of one section, in order."""
    section = next(s for s in document["sections"] if s["category"] == category)
    return [i["id"] for i in section["items"]]


def test_sections_follow_board_order_and_empty_categories_are_dropped():
    doc = build()
    assert [s["category"] for s in doc["sections"]] == ["identity", "goals", "needs",
                                                        "channels"]
    assert doc["sections"][1]["label"] == "Goals"


def test_rejected_parked_and_undecided_items_are_left_out():
    ids = {i["id"] for i in all_items(build())}
    assert {"a:a5", "a:a9", "a:a10", "a:a12"}.isdisjoint(ids)


def test_other_personas_items_are_left_out():
    assert "a:b1" not in {i["id"] for i in all_items(build())}


def test_unknown_persona_is_refused():
    with pytest.raises(ValueError, match="persona"):
        build_document(fx.snapshot(), "nope", [], [])


def test_order_is_consensus_then_dots():
    # a2 and a3 share the highest GAC (everyone agrees) and a3 has more dots, so it comes
    # first although a2 is older; a4's unsure vote from Support lowers its GAC.
    assert section_ids(build(), "goals") == ["a:a3", "a:a2", "a:a4"]


def test_equal_consensus_and_dots_keep_board_order():
    snap = fx.snapshot()
    for note in snap["assumptions"]:
        if note["id"] in ("a2", "a3"):
            note["votes"]["dots"] = 2
    assert section_ids(build(snap), "goals")[:2] == ["a:a2", "a:a3"]


def test_unknown_consensus_sorts_last():
    snap = fx.snapshot()
    snap["participants"] = [p for p in snap["participants"] if not p["team"]]  # no teams
    for note in snap["assumptions"]:
        if note["id"] == "a2":
            note["votes"]["dots"] = 9
    # With no teams every GAC is None: dots decide.
    assert section_ids(build(snap), "goals")[0] == "a:a2"


def test_group_is_one_item_with_its_notes_as_sources():
    doc = build()
    assert section_ids(doc, "needs") == ["g:g1", "a:a8"]  # GAC 0.375 before the contested one
    prov = item(doc, "g:g1")["provenance"]
    assert prov["kind"] == "group"
    assert item(doc, "g:g1")["text"] == "Sees open invoices at a glance, also on the phone"
    assert prov["sources"] == [
        {"id": "a6", "text": "Needs to see at a glance who still owes her money",
         "team": "Support"},
        {"id": "a7", "text": "Overview of open invoices on the phone", "team": "Product"},
    ]
    # The group's combined votes are the figures, not its notes' votes.
    assert prov["votes"]["voters"] == 5 and prov["votes"]["dots"] == 3
    # Evidence on a member note counts for the group.
    assert [e["id"] for e in prov["evidence"]] == ["l2"]
    assert prov["evidence_state"] == "validated"


def test_reworded_item_uses_the_new_wording_and_keeps_the_original():
    it = item(build(), "a:a4")
    assert it["text"] == "Wants to open a second shop within two years"
    assert it["provenance"]["original"] == "wants growth"
    assert it["provenance"]["sources"][0]["text"] == "wants growth"
    assert it["provenance"]["decision"]["decision"] == "reworded"
    assert it["provenance"]["decision"]["reason"] == "Too vague as written"


def test_provenance_teams_votes_decision_and_evidence():
    prov = item(build(), "a:a2")["provenance"]
    assert prov["believers"] == ["Marketing", "Support", "Product"]
    assert prov["votes"] == {
        "tally": {t: {"agree": 2, "disagree": 0, "unsure": 0} for t in fx.TEAMS},
        # GAC = (3/4)^3 = 0.421875
        "agreement": 1.0, "consensus": 0.4219, "dots": 2, "voters": 6}
    assert prov["decision"] == {"decision": "accepted", "reason": "Clear in interviews",
                                "text": "", "by": "fac", "by_name": "Fiona Facilitator",
                                "at": "2025-03-04T10:15:00Z"}
    assert prov["evidence"] == [{
        "id": "l1", "note_id": "n1", "note_title": "Interviews with 8 bakery owners",
        "source_type": "interview", "date": "2025-01-20", "relation": "supports",
        "quote": "Six of eight wait more than 30 days for payment."}]
    assert prov["contested"] is False and prov["dissent"] is None


def test_contradicting_evidence_marks_the_item():
    prov = item(build(), "a:a11")["provenance"]
    assert prov["evidence_state"] == "contradicted"
    assert prov["evidence"][0]["date"] is None  # the survey has no date
    # Product is split (1:1), Support leans agree (1 agree, 1 unsure): believers are two.
    assert prov["believers"] == ["Marketing", "Support"]


def test_a_contested_accepted_item_carries_its_minority_view():
    prov = item(build(), "a:a8")["provenance"]
    assert prov["contested"] is True
    assert prov["believers"] == ["Marketing", "Product"]
    # The facilitator's reason is the decision's, not part of the minority view.
    assert prov["dissent"] == {
        "teams": [{"team": "Support", "agree": 0, "disagree": 2, "unsure": 0}]}
    assert prov["decision"]["reason"] == ("Product and Marketing saw it in interviews; "
                                          "Support keeps the concern about staffing")


def test_blind_votes_count_as_no_votes():
    snap = fx.snapshot()
    for note in snap["assumptions"]:
        note["votes"] = {"voters": note["votes"]["voters"]}
    prov = item(build(snap), "a:a2")["provenance"]
    assert prov["votes"]["agreement"] is None and prov["votes"]["dots"] == 0
    assert prov["votes"]["consensus"] == 0.125  # (1/2)^3: every team silent


def test_identity_items_go_to_the_identity_section_and_fields_start_empty():
    doc = build()
    assert section_ids(doc, "identity") == ["a:a1"]
    assert doc["identity"] == {"name": "Anouk the baker", "quote": "", "story": "", "role": "",
                               "age_range": "", "location": "", "picture": None}


def test_editable_fields_and_paths():
    doc = build()
    fields = editable_fields(doc)
    assert list(fields)[:6] == ["identity.name", "identity.quote", "identity.story",
                                "identity.role", "identity.age_range", "identity.location"]
    assert list(fields)[6:] == ["items.a:a1", "items.a:a3", "items.a:a2", "items.a:a4",
                                "items.g:g1", "items.a:a8", "items.a:a11"]
    assert fields["items.a:a4"] == "Wants to open a second shop within two years"


def test_with_field_returns_a_new_document():
    doc = build()
    changed = with_field(doc, "items.g:g1", "Sees who owes her money")
    assert item(changed, "g:g1")["text"] == "Sees who owes her money"
    assert item(doc, "g:g1")["text"] != "Sees who owes her money"
    assert with_field(doc, "identity.quote", "Hi")["identity"]["quote"] == "Hi"


@pytest.mark.parametrize("path", ["identity.picture", "identity", "items.a:zzz", "name",
                                  "items.", "sections.0"])
def test_with_field_refuses_unknown_paths(path):
    with pytest.raises(ValueError, match="unknown field"):
        with_field(build(), path, "x")


def test_with_picture_checks_the_shape():
    pic = {"kind": "upload", "media_type": "image/png", "data": "iVBORw0KGgo="}
    assert with_picture(build(), pic)["identity"]["picture"] == pic
    assert with_picture(build(), None)["identity"]["picture"] is None
    with pytest.raises(ValueError, match="picture"):
        with_picture(build(), {"kind": "upload", "media_type": "image/svg+xml", "data": ""})


def test_document_coverage_matches_board_coverage():
    from workshop.domain.evidence import board_items, coverage

    board = coverage(board_items(fx.snapshot()), fx.evidence_links())["p1"]
    assert document_coverage(build()) == board
