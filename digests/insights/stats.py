"""Small robust statistics: the Theil–Sen line, ranks, Spearman's ρ and its p-value.

The p-value is exact (the permutation distribution of Σd², counted once per n and cached) up to
EXACT_MAX pairs — a quarter's weekly changes. The usual t approximation is far too small in the
tail at such n (ρ = 0.98 over 9 pairs: 2·10⁻⁶ instead of the exact 5·10⁻⁵), which would let
chance correlations through when thousands of pairs are tested. Beyond EXACT_MAX the t
approximation (n − 2 degrees of freedom, as scipy's `spearmanr`) is used.
"""

from __future__ import annotations

import math
from collections.abc import Sequence
from functools import cache
from statistics import median

EXACT_MAX = 14


def theil_sen(xs: Sequence[float], ys: Sequence[float]) -> tuple[float, float] | None:
    """(slope, intercept) of the Theil–Sen line: the median of all pairwise slopes, and the
    median of y − slope·x. None when every x is the same. One wild point moves neither."""
    count = len(xs)
    slopes = [
        (ys[j] - ys[i]) / (xs[j] - xs[i])
        for i in range(count)
        for j in range(i + 1, count)
        if xs[j] != xs[i]
    ]
    if not slopes:
        return None
    slope = median(slopes)
    intercept = median([y - slope * x for x, y in zip(xs, ys, strict=True)])
    return slope, intercept


def ranks(values: Sequence[float]) -> list[float]:
    """1-based ranks, ties sharing their average rank."""
    order = sorted(range(len(values)), key=values.__getitem__)
    result = [0.0] * len(values)
    start = 0
    while start < len(order):
        end = start
        while end + 1 < len(order) and values[order[end + 1]] == values[order[start]]:
            end += 1
        shared = (start + end) / 2 + 1
        for index in order[start : end + 1]:
            result[index] = shared
        start = end + 1
    return result


def pearson(xs: Sequence[float], ys: Sequence[float]) -> float | None:
    """Pearson's r; None when either side does not vary."""
    count = len(xs)
    if count < 2:
        return None
    mean_x = sum(xs) / count
    mean_y = sum(ys) / count
    sxy = sum((x - mean_x) * (y - mean_y) for x, y in zip(xs, ys, strict=True))
    sxx = sum((x - mean_x) ** 2 for x in xs)
    syy = sum((y - mean_y) ** 2 for y in ys)
    if sxx <= 0 or syy <= 0:
        return None
    return max(-1.0, min(1.0, sxy / math.sqrt(sxx * syy)))


def spearman(xs: Sequence[float], ys: Sequence[float]) -> float | None:
    """Spearman's rank correlation ρ (Pearson's r of the ranks); None when a side is constant."""
    return pearson(ranks(xs), ranks(ys))


def spearman_p_value(rho: float, count: int) -> float:
    """Two-sided p-value of ρ over `count` pairs under independence: exact up to EXACT_MAX
    (ties taken at their ρ), else t = ρ·√((n−2)/(1−ρ²)) against Student's t."""
    if count < 3:
        return 1.0
    if count <= EXACT_MAX:
        cumulative = sum_d2_cdf(count)
        top = len(cumulative) - 1  # the largest Σd², n(n²−1)/3
        observed = (1.0 - rho) * top / 2  # Σd² of a permutation with this ρ
        low = min(observed, top - observed)
        return min(1.0, 2.0 * cumulative[math.floor(low + 1e-9)])
    if abs(rho) >= 1.0:
        return 0.0
    dof = count - 2
    t_squared = rho * rho * dof / (1.0 - rho * rho)
    return _incomplete_beta(dof / 2, 0.5, dof / (dof + t_squared))


@cache
def sum_d2_cdf(count: int) -> tuple[float, ...]:
    """P(Σd² ≤ s) for s = 0 … n(n²−1)/3 over all n! permutations (ranks assigned one position
    at a time; the state is the set of ranks used, so 2ⁿ·n small vector additions)."""
    import numpy

    top = count * (count * count - 1) // 3
    layer = {0: numpy.zeros(top + 1)}
    layer[0][0] = 1.0
    for position in range(count):
        following: dict[int, numpy.ndarray] = {}
        for used, counts in layer.items():
            for rank in range(count):
                bit = 1 << rank
                if used & bit:
                    continue
                into = following.get(used | bit)
                if into is None:
                    into = following[used | bit] = numpy.zeros(top + 1)
                shift = (position - rank) ** 2
                if shift:
                    into[shift:] += counts[:-shift]
                else:
                    into += counts
        layer = following
    (counts,) = layer.values()
    return tuple(float(x) for x in numpy.cumsum(counts) / math.factorial(count))


def _incomplete_beta(a: float, b: float, x: float) -> float:
    """The regularised incomplete beta function I_x(a, b) (continued fraction, Lentz)."""
    if x <= 0.0:
        return 0.0
    if x >= 1.0:
        return 1.0
    log_front = (
        math.lgamma(a + b) - math.lgamma(a) - math.lgamma(b) + a * math.log(x) + b * math.log1p(-x)
    )
    if x < (a + 1) / (a + b + 2):
        return math.exp(log_front) * _beta_fraction(a, b, x) / a
    return 1.0 - math.exp(log_front) * _beta_fraction(b, a, 1.0 - x) / b


def _beta_fraction(a: float, b: float, x: float) -> float:
    tiny = 1e-300
    c = 1.0
    d = 1.0 - (a + b) * x / (a + 1)
    d = 1.0 / (d if abs(d) > tiny else tiny)
    result = d
    for m in range(1, 300):
        for numerator in (
            m * (b - m) * x / ((a + 2 * m - 1) * (a + 2 * m)),
            -(a + m) * (a + b + m) * x / ((a + 2 * m) * (a + 2 * m + 1)),
        ):
            d = 1.0 + numerator * d
            d = 1.0 / (d if abs(d) > tiny else tiny)
            c = 1.0 + numerator / c
            c = c if abs(c) > tiny else tiny
            result *= c * d
        if abs(c * d - 1.0) < 1e-12:
            break
    return result
