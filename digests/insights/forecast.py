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


def _days(moment: datetime, origin: datetime) -> float:
    return (moment - origin).total_seconds() / 86400.0


def forecast(series: KrSeries) -> Forecast:
    """Project the KR's value at the end of its cycle from its check-in history.

    Under MIN_CHECK_INS check-ins there is no forecast ("not enough data"). The start value at
    the cycle's first moment joins the check-ins as one more point when it comes before them all:
    it is where the KR stood when the cycle began.
    """
    count = len(series.check_ins)
    if series.metric in UNFORECASTABLE:
        return Forecast(ForecastStatus.NOT_APPLICABLE, count)
    if count < MIN_CHECK_INS:
        return Forecast(ForecastStatus.NOT_ENOUGH_DATA, count)
    tz = series.check_ins[0][0].tzinfo
    origin = datetime.combine(series.cycle_start, time(0), tzinfo=tz)
    end = datetime.combine(series.cycle_end + timedelta(days=1), time(0), tzinfo=tz)
    xs = [_days(at, origin) for at, _ in series.check_ins]
    ys = [value for _, value in series.check_ins]
    if min(xs) > 0:
        xs.append(0.0)
        ys.append(series.start)
    line = theil_sen(xs, ys)
    if line is None:  # every check-in at the same instant
        return Forecast(ForecastStatus.NOT_ENOUGH_DATA, count)
    slope, intercept = line
    projected = intercept + slope * _days(end, origin)
    expected = raw_progress(
        KrNumbers(series.metric, series.start, series.target, projected, series.direction)
    )
    misses = expected < MISS_BELOW
    return Forecast(
        ForecastStatus.OK,
        count,
        projected=projected,
        expected_progress=expected,
        slope_per_week=slope * 7,
        misses_target=misses,
        flagged=misses and series.confidence is Confidence.ON_TRACK,
    )
