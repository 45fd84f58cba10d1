"""The intervals: Wilson, order-statistic medians, risk ratios."""

from __future__ import annotations

import pytest

from workshop.domain.profiles.stats import (
    coarse,
    cohens_h,
    median_interval,
    median_ranks,
    risk_ratio_interval,
    wilson,
)


def test_wilson_matches_the_formula_worked_by_hand():
    low, high = wilson(90, 200)  # (p + z²/2n ∓ z·√(p(1−p)/n + z²/4n²)) / (1 + z²/n), by hand
    assert (round(low, 4), round(high, 4)) == (0.3826, 0.5192)
    assert wilson(0, 10)[0] == 0 and wilson(10, 10)[1] == pytest.approx(1)
    assert wilson(0, 0) == (0.0, 1.0)


def test_the_median_interval_uses_binomial_ranks():
    assert median_ranks(200) == (85, 114)  # ranks 86 and 115 of 200, 0-based
    assert median_interval(list(range(1, 201))) == (86, 115)
    low, high = median_ranks(10)
    assert 0 <= low < 5 <= high <= 9


def test_the_risk_ratio_interval_is_katz():
    ratio, low, high = risk_ratio_interval(60, 200, 120, 800)
    assert ratio == 2.0 and (round(low, 3), round(high, 3)) == (1.529, 2.616)
    ratio, low, high = risk_ratio_interval(0, 100, 10, 100)  # Haldane's 0.5 keeps it finite
    assert ratio < 0.1 and high < 1


def test_cohens_h():
    assert cohens_h(0.5, 0.5) == 0
    assert cohens_h(0.6, 0.4) == pytest.approx(0.4027, abs=1e-4)


def test_coarse_order_statistics_are_no_ones_exact_value():
    assert coarse(1095.41) == 1100.0 and coarse(699.4) == 699.0
    assert coarse(52.5) == 52.5 and coarse(3.14159) == 3.1 and coarse(0.347) == 0.3
    assert coarse(52.0) == 52.0 and coarse(-12.34) == -12.3
    assert coarse(coarse(1095.41)) == coarse(1095.41)  # rounding twice changes nothing
