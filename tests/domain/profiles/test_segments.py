"""Segment rules, validation with clear errors, splitting on a column, and sizing."""

from __future__ import annotations

import datetime as dt

import pytest

from tests.domain.profiles.tables import make_table
from workshop.domain.profiles.problems import ProfileDataError
from workshop.domain.profiles.segments import (
    rule_problems,
    segment_mask,
    size_segments,
    split_on,
    validate_rule,
    weight_problems,
)


@pytest.fixture
def table():
    return make_table({
        "city": ["Utrecht", "Breda", "Utrecht", None, "Zwolle", "Breda"] * 10,
        "age": [30.0, 45.0, 52.0, 61.0, None, 38.0] * 10,
        "since": [dt.date(2020, 1, 1), dt.date(2021, 6, 1), dt.date(2022, 1, 1),
                  dt.date(2023, 1, 1), dt.date(2024, 1, 1), None] * 10,
        "newsletter": [True, False, True, True, False, None] * 10,
        "revenue": [100.0, 200.0, 300.0, 400.0, 500.0, 600.0] * 10,
    }, {"city": "category", "age": "number", "since": "date", "newsletter": "boolean",
        "revenue": "number"})


@pytest.mark.parametrize(("rule", "selected"), [
    ({"column": "city", "test": "equals", "value": "Utrecht"}, 20),
    ({"column": "city", "test": "in", "value": ["Breda", "Zwolle"]}, 30),
    ({"column": "city", "test": "contains", "value": "ech"}, 20),
    ({"column": "city", "test": "is_empty"}, 10),
    ({"column": "age", "test": "between", "value": [38, 52]}, 30),
    ({"column": "age", "test": "between", "value": [50, None]}, 20),
    ({"column": "since", "test": "between", "value": ["2021-01-01", "2022-12-31"]}, 20),
    ({"column": "newsletter", "test": "equals", "value": True}, 30),
    ({"column": "newsletter", "test": "equals", "value": "no"}, 20),
    ({"all": [{"column": "city", "test": "equals", "value": "Utrecht"},
              {"column": "age", "test": "between", "value": [40, None]}]}, 10),
    ({"any": [{"column": "city", "test": "equals", "value": "Zwolle"},
              {"all": [{"column": "city", "test": "equals", "value": "Breda"},
                       {"column": "age", "test": "between", "value": [None, 40]}]}]}, 20),
])
def test_rules_select_the_rows_they_describe(table, rule, selected):
    assert validate_rule(rule, table) == []
    assert segment_mask(table, rule).sum() == selected


@pytest.mark.parametrize(("rule", "code", "words"), [
    ({"column": "town", "test": "equals", "value": "x"}, "unknown_column", "no column 'town'"),
    ({"column": "city", "test": "like", "value": "x"}, "bad_rule", "'like' is not a test"),
    ({"column": "city", "test": "between", "value": [1, 2]}, "wrong_type", "number or date"),
    ({"column": "age", "test": "contains", "value": "3"}, "wrong_type", "text column"),
    ({"column": "age", "test": "equals", "value": "forty"}, "bad_value", "not a number"),
    ({"column": "age", "test": "between", "value": [1]}, "bad_value", "[low, high]"),
    ({"column": "since", "test": "equals", "value": "01-01-2020"}, "bad_value", "YYYY-MM-DD"),
    ({"column": "city", "test": "in", "value": []}, "bad_value", "a list of 1 to"),
    ({"column": "newsletter", "test": "equals", "value": "maybe"}, "bad_value", "true or false"),
    ({"any": []}, "bad_rule", "non-empty list"),
    ({"all": [{"column": "city"}], "any": []}, "bad_rule", "a rule is"),
    ("city = Utrecht", "bad_rule", "an object"),
])
def test_a_bad_rule_gets_a_clear_error(table, rule, code, words):
    problems = validate_rule(rule, table)
    assert problems and problems[0]["code"] == code and words in problems[0]["reason"]
    with pytest.raises(ProfileDataError):
        segment_mask(table, rule)


def test_an_empty_all_is_every_row(table):
    assert validate_rule({"all": []}, table) == []
    assert segment_mask(table, {"all": []}).sum() == table.row_count


def test_too_deep_a_rule_is_refused(table):
    rule = {"column": "age", "test": "is_empty"}
    for _ in range(8):
        rule = {"all": [rule]}
    assert validate_rule(rule, table)[0]["reason"].startswith("rules nest at most")


def test_split_makes_one_segment_per_value_most_frequent_first(table):
    segments = split_on(table, "city", prefix="city:")
    assert [s["id"] for s in segments] == ["city:Breda", "city:Utrecht", "city:Zwolle"]
    assert segments[0]["rule"] == {"column": "city", "test": "equals", "value": "Breda"}
    assert [s["name"] for s in split_on(table, "newsletter")] == ["yes", "no"]
    with pytest.raises(ProfileDataError):
        split_on(table, "age")


def test_sizing_gives_sizes_shares_weighted_shares_overlaps_and_the_rest(table):
    segments = [
        {"id": "u", "name": "Utrecht", "rule": {"column": "city", "test": "equals",
                                                "value": "Utrecht"}},
        {"id": "old", "name": "Over 50", "rule": {"column": "age", "test": "between",
                                                  "value": [50, None]}},
    ]
    sizing = size_segments(table, segments, weight="revenue")
    assert sizing["total"] == 60 and sizing["k"] == 10
    utrecht, old = sizing["segments"]
    assert utrecht["size"] == {"count": 20, "share": 0.3333, "suppressed": False}
    assert utrecht["weighted_share"] == round((100 + 300) / 2100, 4)
    assert old["size"]["count"] == 20
    assert sizing["overlaps"] == [{"a": "u", "b": "old", "size": {
        "count": 10, "share": 0.1667, "suppressed": False}}]
    assert sizing["unassigned"]["count"] == 30


def test_a_small_segment_is_suppressed_and_cannot_be_recovered_from_the_rest():
    table = make_table({"tier": ["gold"] * 5 + ["silver"] * 40 + ["bronze"] * 55},
                       {"tier": "category"})
    sizing = size_segments(table, split_on(table, "tier"))
    sizes = {s["id"]: s["size"]["count"] for s in sizing["segments"]}
    # 100 − 55 − 40 would give gold's 5 back, so silver is hidden with it.
    assert sizes == {"bronze": 55, "silver": None, "gold": None}
    assert sizing["unassigned"]["count"] == 0


def test_an_overlap_that_would_give_a_small_difference_away_is_hidden():
    # Segment b is a (60 rows) less 3: published a, b and a∩b would give those 3 away.
    table = make_table({"x": [1.0] * 3 + [2.0] * 57 + [3.0] * 40}, {"x": "number"})
    segments = [{"id": "a", "name": "a", "rule": {"column": "x", "test": "between",
                                                  "value": [1, 2]}},
                {"id": "b", "name": "b", "rule": {"column": "x", "test": "between",
                                                  "value": [2, 2]}}]
    sizing = size_segments(table, segments)
    a, b = (s["size"]["count"] for s in sizing["segments"])
    overlap = sizing["overlaps"][0]["size"]["count"]
    assert (a, b, overlap) == (None, 57, 57)
    # …and with a hidden, total − unassigned − b would give them away again.
    assert sizing["unassigned"]["count"] is None


def test_a_weight_that_is_not_a_number_is_refused(table):
    with pytest.raises(ProfileDataError) as error:
        size_segments(table, [], weight="city")
    assert error.value.problems[0]["code"] == "wrong_type"


def weighed(revenue_in: list[float], revenue_out: list[float]) -> dict:
    """Sizing of segment "in" (the first rows) against the rest, weighed by revenue."""
    table = make_table({"seg": ["in"] * len(revenue_in) + ["out"] * len(revenue_out),
                        "revenue": revenue_in + revenue_out},
                       {"seg": "category", "revenue": "number"})
    return size_segments(table, [{"id": "in", "name": "in", "rule": {
        "column": "seg", "test": "equals", "value": "in"}}], weight="revenue")


def test_a_weighted_share_about_fewer_than_k_payers_inside_is_suppressed():
    # 40 people in the segment, but only 3 of them carry revenue: 3 people's spending.
    sizing = weighed([500.0] * 3 + [0.0] * 37, [100.0] * 60)
    segment = sizing["segments"][0]
    assert segment["size"]["count"] == 40 and segment["weighted_share"] is None
    assert weighed([500.0] * 10 + [0.0] * 30, [100.0] * 60)["segments"][0][
        "weighted_share"] == round(5000 / 11000, 4)


def test_a_weighted_share_whose_rest_is_fewer_than_k_payers_is_suppressed():
    # One minus the share would be the spending of the 4 payers outside the segment.
    assert weighed([100.0] * 40, [900.0] * 4 + [None] * 56)["segments"][0][
        "weighted_share"] is None


def test_weighted_shares_that_subtract_to_a_few_payers_are_suppressed():
    # "all" is every row, "two" the rows with x = 2: all − two is 23 people (sizes may show)
    # but only 3 of them pay, so the two weighted shares would give those 3 payers away.
    table = make_table({"x": [1.0] * 23 + [2.0] * 57,
                        "revenue": [100.0] * 3 + [0.0] * 20 + [100.0] * 57},
                       {"x": "number", "revenue": "number"})
    segments = [{"id": "all", "name": "all", "rule": {"column": "x", "test": "between",
                                                      "value": [0, None]}},
                {"id": "two", "name": "two", "rule": {"column": "x", "test": "equals",
                                                      "value": 2}}]
    every, two = size_segments(table, segments, weight="revenue")["segments"]
    assert (every["size"]["count"], two["size"]["count"]) == (80, 57)
    assert every["weighted_share"] == 1.0 and two["weighted_share"] is None


def test_a_weight_alone_sizes_no_segments_over_every_row(table):
    sizing = size_segments(table, [], weight="revenue")
    assert sizing["unassigned"]["count"] == 60 and sizing["weight_column"] == "revenue"


@pytest.mark.parametrize(("name", "code"), [("revenue", None), ("missing", "unknown_column"),
                                            ("email", "column_dropped"),
                                            ("city", "wrong_type")])
def test_a_weight_column_must_be_a_kept_number_column(name, code):
    columns = [{"name": "revenue", "kind": "number", "role": "attribute"},
               {"name": "email", "kind": "identifier", "role": "dropped"},
               {"name": "city", "kind": "category", "role": "attribute"}]
    found = weight_problems(name, columns)
    assert [p["code"] for p in found] == ([code] if code else [])


def test_a_rule_is_checked_against_a_mapping_without_rows():
    columns = [{"name": "age", "kind": "number", "role": "sensitive"},
               {"name": "email", "kind": "identifier", "role": "dropped"}]
    assert rule_problems({"column": "age", "test": "between", "value": [30, 40]}, columns) == []
    assert rule_problems({"column": "email", "test": "is_empty"}, columns)[0]["code"] == \
        "unknown_column"
    assert rule_problems({"column": "age", "test": "contains", "value": "3"}, columns)[0][
        "code"] == "wrong_type"


def test_a_dataset_under_k_rows_shows_no_figures():
    table = make_table({"city": ["A", "B", "A"]}, {"city": "category"})
    sizing = size_segments(table, split_on(table, "city"))
    assert sizing["total"] is None
    assert all(s["size"]["suppressed"] for s in sizing["segments"])


def test_a_mask_is_computed_once_per_rule(table):
    rule = {"column": "city", "test": "equals", "value": "Utrecht"}
    first = segment_mask(table, rule)
    assert segment_mask(table, dict(reversed(list(rule.items())))) is first
    assert len(table.masks) == 1
