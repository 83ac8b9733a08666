"""When a weekly event falls for one person: their zone, their day and time, their week.

Pure functions of an aware UTC `now`, so tests need no clock but an argument.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime, time, timedelta
from zoneinfo import ZoneInfo

DAYS = ("mon", "tue", "wed", "thu", "fri", "sat", "sun")


@dataclass(frozen=True)
class Slot:
    """A weekly local day and time, e.g. Monday 10:00 in Asia/Shanghai."""

    day: str
    at: str
    zone: str

    def occurrence(self, now: datetime, working_days: tuple[str, ...] = DAYS) -> datetime | None:
        """This local ISO week's occurrence as aware UTC, moved to the next working day of the
        same week when `day` is not one; None when no working day is left that week."""
        tz = ZoneInfo(self.zone)
        local_today = now.astimezone(tz).date()
        monday = local_today - timedelta(days=local_today.weekday())
        index = DAYS.index(self.day)
        while DAYS[index] not in working_days:
            index += 1
            if index == len(DAYS):
                return None
        hour, minute = (int(part) for part in self.at.split(":"))
        local = datetime.combine(monday + timedelta(days=index), time(hour, minute), tzinfo=tz)
        return local.astimezone(ZoneInfo("UTC"))

    def is_due(
        self,
        now: datetime,
        *,
        catch_up: timedelta,
        working_days: tuple[str, ...] = DAYS,
    ) -> bool:
        """True from this week's occurrence until `catch_up` after it."""
        at = self.occurrence(now, working_days)
        return at is not None and at <= now < at + catch_up


def week_key(now: datetime, zone: str) -> str:
    """The person's ISO week, e.g. 2026-W48: one prompt, nudge or digest per week."""
    local: date = now.astimezone(ZoneInfo(zone)).date()
    year, week, _ = local.isocalendar()
    return f"{year}-W{week:02d}"


def local_date(now: datetime, zone: str) -> date:
    return now.astimezone(ZoneInfo(zone)).date()
