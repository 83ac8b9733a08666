"""Fan-out at scale: N messages through the outbox to a local Slack stand-in that enforces the
platform's rate (429 + Retry-After above it), answers the history lookups, and now and then
loses the answer to a post that landed (the sender cannot know, and must look before posting
again). Senders are separate processes built as `okrbot serve` builds them (the Slack sender,
its limiter and the fleet's shared rate budget in PostgreSQL).

Scenarios, each on a fresh round of N messages: 1, 2 and 3 replicas; 3 replicas with one
SIGKILLed halfway (its claimed rows are taken over after their lease). Each prints delivered,
duplicates, lost, the achieved rate and its share of the limit, 429s and lost answers.

Run: .venv/bin/python bench/fanout.py [--people 10000] [--limit 50] [--db URL]
     [--scenarios 1,2,3,3-kill] [--lose-every 500]
The default database is `okrbot_bench` on the PostgreSQL of the tests (created and dropped).
"""

from __future__ import annotations

import argparse
import logging
import os
import signal
import subprocess
import sys
import time
from collections import Counter
from pathlib import Path

import sqlalchemy as sa

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from sqlmodel import func, select  # noqa: E402

from storage import migrate  # noqa: E402
from storage.db import make_engine, session_scope  # noqa: E402
from storage.models import OutboxMessage, OutboxStatus, Platform  # noqa: E402
from storage.repos import workspaces  # noqa: E402
from tests.delivery.stub_platform import RateLimitedStub, serve  # noqa: E402

PAYLOAD = '{"blocks": [{"kind": "section", "text": "Q4 reviews are due Friday."}]}'
SERVER = os.environ.get(
    "OKRBOT_TEST_POSTGRES_URL", "postgresql+psycopg://postgres@127.0.0.1:5432/test"
)
BATCH = 100
LEASE_SECONDS = 20.0


def bench_database(name: str = "okrbot_bench") -> str:
    """A fresh database on the tests' PostgreSQL server."""
    admin = sa.create_engine(SERVER, isolation_level="AUTOCOMMIT")
    with admin.connect() as connection:
        connection.execute(sa.text(f"DROP DATABASE IF EXISTS {name} WITH (FORCE)"))
        connection.execute(sa.text(f"CREATE DATABASE {name}"))
    admin.dispose()
    return SERVER.rsplit("/", 1)[0] + f"/{name}"


def drop_database(name: str = "okrbot_bench") -> None:
    admin = sa.create_engine(SERVER, isolation_level="AUTOCOMMIT")
    with admin.connect() as connection:
        connection.execute(sa.text(f"DROP DATABASE IF EXISTS {name} WITH (FORCE)"))
    admin.dispose()


def seed(url: str, people: int) -> int:
    """A Slack workspace with `people` people who each have a Slack user id (bulk inserts)."""
    engine = make_engine(url)
    migrate.upgrade(engine)
    with session_scope(engine) as session:
        ws = workspaces.ensure(
            session=session, slug="bench", name="Bench", platform=Platform.SLACK, external_id="TB"
        )
        assert ws.id is not None
        workspace_id = ws.id
    with engine.begin() as connection:
        connection.execute(
            sa.text(
                "INSERT INTO person (workspace_id, email, name, role, active, created_at,"
                " updated_at) SELECT :ws, 'p' || i || '@bench.example', 'P' || i, 'employee',"
                " true, now(), now() FROM generate_series(1, :n) AS i"
            ),
            {"ws": workspace_id, "n": people},
        )
        connection.execute(
            sa.text(
                "INSERT INTO person_identity (workspace_id, person_id, platform, external_id)"
                " SELECT :ws, id, 'slack', 'U' || lpad(id::text, 7, '0') FROM person"
                " WHERE workspace_id = :ws"
            ),
            {"ws": workspace_id},
        )
    engine.dispose()
    return workspace_id


def enqueue_round(url: str, workspace_id: int, key: str) -> set[int]:
    """One pending outbox row a person under `key`; their ids."""
    engine = make_engine(url)
    with engine.begin() as connection:
        rows = connection.execute(
            sa.text(
                "INSERT INTO outbox_message (workspace_id, person_id, dedupe_key, kind, payload,"
                " status, attempts, due_at, created_at, in_doubt)"
                " SELECT :ws, id, :key || ':' || id, 'broadcast', :payload, 'pending', 0, now(),"
                " now(), false FROM person WHERE workspace_id = :ws RETURNING id"
            ),
            {"ws": workspace_id, "key": key, "payload": PAYLOAD},
        )
        ids = {int(row[0]) for row in rows}
    engine.dispose()
    return ids


def worker_main(url: str, base_url: str, limit: float) -> None:
    """One sender replica: drain until every row of the round is sent or dead."""
    from bot.config import RateLimitConfig
    from bot.delivery.service import limiter_of
    from bot.delivery.shared_budget import shared_budget_for
    from bot.delivery.worker import OutboxWorker, WorkerSettings
    from bot.slack.sender import SlackSender, client_factory

    logging.getLogger("okrbot").setLevel(logging.ERROR)  # no "throttled" line per 429
    engine = make_engine(url)
    rate = RateLimitConfig(per_second=limit, per_minute=None, per_recipient=1.0, burst=limit)
    worker = OutboxWorker(
        engine,
        SlackSender(client_factory(base_url=base_url + "/api/", bot_token="xoxb-bench")),
        limiter_of(rate),
        settings=WorkerSettings(
            batch=BATCH, lease_seconds=LEASE_SECONDS, concurrency=4, backoff_seconds=1
        ),
        budget=shared_budget_for(engine, "slack", limit, None),
    )
    while True:
        if worker.drain_once() == 0:
            if open_rows(engine) == 0:
                return
            time.sleep(0.2)


def open_rows(engine: sa.Engine) -> int:
    with session_scope(engine) as session:
        return int(
            session.exec(
                select(func.count())
                .select_from(OutboxMessage)
                .where(col_status().in_([OutboxStatus.PENDING, OutboxStatus.SENDING]))
            ).one()
        )


def col_status() -> sa.ColumnElement[str]:
    return OutboxMessage.__table__.c.status  # type: ignore[attr-defined,no-any-return]


def spawn(url: str, stub: RateLimitedStub, limit: float) -> subprocess.Popen[bytes]:
    argv = [sys.executable, __file__, "--worker", "--db", url, "--base-url", stub.base_url]
    return subprocess.Popen([*argv, "--limit", str(limit)], cwd=ROOT)


def run(
    url: str, workspace_id: int, key: str, *, replicas: int, kill: bool, limit: float, lose: int
) -> str:
    """One scenario; its line of figures."""
    with serve(limit=limit) as stub:
        stub.burst = limit  # at most the limit within any second
        stub.lose_answer_every = lose
        expected = enqueue_round(url, workspace_id, key)
        started = time.monotonic()
        processes = [spawn(url, stub, limit) for _ in range(replicas)]
        killed_at = None
        if kill:
            while sum(stub.delivered.values()) < len(expected) // 2:
                time.sleep(0.05)
            os.kill(processes[0].pid, signal.SIGKILL)
            killed_at = sum(stub.delivered.values())
        for process in processes:
            process.wait()
        wall = time.monotonic() - started
        delivered = set(stub.delivered) & expected
        duplicates = sum(n - 1 for i, n in stub.delivered.items() if i in expected and n > 1)
        lost = len(expected - delivered)
        span = (stub.last_at or 0) - (stub.first_at or 0)
        rate = (len(delivered) - 1) / span if span > 0 else 0.0
        # Deliveries per wall-clock second (the windows the fleet's budget counts in): the
        # busiest second, and the steady rate over the full seconds up to 98% delivered,
        # without the tail a SIGKILL leaves (its claimed rows wait for their lease).
        times = sorted(stub.times)
        per_second = Counter(int(t) for t in times[: max(1, int(len(times) * 0.98))])
        full = sorted(per_second)[1:-1] or sorted(per_second)
        steady = sum(per_second[s] for s in full) / len(full) if full else 0.0
        peak = max(Counter(int(t) for t in times).values(), default=0)
        title = f"{replicas} replica{'s' if replicas > 1 else ''}"
        if killed_at is not None:
            title += f", one SIGKILLed at {killed_at:,}"
        return (
            f"{title:<36} delivered {len(delivered):>6,}  duplicates {duplicates}  lost {lost}  "
            f"steady {steady:5.1f} msg/s = {100 * steady / limit:5.1f}% of {limit:g}/s "
            f"(overall {100 * rate / limit:5.1f}%), busiest second {peak}  429s {stub.rejected}  "
            f"lost answers {stub.lost_answers}  {wall:4.0f} s"
        )


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--people", type=int, default=10_000)
    parser.add_argument("--limit", type=float, default=50.0, help="stand-in messages per second")
    parser.add_argument("--db", default="", help="a PostgreSQL URL (default: a bench database)")
    parser.add_argument("--scenarios", default="1,2,3,3-kill")
    parser.add_argument("--lose-every", type=int, default=500, help="lose every n-th answer")
    parser.add_argument("--worker", action="store_true")
    parser.add_argument("--base-url", default="")
    args = parser.parse_args()
    if args.worker:
        worker_main(args.db, args.base_url, args.limit)
        return
    url = args.db or bench_database()
    print(
        f"fan-out of {args.people:,} messages a scenario on PostgreSQL, limit {args.limit:g}/s, "
        f"every {args.lose_every}th answer lost, lease {LEASE_SECONDS:g} s"
    )
    try:
        workspace_id = seed(url, args.people)
        for index, scenario in enumerate(args.scenarios.split(",")):
            replicas, _, kill = scenario.partition("-")
            line = run(
                url,
                workspace_id,
                f"round{index}",
                replicas=int(replicas),
                kill=kill == "kill",
                limit=args.limit,
                lose=args.lose_every,
            )
            print(line, flush=True)
    finally:
        if not args.db:
            drop_database()


if __name__ == "__main__":
    main()
