"""The demo's day: `okrbot demo --today DATE` runs the whole demo (seed and chat) on that day."""

from __future__ import annotations

from datetime import date, datetime, time
from zoneinfo import ZoneInfo

import typer

from bot import demo_data
from storage import clock

# A demo moved to another day starts at this company time, so what it prints is the same each
# time it is run for that day.
DEMO_START = time(9, 0)


def demo_day(given: str | None) -> date:
    """The day to build the demo around; with `given`, the process's clock moves there too."""
    zone = ZoneInfo(demo_data.COMPANY_TIMEZONE)
    if given is None:
        return clock.today(zone)
    try:
        day = date.fromisoformat(given.strip())
    except ValueError as error:
        raise typer.BadParameter(
            f"{given!r} is not a date; use YYYY-MM-DD", param_hint="--today"
        ) from error
    clock.set_clock(clock.ShiftedClock(datetime.combine(day, DEMO_START, tzinfo=zone)))
    return day
