"""One rate budget per platform for the whole fleet (PostgreSQL): replicas take each send from
the current second's (and minute's) shared window, so one replica alone sends at the full limit
and three together never above it. Time is a fake clock; nothing sleeps."""

from __future__ import annotations

from collections import Counter

import pytest
from sqlalchemy.engine import Engine

from bot.delivery.outcome import Envelope
from bot.delivery.ratelimit import Limiter
from bot.delivery.shared_budget import SharedBudget, shared_budget_for
from bot.delivery.worker import OutboxWorker, WorkerSettings
from storage.db import session_scope
from tests.delivery.fakes import FakeClock, RecordingTransport, enqueue_each, slack_people

ONLY_POSTGRES = pytest.mark.parametrize("database_url", ["postgres"], indirect=True)


@pytest.mark.postgres
@ONLY_POSTGRES
def test_three_replicas_share_one_second_and_one_alone_gets_all_of_it(engine: Engine) -> None:
    clock = FakeClock()
    wall = lambda: clock().timestamp()  # noqa: E731
    replicas = [SharedBudget(engine, "slack", per_second=5, wall=wall) for _ in range(3)]
    waits = [replicas[i % 3].wait() for i in range(7)]
    assert waits[:5] == [0.0] * 5  # five sends this second, whoever takes them
    assert all(0 < w <= 1 for w in waits[5:])  # the sixth and seventh wait for the next second
    clock.advance(1)
    assert [replicas[0].wait() for _ in range(6)][:5] == [0.0] * 5  # alone: the whole second


@pytest.mark.postgres
@ONLY_POSTGRES
def test_the_minute_window_holds_too(engine: Engine) -> None:
    clock = FakeClock()
    budget = SharedBudget(
        engine, "feishu", per_second=50, per_minute=60, wall=lambda: clock().timestamp()
    )
    sent, waits = 0, []
    for _ in range(200):
        wait = budget.wait()
        if wait == 0:
            sent += 1
            continue
        waits.append(wait)
        if wait > 10:
            break
        clock.advance(wait)
    assert sent == 60  # 50 in the first second, 10 in the next, then the minute is spent
    assert waits[-1] > 50  # until the next minute


@pytest.mark.postgres
@ONLY_POSTGRES
def test_two_senders_together_send_at_the_limit_and_never_above(engine: Engine) -> None:
    clock = FakeClock()
    with session_scope(engine) as session:
        ws, people = slack_people(session, 40)
        enqueue_each(session, ws, people, clock.now)
    stamps: list[float] = []

    def stamp(envelope: Envelope) -> None:
        stamps.append(clock().timestamp())

    transport = RecordingTransport(script=stamp)
    senders = [
        OutboxWorker(
            engine,
            transport,
            Limiter(per_second=1000),  # each replica's own pacing: no limit to speak of
            settings=WorkerSettings(batch=4),
            clock=clock,
            monotonic=clock.monotonic,
            sleep=clock.sleep,
            budget=SharedBudget(engine, "slack", per_second=5, wall=lambda: clock().timestamp()),
        )
        for _ in range(2)
    ]
    while any(sender.drain_once() for sender in senders):  # the two take turns, batch by batch
        pass
    assert len(transport.sent) == 40
    per_second = Counter(int(stamp) for stamp in stamps)
    assert max(per_second.values()) <= 5  # never above the limit
    elapsed = max(stamps) - min(stamps)
    assert 40 / (elapsed + 1) >= 0.9 * 5  # and at ≥ 90% of it


def test_sqlite_has_no_fleet_budget(engine: Engine) -> None:
    if engine.dialect.name == "sqlite":
        assert shared_budget_for(engine, "slack", 5, None) is None
    else:
        assert shared_budget_for(engine, "slack", 5, None) is not None
