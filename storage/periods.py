"""Period labels for KPIs: 2026, 2026-Q4, 2026-11, 2026-W48, 2026-11-23."""

from __future__ import annotations

import re
from datetime import date, timedelta

from storage.models.enums import Frequency

_YEAR = re.compile(r"^(\d{4})$")
_QUARTER = re.compile(r"^(\d{4})-Q([1-4])$")
_MONTH = re.compile(r"^(\d{4})-(\d{2})$")
_WEEK = re.compile(r"^(\d{4})-W(\d{2})$")
_DAY = re.compile(r"^(\d{4})-(\d{2})-(\d{2})$")


class PeriodError(ValueError):
    """A period label that does not parse."""


EVERY = "*"  # a target with no period: in force in every period (a narrower one wins)


def bounds(label: str) -> tuple[date, date]:
    """First and last day covered by a period label (`*`: all of time)."""
    text = label.strip().upper()
    if text == EVERY:
        return date.min, date.max
    try:
        if m := _YEAR.match(text):
            year = int(m[1])
            return date(year, 1, 1), date(year, 12, 31)
        if m := _QUARTER.match(text):
            year, quarter = int(m[1]), int(m[2])
            start = date(year, 3 * quarter - 2, 1)
            return start, _month_end(year, 3 * quarter)
        if m := _MONTH.match(text):
            year, month = int(m[1]), int(m[2])
            return date(year, month, 1), _month_end(year, month)
        if m := _WEEK.match(text):
            start = date.fromisocalendar(int(m[1]), int(m[2]), 1)
            return start, start + timedelta(days=6)
        if m := _DAY.match(text):
            day = date(int(m[1]), int(m[2]), int(m[3]))
            return day, day
    except ValueError as error:
        raise PeriodError(label) from error
    raise PeriodError(label)


def normalise(label: str) -> str:
    """The canonical spelling of a period label (raises PeriodError when invalid)."""
    bounds(label)
    return label.strip().upper()


def is_valid(label: str) -> bool:
    """True when the label names a period (a day, week, month, quarter or year; not `*`)."""
    if label.strip() == EVERY:
        return False
    try:
        bounds(label)
    except PeriodError:
        return False
    return True


def contains(outer: str, inner: str) -> bool:
    """True when period `inner` lies within period `outer`."""
    outer_start, outer_end = bounds(outer)
    inner_start, inner_end = bounds(inner)
    return outer_start <= inner_start and inner_end <= outer_end


def current(frequency: Frequency, today: date) -> str:
    """The label of the period of this frequency that contains `today`."""
    if frequency is Frequency.DAILY:
        return today.isoformat()
    if frequency is Frequency.WEEKLY:
        year, week, _ = today.isocalendar()
        return f"{year}-W{week:02d}"
    if frequency is Frequency.MONTHLY:
        return f"{today.year}-{today.month:02d}"
    return f"{today.year}-Q{(today.month - 1) // 3 + 1}"


def _month_end(year: int, month: int) -> date:
    first_next = date(year + month // 12, month % 12 + 1, 1)
    return first_next - timedelta(days=1)
