"""Review dates and freshness: worked examples from evidence dates (domain/review.py)."""

from __future__ import annotations

from datetime import date

from workshop.domain import review

TODAY = date(2026, 12, 7)


def trait(id_: str, *note_dates: str | None, checks: tuple[str, ...] = ()) -> dict:
    """A document item with research notes of these dates (and data checks as of these)."""
    provenance = {"evidence": [{"date": d, "relation": "supports"} for d in note_dates]}
    if checks:
        provenance["data_checks"] = [{"as_of": d} for d in checks]
    return {"id": id_, "text": id_, "provenance": provenance}


def test_a_trait_is_as_fresh_as_its_newest_evidence():
    assert review.freshness(trait("a", "2024-03-01", "2025-09-15", None)) == date(2025, 9, 15)


def test_an_undated_trait_has_no_freshness():
    assert review.freshness(trait("a")) is None
    assert review.freshness(trait("a", None, "not a date")) is None


def test_a_data_check_is_a_second_source_of_evidence():
    item = trait("a", "2024-01-01", checks=("2026-06-30",))
    assert review.freshness(item) == date(2026, 6, 30)
    # Only research notes: the same trait is as old as its note.
    assert review.freshness(item, [review.research_note_dates]) == date(2024, 1, 1)


def test_the_threshold_day_still_counts_as_fresh():
    items = [trait("old", "2025-06-06"), trait("edge", "2025-06-07"),
             trait("new", "2024-03-01", "2025-09-15"), trait("untested")]
    assert [i["id"] for i in review.stale_items(items, TODAY, 18)] == ["old"]


def test_months_before_clamps_to_the_shorter_month():
    assert review.months_before(date(2026, 8, 31), 18) == date(2025, 2, 28)
    assert review.months_before(date(2026, 1, 15), 1) == date(2025, 12, 15)


def test_review_by_is_the_agreement_day_plus_the_interval():
    assert review.review_by("2026-06-10T09:30:00+00:00", 180) == date(2026, 12, 7)
    assert review.review_by(date(2026, 1, 1)) == date(2026, 6, 30)


def test_status_says_due_on_the_review_day_and_counts_stale_traits():
    items = [trait("a", "2020-01-01"), trait("b", "2021-05-05"), trait("c", "2019-02-02"),
             trait("d", "2026-11-01")]
    status = review.status(items, "2026-12-07", TODAY, 18)
    assert status["due"] is True and status["review_by"] == "2026-12-07"
    assert status["stale"] == ["a", "b", "c"]
    assert status["notices"] == ["Review due (review by 2026-12-07)",
                                 "3 traits rest on evidence older than 18 months"]


def test_status_of_a_fresh_version_has_nothing_to_say():
    status = review.status([trait("a", "2026-11-01")], "2026-12-08", TODAY)
    assert status == {"review_by": "2026-12-08", "due": False, "stale": [],
                      "stale_months": 18, "notices": []}


def test_a_draft_is_never_due_and_one_stale_trait_reads_in_the_singular():
    status = review.status([trait("a", "2020-01-01")], None, TODAY, 12)
    assert status["due"] is False and status["review_by"] is None
    assert status["notices"] == ["1 trait rests on evidence older than 12 months"]


def agreed_trait(id_: str, *, evidence=(), contested=False, state="untested") -> dict:
    """A trait as frozen in an agreed version."""
    return {"id": id_, "text": id_, "provenance": {"evidence": list(evidence),
                                                   "contested": contested,
                                                   "evidence_state": state}}


def test_attention_names_each_reason_once_in_order():
    old_note = {"note_id": "n_old", "date": "2020-01-01", "relation": "supports", "seq": 5}
    items = [agreed_trait("untested"),
             agreed_trait("contested", evidence=[{"date": "2026-10-01"}], contested=True,
                          state="validated"),
             agreed_trait("stale", evidence=[old_note], state="validated"),
             agreed_trait("fine", evidence=[{"date": "2026-10-01"}], state="validated"),
             agreed_trait("turned", evidence=[{"date": "2026-10-01"}], state="validated")]
    live = {"stale": [old_note], "fine": [{"note_id": "n1", "relation": "supports", "seq": 4}],
            "turned": [{"note_id": "n1", "relation": "supports", "seq": 4},
                       {"note_id": "n2", "relation": "contradicts", "seq": 40}]}
    dates = {"n_old": "2020-01-01", "n1": "2026-10-01", "n2": "2026-11-20"}
    assert review.attention(items, live, dates, agreed_seq=30, today=TODAY) == {
        "untested": ["untested"], "contested": ["contested"], "stale": ["stale"],
        "turned": ["newly_contradicted", "new_research"]}


def test_new_research_makes_an_old_trait_fresh_again():
    item = agreed_trait("a", evidence=[{"date": "2020-01-01"}], state="validated")
    live = {"a": [{"note_id": "n9", "relation": "supports", "seq": 50}]}
    got = review.attention([item], live, {"n9": "2026-11-30"}, agreed_seq=30, today=TODAY)
    assert got == {"a": ["new_research"]}
