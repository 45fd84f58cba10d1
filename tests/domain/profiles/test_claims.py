"""Claims: parsing trait text, each rule at its boundaries, and the worked examples of
docs/profiles.md ("The claim rules")."""

from __future__ import annotations

import pytest

from tests.domain.profiles.tables import SEGMENT, segment_and_rest
from workshop.domain.profiles.claims import check_claim, parse_claim, parse_range
from workshop.domain.profiles.stats import wilson


@pytest.mark.parametrize(("text", "low", "high", "low_inclusive", "high_inclusive"), [
    ("35–44", 35, 44, True, True),
    ("35-44", 35, 44, True, True),
    ("35 to 45", 35, 45, True, True),
    ("35 tot 45", 35, 45, True, True),
    ("35 t/m 45 jaar", 35, 45, True, True),
    ("between 35 and 45", 35, 45, True, True),
    ("tussen 35 en 45", 35, 45, True, True),
    ("aged 35–44 years", 35, 44, True, True),
    ("40s", 40, 50, True, False),
    ("in their 40's", 40, 50, True, False),
    ("40-ers", 40, 50, True, False),
    ("veertigers", 40, 50, True, False),
    ("over 60", 60, None, False, True),
    ("ouder dan 60", 60, None, False, True),
    ("60+", 60, None, True, True),
    ("60 or older", 60, None, True, True),
    ("under 30", None, 30, True, False),
    ("jonger dan 30", None, 30, True, False),
    ("about 40", 36, 44, True, True),
    ("ongeveer 40", 36, 44, True, True),
    ("~5", 4, 6, True, True),
])
def test_ranges_are_parsed_in_english_and_dutch(text, low, high, low_inclusive, high_inclusive):
    claim = parse_range(text, "age")
    assert claim is not None, text
    assert (claim["low"], claim["high"]) == (low, high)
    assert (claim["low_inclusive"], claim["high_inclusive"]) == (low_inclusive, high_inclusive)
    assert claim["text"] == text and claim["column"] == "age"


def test_date_ranges_keep_iso_dates():
    assert parse_range("2020-01-01 to 2022-12-31", "since")["low"] == "2020-01-01"
    assert parse_range("after 2024-01-01", "since")["low_inclusive"] is False


@pytest.mark.parametrize(("text", "kind", "value"), [
    ("most common value is Utrecht", "most_common", "Utrecht"),
    ("Most common: app.", "most_common", "app"),
    ("meestal telefoon", "most_common", "telefoon"),
    ("more likely than average: phone", "more_likely", "phone"),
    ("vaker dan gemiddeld: nieuwsbrief", "more_likely", "nieuwsbrief"),
])
def test_value_claims_are_parsed(text, kind, value):
    claim = parse_claim(text, "channel")
    assert (claim["kind"], claim["value"]) == (kind, value)


@pytest.mark.parametrize("text", ["likes coffee", "Anouk", "", "most common:"])
def test_text_without_a_claim_is_none(text):
    assert parse_claim(text, "age") is None


def ages(*groups: tuple[int, float]) -> list[float]:
    """(how many, age) groups as one list."""
    return [age for count, age in groups for _ in range(count)]


def check_range(text: str, segment_ages: list[float], k: int = 10) -> dict:
    table = segment_and_rest({"age": segment_ages}, {"age": [20.0] * 200}, {"age": "number"})
    return check_claim(table, SEGMENT, parse_range(text, "age"), k=k)


# The worked examples of docs/profiles.md, in its order.
@pytest.mark.parametrize(("text", "segment_ages", "median", "in_range", "status"), [
    ("35–45", ages((24, 40), (77, 52), (99, 60)), 52, 24, "contradicted"),
    ("35–45", ages((54, 30), (92, 41), (54, 60)), 41, 92, "consistent"),
    ("40s", ages((67, 30), (66, 44), (67, 60)), 44, 66, "weak"),
    ("35 to 45", ages((60, 40), (80, 47), (60, 70)), 47, 60, "weak"),
])
def test_the_worked_range_examples(text, segment_ages, median, in_range, status):
    check = check_range(text, segment_ages)
    assert (check["status"], check["n"]) == (status, 200)
    assert check["figures"]["median"] == median and check["figures"]["in_range"] == in_range


def test_consistent_needs_at_least_40_percent_in_range():
    assert check_range("35–45", ages((60, 30), (80, 40), (60, 60)))["status"] == "consistent"
    weak = check_range("35–45", ages((61, 30), (79, 40), (60, 60)))
    assert (weak["status"], weak["reason"]) == ("weak", "median_in_few_in_range")


def test_contradicted_needs_under_25_percent_in_range():
    weak = check_range("35–45", ages((50, 40), (150, 60)))
    assert (weak["status"], weak["reason"]) == ("weak", "median_outside_many_in_range")
    assert check_range("35–45", ages((49, 40), (151, 60)))["status"] == "contradicted"


def test_open_ends_are_respected():
    assert check_range("over 60", ages((100, 60), (100, 61)))["figures"]["in_range"] == 100
    assert check_range("60+", ages((100, 60), (100, 61)))["figures"]["in_range"] == 200
    assert check_range("40s", ages((100, 50), (100, 49)))["figures"]["in_range"] == 100


def test_a_range_check_gives_the_median_interval_and_the_share_interval():
    check = check_range("35–45", ages((54, 30), (92, 41), (54, 60)))
    assert check["figures"]["median_ci"] == [41, 41]
    low, high = check["figures"]["share_ci"]
    assert low < 0.46 < high
    assert "median 41" in check["summary"] and "n = 200" in check["summary"]


def test_k_people_are_measurable_fewer_are_not():
    assert check_range("35–45", [40.0] * 10)["status"] == "consistent"
    too_few = check_range("35–45", [40.0] * 9)
    assert (too_few["status"], too_few["reason"], too_few["n"], too_few["figures"]) == (
        "not_measurable", "too_few", None, {})


def test_a_small_in_range_count_is_suppressed_but_the_status_stands():
    check = check_range("under 30", ages((5, 25), (195, 52)))
    assert check["status"] == "contradicted"
    assert check["figures"]["in_range"] is None and check["figures"]["share_in_range"] is None


def test_missing_or_unsuitable_columns_are_not_measurable():
    table = segment_and_rest({"city": ["A"] * 20}, {"city": ["B"] * 20}, {"city": "category"})
    assert check_claim(table, SEGMENT, parse_range("35–45", "age"))["reason"] == "no_column"
    assert check_claim(table, SEGMENT, parse_range("35–45", "city"))["reason"] == "wrong_kind"


def cities(**counts: int) -> list[str]:
    return [city for city, count in counts.items() for _ in range(count)]


def check_city(claim: str, segment: list[str]) -> dict:
    table = segment_and_rest({"city": segment}, {"city": ["Zwolle"] * 100}, {"city": "category"})
    return check_claim(table, SEGMENT, parse_claim(claim, "city"))


def test_the_worked_most_common_examples():
    clear = cities(Utrecht=90, Amsterdam=60, Breda=10, Delft=10, Ede=10, Gouda=10, Hoorn=10)
    assert check_city("most common: Utrecht", clear)["status"] == "consistent"
    assert check_city("most common: Amsterdam", clear)["status"] == "contradicted"
    close = cities(Utrecht=70, Amsterdam=64, Breda=11, Delft=11, Ede=11, Gouda=11, Hoorn=11,
                   Lisse=11)
    assert check_city("most common: Utrecht", close)["reason"] == "top_unclear"
    assert check_city("most common: Amsterdam", close)["reason"] == "maybe_top"


def test_most_common_is_consistent_exactly_when_the_lower_bound_beats_the_runner_up():
    needed = next(c for c in range(61, 200) if wilson(c, 200)[0] > 60 / 200)
    for count, status in ((needed, "consistent"), (needed - 1, "weak")):
        rest = 200 - 60 - count  # split so that Amsterdam stays the runner-up
        segment = cities(Utrecht=count, Amsterdam=60, Breda=rest // 2, Delft=rest - rest // 2)
        assert check_city("most common: Utrecht", segment)["status"] == status, count


def test_a_value_nobody_has_is_contradicted_as_most_common():
    check = check_city("most common: Atlantis", cities(Utrecht=150, Breda=50))
    assert (check["status"], check["figures"]["count"]) == ("contradicted", 0)


def check_phone(segment_phone: int, rest_phone: int, value: str = "phone") -> dict:
    table = segment_and_rest(
        {"channel": ["phone"] * segment_phone + ["web"] * (200 - segment_phone)},
        {"channel": ["phone"] * rest_phone + ["web"] * (800 - rest_phone)},
        {"channel": "category"})
    return check_claim(table, SEGMENT, parse_claim(f"more likely than average: {value}",
                                                   "channel"))


def test_the_worked_more_likely_examples():
    more = check_phone(60, 120)
    assert more["status"] == "consistent"
    assert (more["figures"]["population_share"], more["figures"]["lift"],
            more["figures"]["ratio"]) == (0.18, 1.667, 2.0)
    assert more["figures"]["ratio_ci"] == [1.529, 2.616]
    same = check_phone(36, 144)
    assert (same["status"], same["figures"]["ratio_ci"]) == ("weak", [0.718, 1.392])
    assert check_phone(10, 200)["status"] == "contradicted"


def test_more_likely_on_a_boolean_column_reads_yes_and_no():
    table = segment_and_rest({"newsletter": [True] * 150 + [False] * 50},
                             {"newsletter": [True] * 50 + [False] * 150},
                             {"newsletter": "boolean"})
    check = check_claim(table, SEGMENT, parse_claim("more likely: yes", "newsletter"))
    assert (check["status"], check["figures"]["value"]) == ("consistent", "true")
