"""Cycles by cadence: names and dates across year boundaries, leap days and company years that
start in another month; the calendar's moves."""

from __future__ import annotations

from datetime import date

import pytest

from storage.cycle_calendar import Cadence, following, moved_on, preceding, window
from storage.models import CycleState

Q, H, Y = Cadence.QUARTER, Cadence.HALF, Cadence.YEAR


@pytest.mark.parametrize(
    ("day", "cadence", "first_month", "name", "start", "end"),
    [
        (date(2027, 12, 31), Q, 1, "2027-Q4", date(2027, 10, 1), date(2027, 12, 31)),
        (date(2028, 1, 1), Q, 1, "2028-Q1", date(2028, 1, 1), date(2028, 3, 31)),
        (date(2028, 2, 29), Q, 1, "2028-Q1", date(2028, 1, 1), date(2028, 3, 31)),
        (date(2028, 2, 29), H, 1, "2028-H1", date(2028, 1, 1), date(2028, 6, 30)),
        (date(2028, 6, 30), H, 1, "2028-H1", date(2028, 1, 1), date(2028, 6, 30)),
        (date(2028, 7, 1), H, 1, "2028-H2", date(2028, 7, 1), date(2028, 12, 31)),
        (date(2028, 2, 29), Y, 1, "2028", date(2028, 1, 1), date(2028, 12, 31)),
        # A company year from April: January to March belong to the year that began before.
        (date(2028, 2, 29), Q, 4, "2027-Q4", date(2028, 1, 1), date(2028, 3, 31)),
        (date(2028, 4, 1), Q, 4, "2028-Q1", date(2028, 4, 1), date(2028, 6, 30)),
        (date(2027, 12, 31), H, 4, "2027-H2", date(2027, 10, 1), date(2028, 3, 31)),
        # A year from March ends on a leap day.
        (date(2028, 2, 29), Y, 3, "2027", date(2027, 3, 1), date(2028, 2, 29)),
        (date(2028, 3, 1), Y, 3, "2028", date(2028, 3, 1), date(2029, 2, 28)),
    ],
)
def test_the_cycle_of_a_day(
    day: date, cadence: Cadence, first_month: int, name: str, start: date, end: date
) -> None:
    found = window(day, cadence, first_month)
    assert (found.name, found.start, found.end) == (name, start, end)


@pytest.mark.parametrize("cadence", list(Cadence))
@pytest.mark.parametrize("first_month", [1, 4, 7, 10, 12])
def test_cycles_follow_each_other_without_gaps(cadence: Cadence, first_month: int) -> None:
    cycle = window(date(2027, 11, 15), cadence, first_month)
    for _ in range(9):
        after = following(cycle, cadence, first_month)
        assert (after.start - cycle.end).days == 1
        assert preceding(after, cadence, first_month) == cycle
        cycle = after


def test_the_calendar_moves_a_cycle_forward_only() -> None:
    start, end = date(2027, 10, 1), date(2027, 12, 31)
    planning, active, review = CycleState.PLANNING, CycleState.ACTIVE, CycleState.REVIEW
    assert moved_on(planning, start, end, date(2027, 9, 30)) is planning
    assert moved_on(planning, start, end, start) is active
    assert moved_on(active, start, end, end) is active
    assert moved_on(active, start, end, date(2028, 1, 1)) is review
    assert moved_on(planning, start, end, date(2028, 1, 1)) is review  # down all quarter
    assert moved_on(review, start, end, date(2028, 6, 1)) is review  # closing is a person's
    assert moved_on(CycleState.CLOSED, start, end, start) is CycleState.CLOSED
