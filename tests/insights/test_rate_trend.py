"""The check-in trend of `/hr insights` runs a robust line through every week: weeks that go
up and down around the same level *vary*, they are not "steady" because the first and the last
week happen to match."""

from __future__ import annotations

import pytest

from digests.i18n import translate
from digests.insights.rate_trend import rate_trend

ISSUE_WEEKS = [0.60, 0.867, 0.60, 0.80, 0.533, 0.867, 0.60]


def test_weeks_that_swing_around_one_level_vary() -> None:
    trend = rate_trend(ISSUE_WEEKS)
    assert trend.direction == "varies"
    assert (trend.low, trend.high) == (0.533, 0.867)


@pytest.mark.parametrize(
    ("rates", "direction"),
    [
        ([0.5] * 7, "flat"),
        ([0.60, 0.61, 0.59, 0.60, 0.62, 0.60, 0.58], "flat"),
        ([0.40, 0.45, 0.50, 0.55, 0.60, 0.65, 0.70], "up"),
        ([0.90, 0.88, 0.86, 0.84, 0.20, 0.80, 0.78], "down"),  # one odd week moves nothing
        ([0.70, 0.20, 0.80, 0.60, 0.50, 0.75, 0.70], "varies"),  # same ends, no trend
        ([0.42], "flat"),
    ],
)
def test_direction(rates: list[float], direction: str) -> None:
    assert rate_trend(rates).direction == direction


def test_the_fitted_ends_are_shown_not_the_odd_weeks() -> None:
    trend = rate_trend([0.90, 0.88, 0.86, 0.84, 0.20, 0.80, 0.78])
    assert round(trend.start, 2) == 0.90
    assert round(trend.end, 2) == 0.78


@pytest.mark.parametrize(
    ("locale", "expected"),
    [
        ("en", "Varies between 53% and 87% over 7 weeks, with no clear trend."),
        ("zh-CN", "7 周内在 53% 到 87% 之间波动，没有明显趋势。"),
    ],
)
def test_varies_in_both_languages(locale: str, expected: str) -> None:
    said = translate(locale, "insights.checkin.trend.varies", low="53%", high="87%", weeks=7)
    assert said == expected
