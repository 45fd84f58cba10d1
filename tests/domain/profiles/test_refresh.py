"""Refresh: what changed between two checks or two cards of the same segment."""

from __future__ import annotations

from tests.domain.profiles.tables import SEGMENT, segment_and_rest
from workshop.domain.profiles.cards import profile_card
from workshop.domain.profiles.claims import check_claim, parse_claim
from workshop.domain.profiles.refresh import compare_cards, compare_checks


def table_with(ages: list[float], channel: list[str]):
    return segment_and_rest({"age": ages, "channel": channel},
                            {"age": [30.0] * 100, "channel": ["web"] * 100},
                            {"age": "number", "channel": "category"})


OLD = table_with([49.0] * 100, ["phone"] * 60 + ["web"] * 40)
NEW = table_with([52.0] * 100, ["web"] * 60 + ["phone"] * 40)


def test_a_newly_contradicted_claim_and_its_median_are_reported():
    claim = parse_claim("45–50", "age")
    changes = compare_checks([check_claim(OLD, SEGMENT, claim)],
                             [check_claim(NEW, SEGMENT, claim)])
    sentences = [c["sentence"] for c in changes]
    assert "“45–50” (age): consistent → newly contradicted" in sentences
    assert "median age 49 → 52" in sentences


def test_new_and_gone_checks_are_reported():
    old = [check_claim(OLD, SEGMENT, parse_claim("45–50", "age"))]
    new = [check_claim(NEW, SEGMENT, parse_claim("most common: web", "channel"))]
    assert [c["what"] for c in compare_checks(old, new)] == ["new", "gone"]


def test_unchanged_checks_report_nothing():
    checks = [check_claim(OLD, SEGMENT, parse_claim("45–50", "age"))]
    assert compare_checks(checks, checks) == []


def test_cards_report_medians_and_top_values_that_moved():
    sentences = [c["sentence"] for c in compare_cards(profile_card(OLD, SEGMENT),
                                                      profile_card(NEW, SEGMENT))]
    assert "median age 49 → 52" in sentences
    assert "most common channel phone → web" in sentences
