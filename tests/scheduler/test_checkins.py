"""Check-in jobs with a controllable clock: each person's own 10:00 across a DST change,
pause, working days, skipping fresh KRs, nudges, escalation and idempotent re-runs."""

from __future__ import annotations

from datetime import UTC, date, datetime, timedelta

from sqlalchemy.engine import Engine
from sqlmodel import select

from bot.config import AppConfig, CheckinConfig
from bot.scheduler.checkins import checkin_prompts, escalations, nudges
from bot.scheduler.context import JobRun
from digests.message import Message, Progress
from storage.db import session_scope
from storage.models import CheckIn, Confidence, KeyResult, OutboxMessage, Person
from storage.repos import schedule
from tests import factories

OLD = datetime(2026, 9, 1, tzinfo=UTC)


def setup(engine: Engine) -> dict[str, int]:
    with session_scope(engine) as session:
        ws = factories.workspace(session)
        cyc = factories.cycle(session, ws)
        ids: dict[str, int] = {}
        boss = factories.person(session, ws, "boss@example.com", timezone="Europe/London")
        for name, zone in [("li", "Asia/Shanghai"), ("ny", "America/New_York")]:
            person = factories.person(
                session, ws, f"{name}@example.com", timezone=zone, manager_id=boss.id
            )
            obj = factories.objective(session, ws, cyc, person)
            kr = factories.key_result(session, obj, person)
            kr.updated_at = OLD
            assert person.id is not None
            ids[name] = person.id
        factories.person(session, ws, "nokr@example.com", timezone="UTC")
        assert boss.id is not None
        ids["boss"] = boss.id
    return ids


def run(engine: Engine, at: datetime, job=checkin_prompts, **checkins: object) -> int:  # type: ignore[no-untyped-def]
    config = AppConfig(checkins=CheckinConfig(**checkins))  # type: ignore[arg-type,unused-ignore]
    return int(job(JobRun(engine, config, at)))


def keys(engine: Engine) -> list[str]:
    with session_scope(engine) as session:
        return sorted(row.dedupe_key for row in session.exec(select(OutboxMessage)))


def test_each_person_is_prompted_at_their_own_ten_across_dst(engine: Engine) -> None:
    ids = setup(engine)
    li, ny = ids["li"], ids["ny"]
    # Monday 2026-10-26: Shanghai 10:00 = 02:00 UTC; New York (EDT) 10:00 = 14:00 UTC.
    assert run(engine, datetime(2026, 10, 26, 1, 59, tzinfo=UTC)) == 0
    assert run(engine, datetime(2026, 10, 26, 2, 0, tzinfo=UTC)) == 1
    assert run(engine, datetime(2026, 10, 26, 13, 59, tzinfo=UTC)) == 0
    assert run(engine, datetime(2026, 10, 26, 14, 0, tzinfo=UTC)) == 1
    # After the US change to EST (2026-11-01), New York's 10:00 is 15:00 UTC.
    assert run(engine, datetime(2026, 11, 2, 2, 0, tzinfo=UTC)) == 1
    assert run(engine, datetime(2026, 11, 2, 14, 0, tzinfo=UTC)) == 0
    assert run(engine, datetime(2026, 11, 2, 15, 0, tzinfo=UTC)) == 1
    assert keys(engine) == sorted(
        [
            f"checkin:2026-W44:{li}",
            f"checkin:2026-W44:{ny}",
            f"checkin:2026-W45:{li}",
            f"checkin:2026-W45:{ny}",
        ]
    )


def test_re_runs_and_catch_up_after_downtime_queue_once(engine: Engine) -> None:
    setup(engine)
    monday = datetime(2026, 10, 26, 14, 0, tzinfo=UTC)
    # Down at New York's 10:00, back at 15:00: caught up. Shanghai's slot is 17 h old by then,
    # past the 12 h catch-up window (its prompt went out on time or is skipped, never late).
    assert run(engine, monday + timedelta(hours=5)) == 1
    assert run(engine, monday + timedelta(hours=5, minutes=15)) == 0
    assert run(engine, monday + timedelta(hours=5)) == 0
    assert len(keys(engine)) == 1


def test_pause_working_days_and_fresh_krs_skip_prompts(engine: Engine) -> None:
    ids = setup(engine)
    with session_scope(engine) as session:
        schedule.set_preference(
            session=session, workspace_id=1, person_id=ids["li"], paused_until=date(2026, 11, 1)
        )
        kr = session.exec(select(KeyResult).where(KeyResult.owner_id == ids["ny"])).one()
        kr.updated_at = datetime(2026, 10, 25, tzinfo=UTC)  # updated yesterday
    assert run(engine, datetime(2026, 10, 26, 15, 0, tzinfo=UTC)) == 0
    # A week later Li is back; Monday is not a working day, so Tuesday 10:00 is the slot.
    tuesday_only = {"working_days": ["tue", "wed", "thu", "fri"]}
    assert run(engine, datetime(2026, 11, 2, 2, 0, tzinfo=UTC), **tuesday_only) == 0
    assert run(engine, datetime(2026, 11, 3, 2, 0, tzinfo=UTC), **tuesday_only) == 1


def test_own_day_and_time_preference(engine: Engine) -> None:
    ids = setup(engine)
    with session_scope(engine) as session:
        schedule.set_preference(
            session=session,
            workspace_id=1,
            person_id=ids["li"],
            checkin_day="wed",
            checkin_time="09:00",
        )
    assert run(engine, datetime(2026, 10, 26, 2, 0, tzinfo=UTC)) == 0
    assert run(engine, datetime(2026, 10, 28, 1, 0, tzinfo=UTC)) == 1  # Wed 09:00 Shanghai


def test_nudge_then_escalation_after_missed_prompts(engine: Engine) -> None:
    ids = setup(engine)
    week1 = datetime(2026, 10, 26, 15, 0, tzinfo=UTC)
    week2 = week1 + timedelta(days=7)
    for monday in (week1, week2):
        with session_scope(engine) as session:
            for row in session.exec(select(KeyResult)):
                row.updated_at = OLD
        assert run(engine, monday, catch_up_hours=24) == 2
        with session_scope(engine) as session:  # created_at as if queued at that time
            for message in session.exec(select(OutboxMessage)):
                if message.created_at > monday:
                    message.created_at = monday
    with session_scope(engine) as session:  # Li checks in after the second prompt
        session.add(
            CheckIn(
                workspace_id=1,
                key_result_id=1,
                person_id=ids["li"],
                value=5,
                previous_value=0,
                confidence=Confidence.ON_TRACK,
                created_at=week2 + timedelta(hours=1),
            )
        )
    wednesday = week2 + timedelta(days=2)
    assert run(engine, wednesday, job=nudges) == 1
    friday = week2 + timedelta(days=4, hours=-4)  # Friday 11:00 UTC: an hour after 10:00 London
    assert run(engine, friday, job=escalations) == 1
    assert run(engine, friday, job=escalations) == 0
    with session_scope(engine) as session:
        escalated = session.exec(
            select(OutboxMessage).where(OutboxMessage.kind == "checkin_escalation")
        ).one()
        manager = session.get(Person, escalated.person_id)
    assert manager is not None
    assert manager.id == ids["boss"]
    assert escalated.dedupe_key.endswith(f":{ids['ny']}")


def test_the_prompt_shows_each_stale_kr_with_its_progress_and_confidence(engine: Engine) -> None:
    with session_scope(engine) as session:
        ws = factories.workspace(session)
        person = factories.person(session, ws, "li@example.com", timezone="Asia/Shanghai")
        obj = factories.objective(session, ws, factories.cycle(session, ws), person)
        kr = factories.key_result(
            session, obj, person, "Ship 100 stores", current=40, confidence=Confidence.AT_RISK
        )
        kr.updated_at = OLD
    assert run(engine, datetime(2026, 10, 26, 2, 0, tzinfo=UTC)) == 1
    with session_scope(engine) as session:
        (row,) = session.exec(select(OutboxMessage)).all()
        message = Message.model_validate_json(row.payload)
    bars = [block for block in message.blocks if isinstance(block, Progress)]
    assert [(bar.label, bar.percent, bar.status) for bar in bars] == [
        ("KR-1 Ship 100 stores", 40.0, "at_risk")
    ]
