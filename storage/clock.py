"""The one clock: every "now" and "today" in okrbot comes from here.

Production reads the system time. A test, the demo or a rehearsal can move the clock for the
whole process: in-process with `use(...)`, or for a command started from outside with
`$OKRBOT_NOW` (an ISO 8601 instant, e.g. `2027-12-31T23:30+08:00`): the process's clock then
starts at that instant and runs on from it. Nothing else in okrbot reads the system time, but
for two things that are about the wire, not the calendar: the freshness of signed platform
requests (Slack's, checked by bolt, and Feishu's replay window), which the platforms stamp with
the real time, and the scheduler's firing (APScheduler), whose jobs decide what is due from this
clock.
"""

from __future__ import annotations

import os
import time
from collections.abc import Iterator
from contextlib import contextmanager
from datetime import UTC, date, datetime, timedelta, tzinfo
from typing import Protocol

NOW_ENV = "OKRBOT_NOW"


class Clock(Protocol):
    """Anything that can tell the current time as an aware UTC datetime."""

    def now(self) -> datetime: ...


class SystemClock:
    """The machine's time."""

    def now(self) -> datetime:
        return datetime.now(UTC)


class ShiftedClock:
    """A clock that starts at `start` and runs at the machine's pace from there."""

    def __init__(self, start: datetime) -> None:
        self._start = _aware(start)
        self._origin = time.monotonic()

    def now(self) -> datetime:
        return self._start + timedelta(seconds=time.monotonic() - self._origin)


class ManualClock:
    """A clock that moves only when told to (tests, journeys advanced week by week)."""

    def __init__(self, start: datetime) -> None:
        self._now = _aware(start)

    def now(self) -> datetime:
        return self._now

    def set(self, moment: datetime) -> None:
        """Jump to `moment`."""
        self._now = _aware(moment)

    def advance(self, delta: timedelta) -> datetime:
        """Move forward by `delta`; returns the new time."""
        self._now += delta
        return self._now


def parse_instant(text: str) -> datetime:
    """An ISO 8601 instant; a bare date means its midnight UTC, a naive time is UTC."""
    text = text.strip()
    moment = datetime.fromisoformat(text)
    return _aware(moment)


def _aware(moment: datetime) -> datetime:
    if moment.tzinfo is None:
        moment = moment.replace(tzinfo=UTC)
    return moment.astimezone(UTC)


def _from_environment() -> Clock:
    value = os.environ.get(NOW_ENV, "").strip()
    if not value:
        return SystemClock()
    try:
        return ShiftedClock(parse_instant(value))
    except ValueError as error:
        raise SystemExit(
            f"${NOW_ENV}={value!r} is not an ISO 8601 time (e.g. 2027-02-15T09:00+08:00)"
        ) from error


_current: list[Clock] = [_from_environment()]


def current() -> Clock:
    """The process's clock."""
    return _current[0]


def now() -> datetime:
    """The current time, aware, in UTC."""
    return _current[0].now()


def today(zone: tzinfo) -> date:
    """Today's date in `zone`."""
    return now().astimezone(zone).date()


def set_clock(clock: Clock) -> Clock:
    """Make `clock` the process's clock; returns the one it replaces."""
    previous = _current[0]
    _current[0] = clock
    return previous


@contextmanager
def use(clock: Clock) -> Iterator[Clock]:
    """The process's clock is `clock` inside the block."""
    previous = set_clock(clock)
    try:
        yield clock
    finally:
        set_clock(previous)
