"""Forecasts on generated histories with known answers."""

from __future__ import annotations

import random
from datetime import UTC, date, datetime, timedelta

import pytest

from digests.insights.forecast import ForecastStatus, KrSeries, forecast, forecast_many
from digests.insights.stats import theil_sen
from storage.models.enums import Confidence, Direction, Metric

START = date(2026, 10, 1)
END = date(2026, 12, 31)
ORIGIN = datetime(2026, 10, 1, tzinfo=UTC)
CYCLE_DAYS = 92.0  # 2026-10-01 00:00 to 2027-01-01 00:00


def series(
    values: list[tuple[float, float]],
    *,
    start: float = 0.0,
    target: float = 80.0,
    confidence: Confidence = Confidence.ON_TRACK,
    direction: Direction = Direction.INCREASE,
    metric: Metric = Metric.NUMBER,
) -> KrSeries:
    """A KR whose check-ins are (day of the cycle, value)."""
    return KrSeries(
        metric=metric,
        start=start,
        target=target,
        direction=direction,
        confidence=confidence,
        cycle_start=START,
        cycle_end=END,
        check_ins=[(ORIGIN + timedelta(days=day), value) for day, value in values],
    )


def test_linear_trend_is_projected_exactly() -> None:
    # 0.5 a day from 0: 46 by the end of the cycle's 92 days; target 80 -> 57.5%.
    found = forecast(series([(7.0 * week, 3.5 * week) for week in range(1, 9)]))
    assert found.status is ForecastStatus.OK
    assert found.check_ins == 8
    assert found.projected == pytest.approx(0.5 * CYCLE_DAYS)
    assert found.slope_per_week == pytest.approx(3.5)
    assert found.expected_progress == pytest.approx(0.5 * CYCLE_DAYS / 80)
    assert found.misses_target
    assert found.flagged  # the owner still says on track


def test_on_pace_kr_is_not_flagged() -> None:
    found = forecast(series([(7.0 * w, 80 * 7 * w / CYCLE_DAYS) for w in range(1, 7)]))
    assert found.projected == pytest.approx(80.0)
    assert not found.misses_target
    assert not found.flagged


def test_missing_kr_said_at_risk_is_not_flagged() -> None:
    found = forecast(series([(7, 1), (14, 2), (21, 3)], confidence=Confidence.AT_RISK))
    assert found.misses_target
    assert not found.flagged  # the owner already said so


def test_noisy_trend_within_tolerance_and_robust_to_one_outlier() -> None:
    rng = random.Random(42)
    points = [(7.0 * w, 0.8 * 7 * w + rng.gauss(0, 1.5)) for w in range(1, 13)]
    points[5] = (points[5][0], 500.0)  # a typo: 500 instead of ~34
    found = forecast(series(points, target=100))
    assert found.projected == pytest.approx(0.8 * CYCLE_DAYS, rel=0.05)
    # Least squares would be dragged far off by the outlier; the median of slopes is not.
    assert found.slope_per_week == pytest.approx(5.6, rel=0.08)


def test_flat_series_projects_flat() -> None:
    found = forecast(series([(7, 20), (14, 20), (21, 20), (28, 20)], start=20, target=80))
    assert found.projected == pytest.approx(20.0)
    assert found.slope_per_week == pytest.approx(0.0)
    assert found.expected_progress == pytest.approx(0.0)
    assert found.flagged


def test_decreasing_kr_on_pace() -> None:
    # From 7% down to 5% over the cycle, checked in on the straight line.
    found = forecast(
        series(
            [(d, 7 - 2 * d / CYCLE_DAYS) for d in (10.0, 30.0, 50.0)],
            start=7,
            target=5,
            direction=Direction.DECREASE,
        )
    )
    assert found.projected == pytest.approx(5.0)
    assert found.expected_progress == pytest.approx(1.0)
    assert not found.misses_target


@pytest.mark.parametrize("count", [0, 1, 2])
def test_too_little_data_is_not_enough_data(count: int) -> None:
    found = forecast(series([(7.0 * (i + 1), 10.0 * (i + 1)) for i in range(count)]))
    assert found.status is ForecastStatus.NOT_ENOUGH_DATA
    assert found.projected is None
    assert not found.flagged


def test_yes_no_kr_has_no_forecast() -> None:
    found = forecast(series([(7, 0), (14, 0), (21, 1)], target=1, metric=Metric.BOOLEAN))
    assert found.status is ForecastStatus.NOT_APPLICABLE
    assert not found.flagged


def test_theil_sen_ignores_pairs_at_the_same_x() -> None:
    assert theil_sen([1, 1, 1], [1, 2, 3]) is None
    assert theil_sen([0, 1, 2, 3], [0, 2, 4, 6]) == (2.0, 0.0)


def test_batch_forecast_gives_the_same_numbers() -> None:
    rng = random.Random(3)
    many = [
        series([(rng.uniform(0, 80), rng.uniform(0, 100)) for _ in range(rng.randrange(0, 14))])
        for _ in range(300)
    ]
    many.append(series([(10, 1), (10, 2), (10, 3)]))  # all at one instant, the start joins
    many.append(series([(0, 1), (0, 2), (0, 3)]))  # all at the cycle's first instant: no line
    many.append(series([(7, 0), (14, 0), (21, 1)], target=1, metric=Metric.BOOLEAN))
    batch = forecast_many(many)
    assert len(batch) == len(many)
    for one, other in zip(batch, (forecast(s) for s in many), strict=True):
        assert one.status is other.status
        assert one.flagged is other.flagged
        if other.projected is not None:
            assert one.projected == pytest.approx(other.projected)
            assert one.slope_per_week == pytest.approx(other.slope_per_week)
    assert batch[-2].status is ForecastStatus.NOT_ENOUGH_DATA
