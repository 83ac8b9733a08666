"""Where a key result is heading: a Theil–Sen trend through its check-ins, projected to the
cycle's end, and the flag "the forecast misses the target while the owner says on track".

Pure computation: the caller passes the numbers (see `history.py` for loading them).
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date, datetime, time, timedelta
from enum import StrEnum

from digests.insights.stats import theil_sen
from storage.models.enums import Confidence, Direction, Metric
from storage.progress import KrNumbers, raw_progress

MIN_CHECK_INS = 3
# A forecast "misses" when it gets less than this share of the way from start to target: a
# projection a hair short of the target (99%) is within the noise of any trend, not a warning.
MISS_BELOW = 0.95
UNFORECASTABLE = (Metric.BOOLEAN,)
DAY = timedelta(days=1)


class ForecastStatus(StrEnum):
    OK = "ok"
    NOT_ENOUGH_DATA = "not_enough_data"
    NOT_APPLICABLE = "not_applicable"  # yes/no KRs have no trend


@dataclass(frozen=True)
class KrSeries:
    """A key result's numbers and its check-ins as (when, value), in any order."""

    metric: Metric
    start: float
    target: float
    direction: Direction
    confidence: Confidence
    cycle_start: date
    cycle_end: date
    check_ins: Sequence[tuple[datetime, float]]


@dataclass(frozen=True)
class Forecast:
    status: ForecastStatus
    check_ins: int
    projected: float | None = None  # value at the end of the cycle's last day
    expected_progress: float | None = None  # share of start → target, unclamped
    slope_per_week: float | None = None
    misses_target: bool = False
    flagged: bool = False  # misses the target while the owner's latest word is "on track"


def _points(series: KrSeries) -> tuple[list[float], list[float], float] | Forecast:
    """(days, values, day of the cycle's end) to fit, or the Forecast saying why not."""
    count = len(series.check_ins)
    if series.metric in UNFORECASTABLE:
        return Forecast(ForecastStatus.NOT_APPLICABLE, count)
    if count < MIN_CHECK_INS:
        return Forecast(ForecastStatus.NOT_ENOUGH_DATA, count)
    tz = series.check_ins[0][0].tzinfo
    origin = datetime.combine(series.cycle_start, time(0), tzinfo=tz)
    end = datetime.combine(series.cycle_end + timedelta(days=1), time(0), tzinfo=tz)
    xs = [(at - origin) / DAY for at, _ in series.check_ins]
    ys = [value for _, value in series.check_ins]
    if min(xs) > 0:
        xs.append(0.0)
        ys.append(series.start)
    return xs, ys, (end - origin) / DAY


def _result(series: KrSeries, slope: float, intercept: float, end: float) -> Forecast:
    projected = intercept + slope * end
    expected = raw_progress(
        KrNumbers(series.metric, series.start, series.target, projected, series.direction)
    )
    misses = expected < MISS_BELOW
    return Forecast(
        ForecastStatus.OK,
        len(series.check_ins),
        projected=projected,
        expected_progress=expected,
        slope_per_week=slope * 7,
        misses_target=misses,
        flagged=misses and series.confidence is Confidence.ON_TRACK,
    )


def forecast(series: KrSeries) -> Forecast:
    """Project the KR's value at the end of its cycle from its check-in history.

    Under MIN_CHECK_INS check-ins there is no forecast ("not enough data"). The start value at
    the cycle's first moment joins the check-ins as one more point when it comes before them all:
    it is where the KR stood when the cycle began.
    """
    points = _points(series)
    if isinstance(points, Forecast):
        return points
    xs, ys, end = points
    line = theil_sen(xs, ys)
    if line is None:  # every check-in at the same instant
        return Forecast(ForecastStatus.NOT_ENOUGH_DATA, len(series.check_ins))
    return _result(series, line[0], line[1], end)


def forecast_many(many: Sequence[KrSeries]) -> list[Forecast]:
    """`forecast` of each series, the same numbers, computed with numpy in batches of series
    with as many points (a company's KRs in well under a second)."""
    results: list[Forecast | None] = [None] * len(many)
    batches: dict[int, list[tuple[int, list[float], list[float], float]]] = {}
    for index, series in enumerate(many):
        points = _points(series)
        if isinstance(points, Forecast):
            results[index] = points
        else:
            batches.setdefault(len(points[0]), []).append((index, *points))
    if batches:
        import numpy  # only when there is a line to fit: it takes a while to import
    for size, batch in batches.items():
        xs = numpy.array([b[1] for b in batch])
        ys = numpy.array([b[2] for b in batch])
        left, right = numpy.triu_indices(size, 1)
        run = xs[:, right] - xs[:, left]
        with numpy.errstate(divide="ignore", invalid="ignore"):
            slopes = numpy.where(run != 0, (ys[:, right] - ys[:, left]) / run, numpy.nan)
        fitted = ~numpy.all(numpy.isnan(slopes), axis=1)
        slope = numpy.zeros(len(batch))
        slope[fitted] = numpy.nanmedian(slopes[fitted], axis=1)
        intercept = numpy.median(ys - slope[:, None] * xs, axis=1)
        for row, (index, _, _, end) in enumerate(batch):
            series = many[index]
            results[index] = (
                _result(series, float(slope[row]), float(intercept[row]), end)
                if fitted[row]
                else Forecast(ForecastStatus.NOT_ENOUGH_DATA, len(series.check_ins))
            )
    return [r for r in results if r is not None]
