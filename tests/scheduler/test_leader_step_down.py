"""Leadership that steps down before anyone else can step up: when the leader's lock
connection is cut (a database failover, a killed backend), the leader notices at its very next
job run — it asks the lock's own connection first — and stops; only then can a contender take
the lock. The order is observed, not timed. PostgreSQL only (SQLite has one process)."""

from __future__ import annotations

import random

import pytest
import sqlalchemy as sa
from sqlalchemy.engine import Engine

from bot.config import AppConfig, SchedulerConfig
from bot.runtime import Runtime
from bot.scheduler import service as scheduler_service
from bot.scheduler.leader import LeaderLock
from bot.scheduler.service import SchedulerService


@pytest.mark.postgres
@pytest.mark.parametrize("database_url", ["postgres"], indirect=True)
def test_the_leader_stops_before_the_next_leader_starts(
    engine: Engine, monkeypatch: pytest.MonkeyPatch
) -> None:
    key = random.randrange(1, 2**40)
    monkeypatch.setattr("bot.scheduler.service.LeaderLock", lambda e: LeaderLock(e, key=key))
    events: list[str] = []

    def ran(runtime: Runtime, name: str) -> int:
        events.append(f"A ran {name}")
        return 0

    monkeypatch.setattr(scheduler_service, "run_job", ran)
    runtime = Runtime(config=AppConfig(scheduler=SchedulerConfig(enabled=False)), engine=engine)
    leader = SchedulerService(runtime)
    contender = LeaderLock(engine, key=key)
    try:
        assert leader.lock.poll()
        assert not contender.poll()
        leader.run_if_leading(runtime, "retention")
        assert events == ["A ran retention"]

        pid = leader.lock.backend_pid()
        with engine.connect() as admin:
            admin.execute(sa.text("SELECT pg_terminate_backend(:pid)"), {"pid": pid})
            admin.commit()

        if leader.run_if_leading(runtime, "checkin_prompt") is None:
            events.append("A stepped down")
        if contender.poll():
            events.append("B leads")
        assert leader.run_if_leading(runtime, "checkin_nudge") is None  # and stays down
        assert events == ["A ran retention", "A stepped down", "B leads"]
    finally:
        leader.lock.release()
        contender.release()
