"""OKR cycles by cadence: which quarter, half or year a day falls in, and what it is called.

A company's year may start in any month (`first_month`); a cycle is named after the calendar
year its company year starts in: with `first_month: 4`, 2027-Q1 runs from April to June 2027 and
2027-Q4 from January to March 2028. Pure functions of dates, so they hold on any day.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, timedelta
from enum import StrEnum

from storage.models.enums import CycleState


class Cadence(StrEnum):
    QUARTER = "quarter"
    HALF = "half"
    YEAR = "year"


_MONTHS = {Cadence.QUARTER: 3, Cadence.HALF: 6, Cadence.YEAR: 12}


@dataclass(frozen=True)
class CycleWindow:
    """One cycle of a cadence: its name and its first and last day."""

    name: str
    start: date
    end: date

    def state_on(self, today: date) -> CycleState:
        """The state the calendar gives it: planning before, active during, review after."""
        if today < self.start:
            return CycleState.PLANNING
        if today <= self.end:
            return CycleState.ACTIVE
        return CycleState.REVIEW


def _add_months(year: int, month: int, months: int) -> tuple[int, int]:
    index = year * 12 + (month - 1) + months
    return index // 12, index % 12 + 1


def window(day: date, cadence: Cadence, first_month: int = 1) -> CycleWindow:
    """The cycle of `cadence` containing `day`."""
    length = _MONTHS[cadence]
    # Months since the start of the company year that contains `day`.
    offset = (day.month - first_month) % 12
    year = day.year if day.month >= first_month else day.year - 1
    index = offset // length
    start_year, start_month = _add_months(year, first_month, index * length)
    end_year, end_month = _add_months(start_year, start_month, length)
    start = date(start_year, start_month, 1)
    end = date(end_year, end_month, 1) - timedelta(days=1)
    if cadence is Cadence.QUARTER:
        name = f"{year}-Q{index + 1}"
    elif cadence is Cadence.HALF:
        name = f"{year}-H{index + 1}"
    else:
        name = f"{year}"
    return CycleWindow(name, start, end)


def following(cycle: CycleWindow, cadence: Cadence, first_month: int = 1) -> CycleWindow:
    """The cycle after `cycle`."""
    return window(cycle.end + timedelta(days=1), cadence, first_month)


def preceding(cycle: CycleWindow, cadence: Cadence, first_month: int = 1) -> CycleWindow:
    """The cycle before `cycle`."""
    return window(cycle.start - timedelta(days=1), cadence, first_month)


def moved_on(state: CycleState, start: date, end: date, today: date) -> CycleState:
    """Where the calendar moves a cycle on `today`: planning → active from its first day,
    active → review after its last. Review → closed is a person's decision, and nothing ever
    moves back."""
    if state is CycleState.PLANNING and start <= today:
        state = CycleState.ACTIVE
    if state is CycleState.ACTIVE and end < today:
        state = CycleState.REVIEW
    return state
