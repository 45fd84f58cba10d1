"""Statistics with intervals: Wilson for shares, order statistics for medians, risk ratios."""

from __future__ import annotations

import math
from collections.abc import Sequence

Z95 = 1.959964


def wilson(count: int, n: int, z: float = Z95) -> tuple[float, float]:
    """Wilson score interval of the share count/n ((0, 1) when n is 0)."""
    if n <= 0:
        return 0.0, 1.0
    p = count / n
    denominator = 1 + z * z / n
    centre = (p + z * z / (2 * n)) / denominator
    half = z * math.sqrt(p * (1 - p) / n + z * z / (4 * n * n)) / denominator
    return max(0.0, centre - half), min(1.0, centre + half)


def median_ranks(n: int, z: float = Z95) -> tuple[int, int]:
    """0-based positions, in sorted order, of the median interval's bounds among n values.

    The number of values below the median is Binomial(n, ½); its normal approximation gives
    ranks n/2 ∓ z·√n/2 (Conover, Practical Nonparametric Statistics, §3.2), clamped to the data.
    """
    low = math.floor(n / 2 - z * math.sqrt(n) / 2)
    high = math.ceil(1 + n / 2 + z * math.sqrt(n) / 2)
    return max(1, low) - 1, min(n, high) - 1


def median_interval(sorted_values: Sequence[float], z: float = Z95) -> tuple[float, float]:
    """Distribution-free interval for the median from order statistics (normal approx. ranks)."""
    low, high = median_ranks(len(sorted_values), z)
    return sorted_values[low], sorted_values[high]


def risk_ratio_interval(a: int, n1: int, b: int, n2: int,
                        z: float = Z95) -> tuple[float, float, float]:
    """(ratio, low, high) of (a/n1)/(b/n2), Katz log interval, 0.5 added to empty cells."""
    if a == 0 or b == 0:  # Haldane's correction keeps the log finite
        a, b, n1, n2 = a + 0.5, b + 0.5, n1 + 0.5, n2 + 0.5
    ratio = (a / n1) / (b / n2)
    se = math.sqrt(max(0.0, 1 / a - 1 / n1 + 1 / b - 1 / n2))
    return ratio, ratio * math.exp(-z * se), ratio * math.exp(z * se)


def coarse(value: float) -> float:
    """An order statistic (a median, a quartile, an interval's end) rounded to 3 significant
    digits and at most one decimal: a median of revenues is one customer's exact figure, to
    the cent, and must not be shown as such. Whole numbers (ages, counts) stay as they are."""
    value = float(value)
    if value == int(value) or not math.isfinite(value):
        return value
    return round(value, min(1, 2 - math.floor(math.log10(abs(value)))))


def cohens_h(p1: float, p2: float) -> float:
    """|2·asin√p1 − 2·asin√p2|: the effect size of a difference between two shares."""
    return abs(2 * math.asin(math.sqrt(p1)) - 2 * math.asin(math.sqrt(p2)))
