"""Statistics with intervals: Wilson for shares, order statistics for medians, risk ratios."""

from __future__ import annotations

from collections.abc import Sequence

Z95 = 1.959964


def wilson(count: int, n: int, z: float = Z95) -> tuple[float, float]:
    """Wilson score interval of the share count/n."""
    raise NotImplementedError


def median_interval(sorted_values: Sequence[float], z: float = Z95) -> tuple[float, float]:
    """Distribution-free interval for the median from order statistics (normal approx. ranks)."""
    raise NotImplementedError


def risk_ratio_interval(a: int, n1: int, b: int, n2: int,
                        z: float = Z95) -> tuple[float, float, float]:
    """(ratio, low, high) of (a/n1)/(b/n2), Katz log interval, 0.5 added to empty cells."""
    raise NotImplementedError
