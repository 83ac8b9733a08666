"""Which way a weekly rate is going: a robust line through every week, not the first and last.

The Theil–Sen slope (the median of all pairwise slopes) ignores one odd week, and the change it
implies over the whole span is compared with how far the weeks scatter around that line (the
median absolute residual). A change smaller than the scatter is no trend: the rate *varies*;
a small change with little scatter is *flat*.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from statistics import median
from typing import Literal

from digests.insights.stats import theil_sen

Direction = Literal["up", "down", "flat", "varies"]
FLAT = 0.05  # a change under 5 points over the span is no change
NOISE = 0.05  # weeks scattering this much or more around the line are noisy


@dataclass(frozen=True)
class RateTrend:
    """The direction, the fitted rate at the start and at the end, and the weeks' range."""

    direction: Direction
    start: float
    end: float
    low: float
    high: float


def rate_trend(rates: Sequence[float]) -> RateTrend:
    """The trend of `rates` (fractions, oldest first; at least one)."""
    low, high = min(rates), max(rates)
    line = theil_sen(range(len(rates)), rates) if len(rates) > 1 else None
    if line is None:
        return RateTrend("flat", rates[-1], rates[-1], low, high)
    slope, intercept = line
    start, end = intercept, intercept + slope * (len(rates) - 1)
    scatter = median(abs(y - (intercept + slope * x)) for x, y in enumerate(rates))
    change = end - start
    if abs(change) < max(FLAT, scatter):
        direction: Direction = "varies" if scatter >= NOISE else "flat"
    else:
        direction = "up" if change > 0 else "down"
    return RateTrend(direction, _clamped(start), _clamped(end), low, high)


def _clamped(rate: float) -> float:
    return min(1.0, max(0.0, rate))
