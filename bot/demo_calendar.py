"""The demo's dates, all derived from the day it is built for, so its stories hold on any day.

The quarter containing that day is the active cycle, the quarter before it is closed and scored,
the next one is being planned. The current story's weekly reviews are the last
`SHOWN_WEEKS` Fridays before the day (so there are weeks of check-ins even on a quarter's first
day); the past quarter's reviews are its own Fridays; KPI readings are the last
`READING_MONTHS` months recorded by the day.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, timedelta

from bot import demo_data as data
from storage.cycle_calendar import Cadence, CycleWindow, following, preceding, window

FRIDAY = 4
RECORDED_ON = 2  # a month's reading is recorded on this day of the next month


@dataclass(frozen=True)
class DemoCalendar:
    today: date

    @property
    def current(self) -> CycleWindow:
        return window(self.today, Cadence.QUARTER)

    @property
    def previous(self) -> CycleWindow:
        return preceding(self.current, Cadence.QUARTER)

    @property
    def next(self) -> CycleWindow:
        return following(self.current, Cadence.QUARTER)

    @property
    def last_review(self) -> date:
        """The last Friday before today (one to seven days ago)."""
        back = (self.today.weekday() - FRIDAY) % 7 or 7
        return self.today - timedelta(days=back)

    def review(self, week: int) -> date:
        """The day of weekly review `week` of the current story (0 is the first shown)."""
        return self.last_review - timedelta(weeks=data.SHOWN_WEEKS - 1 - week)

    @property
    def founded(self) -> date:
        """When the company started using okrbot: before the past quarter began."""
        return self.previous.start - timedelta(days=14)

    def past_reviews(self) -> list[date]:
        """The past quarter's weekly reviews: its Fridays from its second week on."""
        first = self.previous.start + timedelta(days=7)
        first += timedelta(days=(FRIDAY - first.weekday()) % 7)
        days = [first + timedelta(weeks=n) for n in range(13)]
        return [day for day in days if day <= self.previous.end]

    def reading_months(self) -> list[tuple[int, int]]:
        """(year, month) of the readings recorded by today, oldest first."""
        year, month = self.today.year, self.today.month
        # The newest month already recorded: last month once its reading day has come.
        back = 1 if self.today.day >= RECORDED_ON else 2
        index = year * 12 + month - 1 - back
        months = [index - n for n in range(data.READING_MONTHS)]
        return [(i // 12, i % 12 + 1) for i in reversed(months)]


def recorded_on(year: int, month: int) -> date:
    """The day a month's reading is recorded."""
    index = year * 12 + month
    return date(index // 12, index % 12 + 1, RECORDED_ON)
