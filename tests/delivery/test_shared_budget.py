"""One send schedule per platform for the whole fleet (PostgreSQL): every send, from any
replica, takes the next slot 1 / limit after the previous one, so one replica alone sends at
the full limit and several together never above it in any stretch of a second. Time is a fake
clock or the database's; nothing sleeps."""

from __future__ import annotations

import threading
from datetime import timedelta

import pytest
from sqlalchemy.engine import Engine

from bot.delivery.outcome import Envelope
from bot.delivery.ratelimit import Limiter
from bot.delivery.shared_budget import SharedBudget, shared_budget_for
from bot.delivery.worker import OutboxWorker, WorkerSettings
from storage.db import session_scope
from tests.delivery.fakes import FakeClock, RecordingTransport, enqueue_each, slack_people
from tests.delivery.stub_platform import busiest_second

ONLY_POSTGRES = pytest.mark.parametrize("database_url", ["postgres"], indirect=True)
AT = 1_800_000_000.5  # a fixed instant (epoch seconds), half-way through a second


def about(expected: object) -> object:
    """Equal within 10 µs (epoch seconds as doubles keep ~0.2 µs; 30 slots add it up)."""
    return pytest.approx(expected, abs=1e-5)


@pytest.mark.postgres
@ONLY_POSTGRES
def test_replicas_take_slots_one_interval_apart_and_one_alone_gets_the_full_rate(
    engine: Engine,
) -> None:
    now = [AT]
    replicas = [SharedBudget(engine, "slack", per_second=5, wall=lambda: now[0]) for _ in range(3)]
    waits = [replicas[i % 3].wait() for i in range(7)]
    assert waits == about([0.0, 0.2, 0.4, 0.6, 0.8, 1.0, 1.2])
    now[0] += 1.3  # just past the seventh slot: the next is one interval after it, for anyone
    assert replicas[0].wait() == about(0.1)


@pytest.mark.postgres
@ONLY_POSTGRES
def test_after_an_idle_spell_the_schedule_starts_from_now_without_a_burst(
    engine: Engine,
) -> None:
    now = [AT]
    budget = SharedBudget(engine, "slack", per_second=5, wall=lambda: now[0])
    assert [budget.wait() for _ in range(3)] == about([0.0, 0.2, 0.4])
    now[0] += 60  # a minute of nothing: the missed slots are not made up in a rush
    assert [budget.wait() for _ in range(3)] == about([0.0, 0.2, 0.4])


@pytest.mark.postgres
@ONLY_POSTGRES
def test_the_per_minute_limit_spaces_sends_when_it_is_the_stricter(engine: Engine) -> None:
    now = [AT]
    budget = SharedBudget(engine, "feishu", per_second=50, per_minute=60, wall=lambda: now[0])
    assert budget.interval == about(1.0)
    assert [budget.wait() for _ in range(3)] == about([0.0, 1.0, 2.0])
    assert SharedBudget(engine, "feishu", 5, per_minute=1000).interval == about(0.2)


@pytest.mark.postgres
@ONLY_POSTGRES
def test_each_platform_has_its_own_schedule(engine: Engine) -> None:
    now = [AT]
    slack = SharedBudget(engine, "slack", per_second=5, wall=lambda: now[0])
    feishu = SharedBudget(engine, "feishu", per_second=5, wall=lambda: now[0])
    assert [slack.wait(), slack.wait(), feishu.wait(), feishu.wait()] == about([0.0, 0.2, 0.0, 0.2])


@pytest.mark.postgres
@ONLY_POSTGRES
def test_concurrent_askers_each_get_a_slot_of_their_own(engine: Engine) -> None:
    budget = SharedBudget(engine, "slack", per_second=5, wall=lambda: AT)
    waits: list[float] = []
    lock = threading.Lock()

    def ask() -> None:
        for _ in range(10):
            wait = budget.wait()
            with lock:
                waits.append(wait)

    askers = [threading.Thread(target=ask) for _ in range(3)]
    for asker in askers:
        asker.start()
    for asker in askers:
        asker.join()
    assert sorted(waits) == about([0.2 * n for n in range(30)])


@pytest.mark.postgres
@ONLY_POSTGRES
def test_without_a_clock_of_its_own_the_schedule_runs_on_the_databases(engine: Engine) -> None:
    budget = shared_budget_for(engine, "slack", 0.1, None)  # one send every 10 s
    assert budget is not None
    assert budget.wall is None
    first, second, third = budget.wait(), budget.wait(), budget.wait()
    assert first == 0.0
    assert 5.0 < second <= 10.0  # the database's clock moved on a little between asks
    assert 15.0 < third <= 20.0
    assert third > second


@pytest.mark.postgres
@ONLY_POSTGRES
def test_two_senders_starting_mid_second_never_exceed_the_limit_in_any_second(
    engine: Engine,
) -> None:
    clock = FakeClock()
    clock.advance(0.5)  # the senders start half-way through a second
    with session_scope(engine) as session:
        ws, people = slack_people(session, 40)
        enqueue_each(session, ws, people, clock.now - timedelta(seconds=1))
    stamps: list[float] = []

    def stamp(envelope: Envelope) -> None:
        stamps.append(clock().timestamp())

    transport = RecordingTransport(script=stamp)
    senders = [
        OutboxWorker(
            engine,
            transport,
            Limiter(per_second=1000, burst=1000),  # each replica's own pacing: no limit to speak of
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
    assert busiest_second(stamps) <= 5  # never above the limit, wherever the second starts
    elapsed = max(stamps) - min(stamps)
    assert 39 / elapsed >= 0.99 * 5  # and at the limit: one send every 0.2 s


def test_sqlite_has_no_fleet_budget(engine: Engine) -> None:
    if engine.dialect.name == "sqlite":
        assert shared_budget_for(engine, "slack", 5, None) is None
    else:
        assert shared_budget_for(engine, "slack", 5, None) is not None
