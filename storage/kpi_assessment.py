"""考核 arithmetic: completion per KPI (respecting direction, capped), a weighted score, a band.

Completion of a KPI = value / target (higher is better) or target / value (lower is better),
floored at 0 and capped at `cap` percent; no reading counts as 0. Score = Σ(weight × completion)
/ Σ weight. The band is the one with the highest `min_completion` not above the score.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import timedelta

from storage import kpi_math, periods
from storage.models import Aggregation, Frequency, KpiDirection, KpiReading

_EPSILON = 1e-9  # 119.99999999 from float arithmetic is still 120


@dataclass(frozen=True)
class Band:
    name: str
    min_completion: float


@dataclass(frozen=True)
class Line:
    code: str
    value: float | None
    target: float
    weight: float
    completion: float | None
    capped: float


@dataclass(frozen=True)
class Result:
    lines: tuple[Line, ...]
    score: float | None
    band: str | None


def band_for(score: float, bands: Sequence[Band]) -> str | None:
    """The band a score falls in (bands in any order); None below every band."""
    for band in sorted(bands, key=lambda b: b.min_completion, reverse=True):
        if score + _EPSILON >= band.min_completion:
            return band.name
    return None


def line(
    *,
    code: str,
    direction: KpiDirection,
    value: float | None,
    target: float,
    weight: float,
    cap: float,
) -> Line:
    """One KPI's completion, raw and capped."""
    raw = kpi_math.completion(direction, value, target) if value is not None else None
    capped = 0.0 if raw is None else min(max(raw, 0.0), cap)
    return Line(code, value, target, weight, raw, capped)


def score(lines: Sequence[Line], bands: Sequence[Band]) -> Result:
    """The weighted score of the lines and its band."""
    weights = sum(item.weight for item in lines)
    if not lines or weights <= 0:
        return Result(tuple(lines), None, None)
    total = sum(item.weight * item.capped for item in lines) / weights
    return Result(tuple(lines), total, band_for(total, bands))


def period_value(
    readings: Sequence[KpiReading], period: str, aggregation: Aggregation
) -> float | None:
    """A scope's value over `period`: the latest reading of each sub-period, aggregated."""
    latest: dict[str, KpiReading] = {}
    for reading in readings:
        if periods.contains(period, reading.period):
            kept = latest.get(reading.period)
            if kept is None or (reading.id or 0) > (kept.id or 0):
                latest[reading.period] = reading
    values = [r.value for _, r in sorted(latest.items())]
    if not values:
        return None
    if aggregation is Aggregation.SUM:
        return sum(values)
    if aggregation is Aggregation.AVG:
        return sum(values) / len(values)
    return values[-1]


def periods_in(period: str, frequency: Frequency) -> int:
    """How many periods of `frequency` start inside `period` (at least 1)."""
    start, end = periods.bounds(period)
    labels, day = set(), start
    while day <= end:
        labels.add(periods.current(frequency, day))
        day += timedelta(days=1)
    return max(1, sum(1 for label in labels if periods.bounds(label)[0] >= start))
