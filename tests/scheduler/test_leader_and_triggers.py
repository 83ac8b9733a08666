"""One leader among replicas (PostgreSQL advisory lock), cron triggers in people's zones,
a misfire-tolerant scheduler, and a manager digest built in constant queries."""

from __future__ import annotations

from datetime import UTC, datetime

from sqlalchemy.engine import Engine
from sqlmodel import select

from bot.config import AppConfig
from bot.scheduler.context import JobRun
from bot.scheduler.digest_jobs import hr_digests, manager_digests
from bot.scheduler.leader import LeaderLock
from bot.scheduler.registry import JOBS, next_runs, triggers
from bot.text import render_text
from digests.message import Message
from storage.db import session_scope
from storage.models import Confidence, OutboxMessage, Platform, Role
from storage.repos import reach
from tests import factories


def test_only_one_replica_leads_and_another_takes_over(engine: Engine) -> None:
    first, second = LeaderLock(engine, key=4242), LeaderLock(engine, key=4242)
    try:
        assert first.poll()
        if engine.dialect.name == "postgresql":
            assert not second.poll()
            first.release()  # the leader dies: its connection closes
        assert second.poll()
    finally:
        first.release()
        second.release()


def test_prompt_triggers_fire_at_local_ten_in_each_zone_across_dst() -> None:
    spec = JOBS["checkin_prompt"]
    found = triggers(spec, AppConfig(), {"Asia/Shanghai", "America/New_York"}, set())
    ny = found["checkin_prompt@America/New_York@mon@10:00"]
    sh = found["checkin_prompt@Asia/Shanghai@mon@10:00"]
    start = datetime(2026, 10, 27, tzinfo=UTC)
    assert ny.get_next_fire_time(None, start).astimezone(UTC) == datetime(
        2026, 11, 2, 15, 0, tzinfo=UTC
    )
    before_dst_end = datetime(2026, 10, 20, tzinfo=UTC)
    assert ny.get_next_fire_time(None, before_dst_end).astimezone(UTC) == datetime(
        2026, 10, 26, 14, 0, tzinfo=UTC
    )
    assert sh.get_next_fire_time(None, start).astimezone(UTC) == datetime(
        2026, 11, 2, 2, 0, tzinfo=UTC
    )


def test_jobs_list_has_every_job_with_a_next_run(engine: Engine) -> None:
    runs = next_runs(engine, AppConfig(), datetime(2026, 11, 23, tzinfo=UTC))
    assert set(runs) == set(JOBS)
    assert runs.pop("kpi_pull") is None  # no kpi_sources configured: off
    assert all(at is not None for at in runs.values())


def test_manager_and_hr_digests(engine: Engine) -> None:
    with session_scope(engine) as session:
        ws = factories.workspace(session)
        sales = factories.department(session, ws, "Sales")
        cyc = factories.cycle(session, ws)
        boss = factories.person(session, ws, "boss@example.com", role=Role.HR_ADMIN)
        for index in range(3):
            member = factories.person(
                session, ws, f"m{index}@example.com", manager_id=boss.id, department_id=sales.id
            )
            obj = factories.objective(session, ws, cyc, member)
            factories.key_result(
                session, obj, member, "Ship", confidence=Confidence.AT_RISK, current=20
            )
    friday = datetime(2026, 10, 30, 16, 0, tzinfo=UTC)
    config = AppConfig()
    assert manager_digests(JobRun(engine, config, friday)) == 1
    assert manager_digests(JobRun(engine, config, friday)) == 0
    assert hr_digests(JobRun(engine, config, friday.replace(hour=17))) == 1
    with session_scope(engine) as session:
        digest = session.exec(
            select(OutboxMessage).where(OutboxMessage.kind == "manager_digest")
        ).one()
    assert "KR-1 Ship" in digest.payload
    assert "0 of 3" in digest.payload


def test_the_hr_digest_names_who_no_platform_could_find(engine: Engine) -> None:
    with session_scope(engine) as session:
        ws = factories.workspace(session)
        factories.person(session, ws, "hr@example.com", role=Role.HR_ADMIN)
        dee = factories.person(session, ws, "dee@example.com", "Dee Ng")
        assert ws.id is not None
        assert dee.id is not None
        reach.record_miss(
            session=session,
            workspace_id=ws.id,
            person_id=dee.id,
            platform=Platform.SLACK,
            reason="slack: users_not_found",
            now=datetime(2026, 10, 29, tzinfo=UTC),
        )
    friday = datetime(2026, 10, 30, 17, 0, tzinfo=UTC)
    assert hr_digests(JobRun(engine, AppConfig(), friday)) == 1
    with session_scope(engine) as session:
        digest = session.exec(select(OutboxMessage).where(OutboxMessage.kind == "hr_digest")).one()
    shown = render_text(Message.model_validate_json(digest.payload))
    assert "1 person cannot be reached" in shown
    assert "Dee Ng <dee@example.com>" in shown
