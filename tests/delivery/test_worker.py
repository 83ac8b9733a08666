"""The outbox worker: pacing, retries with backoff, throttling, dead letters, crash-resume."""

from __future__ import annotations

from collections import Counter
from datetime import timedelta

from sqlalchemy.engine import Engine
from sqlmodel import select

from bot.delivery.outcome import Dead, Envelope, Outcome, Retry, Throttled
from bot.delivery.ratelimit import Limiter
from bot.delivery.worker import OutboxWorker, WorkerSettings
from storage.db import session_scope
from storage.models import OutboxMessage, OutboxStatus, Person
from storage.repos import outbox
from tests.delivery.fakes import FakeClock, RecordingTransport, enqueue_each, slack_people


def worker(
    engine: Engine,
    transport: RecordingTransport,
    clock: FakeClock,
    *,
    per_second: float = 1000,
    **settings: float,
) -> OutboxWorker:
    return OutboxWorker(
        engine,
        transport,
        Limiter(per_second=per_second),
        settings=WorkerSettings(**settings),  # type: ignore[arg-type,unused-ignore]
        clock=clock,
        monotonic=clock.monotonic,
        sleep=clock.sleep,
    )


def statuses(engine: Engine) -> Counter[str]:
    with session_scope(engine) as session:
        return Counter(row.status.value for row in session.exec(select(OutboxMessage)))


def test_each_message_is_sent_once_at_the_rate_limit(engine: Engine) -> None:
    clock = FakeClock()
    with session_scope(engine) as session:
        ws, people = slack_people(session, 30)
        enqueue_each(session, ws, people, clock.now)
    transport = RecordingTransport()
    assert worker(engine, transport, clock, per_second=10, batch=7).drain() == 30
    assert sorted(transport.sent) == sorted(set(transport.sent))
    assert len(transport.sent) == 30
    assert 2.8 <= clock.slept <= 3.0  # 30 sends at 10/s, the first one free
    with session_scope(engine) as session:
        refs = {row.platform_ref for row in session.exec(select(OutboxMessage))}
    assert len(refs) == 30
    assert statuses(engine) == {"sent": 30}


def test_throttled_send_waits_retry_after_and_is_not_an_attempt(engine: Engine) -> None:
    clock = FakeClock()
    with session_scope(engine) as session:
        ws, people = slack_people(session, 2)
        enqueue_each(session, ws, people, clock.now)
    answers: list[Outcome] = [Throttled(after=7.0)]

    def script(envelope: Envelope) -> Outcome | None:
        return answers.pop() if answers else None

    transport = RecordingTransport(script=script)
    worker(engine, transport, clock).drain()
    assert len(transport.sent) == 2
    assert clock.slept >= 7.0
    with session_scope(engine) as session:
        assert {row.attempts for row in session.exec(select(OutboxMessage))} == {1}


def test_transient_failures_back_off_then_park_as_dead(engine: Engine) -> None:
    clock = FakeClock()
    with session_scope(engine) as session:
        ws, people = slack_people(session, 1)
        enqueue_each(session, ws, people, clock.now)
    transport = RecordingTransport(script=lambda envelope: Retry("slack: internal_error"))
    sender = worker(engine, transport, clock, max_attempts=3, backoff_seconds=30)
    assert sender.drain() == 1
    assert sender.drain() == 0  # not due yet: backing off
    clock.advance(30)
    assert sender.drain() == 1
    clock.advance(59)
    assert sender.drain() == 0
    clock.advance(1)
    assert sender.drain() == 1
    with session_scope(engine) as session:
        row = session.exec(select(OutboxMessage)).one()
    assert row.status == OutboxStatus.DEAD
    assert row.attempts == 3
    assert row.last_error == "gave up: slack: internal_error"


def test_permanent_failures_and_missing_identities_are_dead_letters(engine: Engine) -> None:
    clock = FakeClock()
    with session_scope(engine) as session:
        ws, people = slack_people(session, 3)
        enqueue_each(session, ws, people, clock.now)
        left = session.get(Person, people[2].id)
        assert left is not None
        left.active = False
        blocked = people[1].id
    transport = RecordingTransport(
        script=lambda envelope: (
            Dead("slack: cannot_dm_bot") if envelope.person_id == blocked else None
        )
    )
    worker(engine, transport, clock).drain()
    assert len(transport.sent) == 1
    with session_scope(engine) as session:
        assert ws.id is not None
        dead = outbox.dead_letters(session=session, workspace_id=ws.id)
        assert sorted(row.last_error or "" for row in dead) == [
            "person_inactive",
            "slack: cannot_dm_bot",
        ]


def test_a_crash_mid_send_is_recovered_after_the_lease_in_doubt(engine: Engine) -> None:
    clock = FakeClock()
    with session_scope(engine) as session:
        ws, people = slack_people(session, 3)
        enqueue_each(session, ws, people, clock.now)
        assert ws.id is not None
        # A sender claims the batch and dies before recording anything.
        crashed = outbox.claim(
            session=session,
            workspace_ids=[ws.id],
            now=clock.now,
            lease_until=clock.now + timedelta(seconds=120),
            limit=10,
        )
    assert len(crashed) == 3
    landed = {crashed[0].id}  # the crashed sender had posted the first one
    in_doubt: list[int] = []

    def script(envelope: Envelope) -> Outcome | None:
        if envelope.in_doubt:
            in_doubt.append(envelope.outbox_id)
        return None

    transport = RecordingTransport(script=script)
    sender = worker(engine, transport, clock, lease_seconds=120)
    assert sender.drain() == 0  # still leased to the dead sender
    clock.advance(121)
    assert sender.drain() == 3
    assert sorted(in_doubt) == sorted(row.id or 0 for row in crashed)
    assert landed  # the transport decides (Slack: history lookup, Feishu: uuid)
    assert statuses(engine) == {"sent": 3}


def test_two_replicas_send_each_message_exactly_once(engine: Engine, database_url: str) -> None:
    import threading

    from storage.db import make_engine

    clock = FakeClock()
    with session_scope(engine) as session:
        ws, people = slack_people(session, 120)
        enqueue_each(session, ws, people, clock.now)
    transport = RecordingTransport()
    engines = [make_engine(database_url) for _ in range(2)]
    senders = [
        OutboxWorker(
            replica,
            transport,
            Limiter(per_second=1e6),
            settings=WorkerSettings(batch=5),
            clock=clock,
            sleep=lambda seconds: None,
        )
        for replica in engines
    ]
    threads = [threading.Thread(target=sender.drain) for sender in senders]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    for replica in engines:
        replica.dispose()
    assert len(transport.sent) == 120
    assert len(set(transport.sent)) == 120
    assert statuses(engine) == {"sent": 120}


def test_a_batch_that_outlives_its_lease_is_not_sent_twice(engine: Engine) -> None:
    """Sender A claims 6 rows and paces them at one every 2 s with a 5 s lease; after its
    third send the lease of the rest has run out and sender B claims them (in doubt) and sends
    them. A renews each row's lease right before sending it, finds it taken, and skips it; and
    an outcome can only be recorded by the current holder. 0 duplicates, 0 lost."""
    clock = FakeClock()
    with session_scope(engine) as session:
        ws, people = slack_people(session, 6)
        enqueue_each(session, ws, people, clock.now)
    transport = RecordingTransport()
    b = worker(engine, transport, clock, lease_seconds=5, batch=6)
    b_took: list[int] = []

    def pace_and_let_b_in(seconds: float) -> None:
        clock.sleep(seconds)
        if clock.slept > 5.5 and not b_took:  # A's lease on the rest is over: B claims them
            b_took.append(b.drain_once())

    a = OutboxWorker(
        engine,
        transport,
        Limiter(per_second=0.5),  # one send every 2 s: 6 sends take 10 s > the 5 s lease
        settings=WorkerSettings(lease_seconds=5, batch=6),
        clock=clock,
        monotonic=clock.monotonic,
        sleep=pace_and_let_b_in,
    )
    assert a.drain_once() == 6
    assert b_took
    assert b_took[0] > 0
    assert sorted(transport.sent) == sorted(set(transport.sent))  # nobody got one twice
    assert len(transport.sent) == 6  # nobody was left out
    assert statuses(engine) == {"sent": 6}


def test_an_old_holder_cannot_record_a_row_claimed_after_it(engine: Engine) -> None:
    clock = FakeClock()
    with session_scope(engine) as session:
        ws, people = slack_people(session, 1)
        enqueue_each(session, ws, people, clock.now)
        assert ws.id is not None
        (first,) = outbox.claim(
            session=session,
            workspace_ids=[ws.id],
            now=clock.now,
            lease_until=clock.now + timedelta(seconds=5),
            limit=1,
        )
    clock.advance(6)
    with session_scope(engine) as session:
        (second,) = outbox.claim(
            session=session,
            workspace_ids=[ws.id],
            now=clock.now,
            lease_until=clock.now + timedelta(seconds=5),
            limit=1,
        )
    assert second.attempts == first.attempts + 1
    assert second.in_doubt
    with session_scope(engine) as session:
        assert not outbox.record_sent(
            session=session,
            message_id=first.id or 0,
            now=clock.now,
            platform_ref="late",
            claim=first.attempts,
        )
        assert not outbox.renew(
            session=session,
            message_id=first.id or 0,
            claim=first.attempts,
            lease_until=clock.now + timedelta(seconds=5),
        )
        assert outbox.record_sent(
            session=session,
            message_id=second.id or 0,
            now=clock.now,
            platform_ref="mine",
            claim=second.attempts,
        )
    with session_scope(engine) as session:
        (row,) = session.exec(select(OutboxMessage)).all()
        assert row.platform_ref == "mine"


def test_a_post_whose_answer_was_lost_is_looked_up_not_posted_again(engine: Engine) -> None:
    """The stand-in posts the message but drops the connection before answering: neither the
    Slack SDK nor okrbot may post it again blindly; the retry finds it in the DM's history."""
    from bot.slack.sender import SlackSender, client_factory
    from tests.delivery.stub_platform import serve

    clock = FakeClock()
    with session_scope(engine) as session:
        ws, people = slack_people(session, 4)
        enqueue_each(session, ws, people, clock.now)
    with serve() as stub:
        stub.lose_answer_every = 2
        sender = SlackSender(client_factory(base_url=stub.base_url + "/api/", bot_token="xoxb-1"))
        sending = OutboxWorker(
            engine,
            sender,
            Limiter(per_second=1000),
            settings=WorkerSettings(concurrency=1),
            clock=clock,
            monotonic=clock.monotonic,
            sleep=clock.sleep,
        )
        sending.drain()
        assert stub.lost_answers == 2
        assert statuses(engine) == Counter({"sent": 2, "pending": 2})
        clock.now += timedelta(hours=1)  # past the retry's backoff
        sending.drain()
        assert statuses(engine) == Counter({"sent": 4})
        assert sorted(stub.delivered.values()) == [1, 1, 1, 1]  # each landed exactly once
