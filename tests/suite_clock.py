"""The suite's "today": every test runs on okrbot's one clock, set here, never on the calendar.

By default the suite's clock starts at the machine's time when the run starts; `--today` (or
`$OKRBOT_TEST_TODAY`) moves the whole suite to another moment, e.g.
`pytest --today 2027-12-31T23:30+08:00` or `OKRBOT_TEST_TODAY=2028-02-29 pytest`. A bare date
means noon UTC of that day (the same date from UTC-11 to UTC+11). Commands the tests start as
subprocesses get the same moment through `$OKRBOT_NOW`.
"""

from __future__ import annotations

import os
from collections.abc import Iterator
from datetime import UTC, date, datetime, time, timedelta

import pytest

from storage import clock

TODAY_ENV = "OKRBOT_TEST_TODAY"
_suite_now: list[datetime] = []


def pytest_addoption(parser: pytest.Parser) -> None:
    parser.addoption(
        "--today",
        default=os.environ.get(TODAY_ENV) or None,
        help="run the suite as if it were this date or ISO instant (also $OKRBOT_TEST_TODAY)",
    )


def parse_today(text: str) -> datetime:
    """A date (noon UTC) or an ISO 8601 instant."""
    text = text.strip()
    if len(text) == 10:
        return datetime.combine(date.fromisoformat(text), time(12), tzinfo=UTC)
    return clock.parse_instant(text)


def pytest_configure(config: pytest.Config) -> None:
    given = config.getoption("--today")
    _suite_now[:] = [parse_today(given) if given else clock.SystemClock().now()]


def pytest_report_header(config: pytest.Config) -> str:
    return f"okrbot suite clock: {suite_now().isoformat()}"


def suite_now() -> datetime:
    """The moment the suite runs at (UTC)."""
    return _suite_now[0]


def suite_today() -> date:
    """The suite's date in UTC."""
    return suite_now().date()


@pytest.fixture(autouse=True)
def _suite_clock(monkeypatch: pytest.MonkeyPatch) -> Iterator[None]:
    """Each test starts at the suite's moment; subprocesses start there too."""
    start = suite_now()
    monkeypatch.setenv(clock.NOW_ENV, start.isoformat())
    with clock.use(clock.ShiftedClock(start)):
        yield


@pytest.fixture
def manual_clock() -> Iterator[clock.ManualClock]:
    """A clock the test moves itself, starting at the suite's moment."""
    with clock.use(clock.ManualClock(suite_now())) as moved:
        assert isinstance(moved, clock.ManualClock)
        yield moved


def weeks_from_now(weeks: int) -> datetime:
    """The suite's moment shifted by whole weeks."""
    return suite_now() + timedelta(weeks=weeks)


def at(moment: datetime) -> clock.ManualClock:
    """From now until the test ends, okrbot's clock stands at `moment` (move it with the
    returned clock's `set`/`advance`)."""
    frozen = clock.ManualClock(moment)
    clock.set_clock(frozen)
    return frozen
