"""Progress arithmetic for both directions, roll-ups and confidence."""

from __future__ import annotations

import pytest

from storage.models import Confidence, Direction, Metric
from storage.progress import (
    KrNumbers,
    below_baseline,
    percent,
    progress,
    raw_progress,
    rollup_confidence,
    weighted_progress,
)


def kr(start: float, target: float, current: float, direction: Direction) -> KrNumbers:
    return KrNumbers(Metric.NUMBER, start, target, current, direction)


def test_decrease_from_7_to_5_at_5_95_is_52_5_percent() -> None:
    numbers = KrNumbers(Metric.PERCENT, 7, 5, 5.95, Direction.DECREASE)
    assert percent(progress(numbers)) == 52.5


@pytest.mark.parametrize(
    ("start", "target", "current", "expected"),
    [(0, 5, 2, 40.0), (0, 5, 5, 100.0), (0, 5, 7, 100.0), (10, 20, 15, 50.0), (0, 5, 0, 0.0)],
)
def test_increase(start: float, target: float, current: float, expected: float) -> None:
    assert percent(progress(kr(start, target, current, Direction.INCREASE))) == expected


def test_values_beyond_the_baseline_are_failing_not_negative_bars() -> None:
    up = kr(10, 20, 8, Direction.INCREASE)
    down = kr(7, 5, 7.5, Direction.DECREASE)
    assert raw_progress(up) < 0
    assert below_baseline(up)
    assert progress(up) == 0
    assert below_baseline(down)
    assert progress(down) == 0


def test_overachievement_is_capped_for_bars_but_visible_raw() -> None:
    numbers = kr(0, 10, 15, Direction.INCREASE)
    assert raw_progress(numbers) == 1.5
    assert progress(numbers) == 1.0


def test_target_equal_to_start_counts_as_reached_or_not() -> None:
    assert progress(kr(5, 5, 5, Direction.INCREASE)) == 1
    assert progress(kr(5, 5, 4, Direction.INCREASE)) == 0
    assert progress(kr(5, 5, 4, Direction.DECREASE)) == 1


def test_boolean_kr_is_all_or_nothing() -> None:
    assert progress(KrNumbers(Metric.BOOLEAN, 0, 1, 1, Direction.INCREASE)) == 1
    assert progress(KrNumbers(Metric.BOOLEAN, 0, 1, 0, Direction.INCREASE)) == 0


def test_objective_progress_is_the_weighted_mean() -> None:
    assert weighted_progress([(1.0, 3), (0.0, 1)]) == 0.75
    assert weighted_progress([]) == 0


def test_confidence_rolls_up_by_weight() -> None:
    on, risk, off = Confidence.ON_TRACK, Confidence.AT_RISK, Confidence.OFF_TRACK
    assert rollup_confidence([(on, 1), (on, 1), (risk, 0.5)]) is on
    assert rollup_confidence([(on, 1), (risk, 1)]) is risk
    assert rollup_confidence([(on, 2), (off, 1)]) is off
    assert rollup_confidence([]) is on
