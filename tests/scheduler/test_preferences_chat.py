"""`/okr pause|resume|prompts` typed in chat: stored, and honoured by the check-in job."""

from __future__ import annotations

from datetime import UTC, date, datetime

import pytest
from sqlalchemy.engine import Engine
from sqlmodel import Session, select

from bot.core import Core, Inbound
from bot.text import render_text
from storage.models import Platform, SchedulePreference
from tests.scheduler.test_checkins import run, setup
from tests.suite_clock import at

TYPED_AT = datetime(2026, 10, 20, 9, 0, tzinfo=UTC)
MONDAY_10_SHANGHAI = datetime(2026, 10, 26, 2, 0, tzinfo=UTC)


def say(engine: Engine, person_id: int, text: str) -> str:
    at(TYPED_AT)
    core = Core(engine)
    return render_text(core.handle(Inbound(Platform.CONSOLE, 1, person_id, text)))


def preference(engine: Engine, person_id: int) -> SchedulePreference | None:
    with Session(engine) as session:
        query = select(SchedulePreference).where(SchedulePreference.person_id == person_id)
        return session.exec(query).first()


def test_pause_then_resume(engine: Engine) -> None:
    li = setup(engine)["li"]
    assert "paused until 2026-11-01" in say(engine, li, "/okr pause until 2026-11-01")
    pref = preference(engine, li)
    assert pref is not None
    assert pref.paused_until == date(2026, 11, 1)
    assert run(engine, MONDAY_10_SHANGHAI) == 0
    assert "back on" in say(engine, li, "/okr 恢复")
    assert run(engine, MONDAY_10_SHANGHAI) == 1


def test_chosen_day_and_time_move_the_prompt(engine: Engine) -> None:
    li = setup(engine)["li"]
    reply = say(engine, li, "/okr prompts wed 09:00")
    assert "Wednesday at 09:00" in reply
    assert run(engine, MONDAY_10_SHANGHAI) == 0
    assert run(engine, datetime(2026, 10, 28, 1, 0, tzinfo=UTC)) == 1  # Wed 09:00 Shanghai
    say(engine, li, "/okr prompts 10:30")  # the day stays Wednesday
    pref = preference(engine, li)
    assert pref is not None
    assert (pref.checkin_day, pref.checkin_time) == ("wed", "10:30")
    assert "company's schedule" in say(engine, li, "/okr prompts default")
    pref = preference(engine, li)
    assert pref is not None
    assert (pref.checkin_day, pref.checkin_time) == (None, None)


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("/okr pause", "Until when?"),
        ("/okr pause until soon", "soon is not a date"),
        ("/okr pause until 2026-02-30", "2026-02-30 is not a date"),
        ("/okr pause until 2026-10-01", "not in the future"),
        ("/okr prompts someday", "someday is neither a weekday"),
        ("/okr prompts mon 25:00", "25:00 is neither"),
        ("/okr resume now", "Usage: /okr resume"),
    ],
)
def test_bad_schedule_input_gets_usage(engine: Engine, text: str, expected: str) -> None:
    li = setup(engine)["li"]
    reply = say(engine, li, text)
    assert expected in reply
    assert "Usage:" in reply
    assert preference(engine, li) is None
