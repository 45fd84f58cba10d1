"""The app's boundary around the analysis: order statistics are no one's exact value."""

from workshop.services.profiling import coarse, coarsened


def test_order_statistics_are_rounded_coarser_than_cents():
    assert coarse(1095.41) == 1100.0
    assert coarse(699.4) == 699.0
    assert coarse(52.5) == 52.5  # an even count's median: already no one's value
    assert coarse(52.0) == 52.0 and coarse(3.14159) == 3.1


def test_a_card_and_its_sentences_quote_the_coarse_values_only():
    card = {"columns": [{"column": "revenue", "median": 1095.41, "median_ci": [978.68, 1153.27],
                         "q1": 574.5, "effect": 0.978,
                         "spread": ["median 1,095.41 against 497.39 overall"]}],
            "summary": "median 1095.41 (95% CI 978.68–1153.27), ratio 5.64"}
    out = coarsened(card)
    column = out["columns"][0]
    assert column["median"] == 1100.0 and column["median_ci"] == [979.0, 1150.0]
    assert column["effect"] == 0.978  # not an order statistic: as the analysis gave it
    assert out["summary"] == "median 1,100 (95% CI 979–1,150), ratio 5.64"
    assert column["spread"] == ["median 1,100 against 497.39 overall"]
