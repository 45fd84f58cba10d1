"""The profile card: distinctive attributes first, sensitive ones never, shared bins, spread."""

from __future__ import annotations

import pytest

from tests.domain.profiles.tables import SEGMENT, make_table, segment_and_rest
from tests.profiles_data import AS_OF, customer_csv
from workshop.domain.profiles.cards import (
    histogram_edges,
    nice_round,
    profile_card,
    profile_cards,
)
from workshop.domain.profiles.segments import split_on
from workshop.domain.profiles.table import load_table


@pytest.fixture(scope="module")
def card():
    table = segment_and_rest(
        {"channel": ["phone"] * 70 + ["web"] * 30, "age": [70.0] * 24 + [50.0] * 76,
         "tier": ["gold"] * 50 + ["silver"] * 50},
        {"channel": ["phone"] * 30 + ["web"] * 270,
         "age": [20.0] * 100 + [40.0] * 100 + [60.0] * 100,
         "tier": ["gold"] * 150 + ["silver"] * 150},
        {"channel": "category", "age": "number", "tier": "category"}, {"age": "sensitive"})
    return profile_card(table, SEGMENT)


def test_the_card_names_its_segment_and_size(card):
    assert (card["segment"], card["n"], card["share"], card["suppressed"]) == (
        "s", 100, 0.25, False)


def test_distinctive_attributes_come_first_and_sensitive_ones_are_never_offered(card):
    order = [c["column"] for c in card["columns"]]
    assert order.index("channel") < order.index("tier")
    assert card["distinctive"] == ["channel"]
    age = next(c for c in card["columns"] if c["column"] == "age")
    assert age["effect"] > 0.2 and age["distinctive"] is False
    assert not any("over 60" in sentence for sentence in card["spread"])
    seg = next(c for c in card["columns"] if c["column"] == "seg")
    assert seg["in_rule"] and not seg["distinctive"]


def test_categories_have_share_interval_and_lift(card):
    channel = next(c for c in card["columns"] if c["column"] == "channel")
    phone = channel["top"][0]
    assert (phone["value"], phone["count"], phone["share"], phone["population_share"]) == (
        "phone", 70, 0.7, 0.25)
    assert phone["lift"] == 2.8 and phone["ci"][0] < 0.7 < phone["ci"][1]
    assert channel["spread"] == ["30% of this segment is not phone"]


def test_numbers_have_median_interval_quartiles_and_a_histogram_on_shared_bins(card):
    age = next(c for c in card["columns"] if c["column"] == "age")
    assert (age["median"], age["population_median"], age["n"], age["empty"]) == (50, 45, 100, 0)
    assert age["median_ci"] == [50, 50] and age["q1"] == 50 and age["q3"] == 50
    histogram = age["histogram"]
    assert len(histogram["counts"]) == len(histogram["population"]) == len(histogram["edges"]) + 1
    assert sum(histogram["population"]) == 400 and sum(histogram["counts"]) == 100
    assert age["spread"] == ["24% of this segment is over 60"]


def test_histogram_edges_are_round_and_leave_the_extremes_open():
    import polars as pl

    edges = histogram_edges(pl.Series([float(v) for v in range(18, 96)] + [1000.0]))
    assert edges[0] <= 20 and edges[-1] >= 94 and edges[-1] < 1000
    steps = {round(b - a, 6) for a, b in zip(edges, edges[1:], strict=False)}
    assert len(steps) == 1 and steps.pop() in (5, 10, 20, 25)
    assert [nice_round(v) for v in (61.0, 34.0, 1480.0, 0.0)] == [60, 30, 1500, 0]


def test_a_small_bin_is_hidden_with_a_partner_in_both_rows():
    table = segment_and_rest({"age": [30.0] * 95 + [90.0] * 5},
                             {"age": [30.0] * 50 + [50.0] * 50 + [90.0] * 40},
                             {"age": "number"})
    age = next(c for c in profile_card(table, SEGMENT)["columns"] if c["column"] == "age")
    counts, population = age["histogram"]["counts"], age["histogram"]["population"]
    hidden = [i for i, c in enumerate(counts) if c is None]
    assert len(hidden) >= 2 and all(population[i] is None for i in hidden)
    assert 100 - sum(c for c in counts if c is not None) >= 10


def test_a_segment_under_k_gets_no_figures():
    table = segment_and_rest({"age": [40.0] * 9}, {"age": [30.0] * 100}, {"age": "number"})
    card = profile_card(table, SEGMENT)
    assert (card["suppressed"], card["n"], card["columns"]) == (True, None, [])


def test_the_generated_export_has_a_segment_with_median_age_52():
    table = load_table(customer_csv(5000), {"segment": "attribute", "age": "sensitive",
                                            "channel": "attribute"}, as_of=AS_OF)
    segment = next(s for s in split_on(table, "segment") if s["name"] == "Established households")
    age = next(c for c in profile_card(table, segment)["columns"] if c["column"] == "age")
    assert age["median"] == 52


def test_no_order_statistic_is_anyones_exact_figure():
    revenue = [round(100 + i * 7.31, 2) for i in range(101)]
    table = segment_and_rest({"revenue": revenue}, {"revenue": [50.25] * 40},
                             {"revenue": "number"})
    column = next(c for c in profile_card(table, SEGMENT)["columns"]
                  if c["column"] == "revenue")
    shown = [column["median"], *column["median_ci"], column["q1"], column["q3"],
             column["population_median"]]
    assert not set(shown) & set(revenue)
    assert column["median"] == 466.0  # 465.5 exactly: rounded to 3 significant digits


def test_a_date_spread_sentence_names_the_first_of_a_month_near_the_quartile():
    import datetime as dt

    days = [dt.date(2024, 1, 1) + dt.timedelta(days=i) for i in range(0, 400, 2)]
    table = segment_and_rest({"since": days[100:]}, {"since": days[:100]}, {"since": "date"})
    since = next(c for c in profile_card(table, SEGMENT)["columns"] if c["column"] == "since")
    # The population's upper quartile is 2024-10-26: "after 2024-10-01".
    assert since["spread"][0].endswith("of this segment is after 2024-10-01")


def test_a_date_columns_median_and_quartiles_read_as_days():
    import datetime as dt
    import re

    # 30 days in a row: the median (day 14.5) and the quartiles fall between two days.
    days = [dt.date(2025, 3, 1) + dt.timedelta(days=i) for i in range(30)]
    table = segment_and_rest({"since": days}, {"since": days[::3]}, {"since": "date"})
    since = next(c for c in profile_card(table, SEGMENT)["columns"] if c["column"] == "since")
    shown = [since["median"], *since["median_ci"], since["q1"], since["q3"],
             since["population_median"]]
    assert all(isinstance(v, str) and re.fullmatch(r"\d{4}-\d{2}-\d{2}", v) for v in shown), shown
    assert "2025-03-15" <= since["median"] <= "2025-03-16"
    assert all(isinstance(edge, str) for edge in since["histogram"]["edges"])


def _shown_bins(card: dict, column: str) -> list:
    return next(c for c in card["columns"] if c["column"] == column)["histogram"]["counts"]


def test_a_segment_less_a_few_people_gives_none_of_them_away_when_drawn_together():
    # Twelve of group a's rows are "flagged": 3 aged 85 and 9 aged 40. "Group a" and "group
    # a, not flagged" are each safe on their own, but one card less the other would count
    # those 3 and those 9 bin by bin.
    ages = ([20 + i % 60 for i in range(138)] + [85.0] * 30 + [85.0] * 3 + [40.0] * 9
            + [20 + i % 75 for i in range(150)])
    group = ["a"] * 180 + ["b"] * 150
    flagged = [False] * 168 + [True] * 12 + [False] * 150
    table = make_table({"age": [float(a) for a in ages], "group": group, "flagged": flagged},
                       {"age": "number", "group": "category", "flagged": "boolean"})
    everyone_in_a = {"id": "a", "name": "Group a",
                     "rule": {"column": "group", "test": "equals", "value": "a"}}
    a_not_flagged = {"id": "b", "name": "Group a, not flagged", "rule": {"all": [
        everyone_in_a["rule"], {"column": "flagged", "test": "equals", "value": False}]}}

    def differences(cards: dict) -> list[int]:
        return [x - y for x, y in zip(_shown_bins(cards["a"], "age"),
                                      _shown_bins(cards["b"], "age"), strict=True)
                if x is not None and y is not None]

    apart = {s["id"]: profile_card(table, s) for s in (everyone_in_a, a_not_flagged)}
    assert sorted(d for d in differences(apart) if 0 < d < 10) == [3, 9]  # the leak
    together = profile_cards(table, [everyone_in_a, a_not_flagged])
    assert not any(0 < d < 10 for d in differences(together))
    hidden = [[c is None for c in _shown_bins(together[i], "age")] for i in ("a", "b")]
    assert hidden[0] == hidden[1] and sum(hidden[0]) >= 2  # the same cells, with a partner


def test_cards_drawn_together_share_their_values_so_one_can_list_more_than_five():
    # North's five most common towns are not South's; each card lists every value of the
    # shared layout it has, so "other" means the same towns on both cards.
    north = [f"N{i}" for i in range(6) for _ in range(20 - i)]
    south = [f"S{i}" for i in range(6) for _ in range(20 - i)] + ["N0"] * 12
    table = make_table({"town": north + south,
                        "region": ["north"] * len(north) + ["south"] * len(south)},
                       {"town": "category", "region": "category"})
    segments = [{"id": r, "name": r, "rule": {"column": "region", "test": "equals", "value": r}}
                for r in ("north", "south")]
    cards = profile_cards(table, segments)
    towns = {r: next(c for c in cards[r]["columns"] if c["column"] == "town") for r in cards}
    assert [t["value"] for t in towns["south"]["top"]] == ["S0", "S1", "S2", "S3", "S4", "N0"]
    assert towns["south"]["other"]["count"] == 15  # S5 alone: not among either card's top five
    assert [t["value"] for t in towns["north"]["top"]][:5] == ["N0", "N1", "N2", "N3", "N4"]
