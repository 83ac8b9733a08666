"""Fan-out at scale: N messages through the outbox to a local Slack stand-in that enforces the
platform's rate (429 + Retry-After above it, a token bucket with a small burst), answers the
history lookups, and now and then loses the answer to a post that landed (the sender cannot
know, and must look before posting again). The senders are real `okrbot serve` replicas (the
scheduler off) sharing one app.yaml whose `delivery.slack.per_second` is the platform's limit,
and one PostgreSQL database.

Scenarios, each on a fresh round of N messages queued once every replica is ready: 1, 2 and 3
replicas; 3 replicas with one SIGKILLed halfway (its claimed rows are taken over after their
lease, in doubt). Each prints delivered, duplicates, lost, the steady rate and its share of the
limit, the busiest one-second stretch as the stand-in saw it (wherever it starts), 429s, lost
answers and history lookups.

Run: .venv/bin/python bench/fanout.py [--people 10000] [--limit 50] [--burst 5]
     [--scenarios 1,2,3,3-kill] [--lose-every 500]
The database is a fresh `okrbot_bench_<random>` on the PostgreSQL of the tests (dropped after).
"""

from __future__ import annotations

import argparse
import os
import secrets
import signal
import sys
import tempfile
import time
from contextlib import ExitStack
from pathlib import Path

import sqlalchemy as sa

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from sqlmodel import func, select  # noqa: E402

from bench.serve_replica import environ, replica  # noqa: E402
from storage import migrate  # noqa: E402
from storage.db import make_engine, session_scope  # noqa: E402
from storage.models import OutboxMessage, OutboxStatus, Platform  # noqa: E402
from storage.repos import workspaces  # noqa: E402
from tests.delivery.stub_platform import RateLimitedStub, busiest_second, serve  # noqa: E402

PAYLOAD = '{"blocks": [{"kind": "section", "text": "Q4 reviews are due Friday."}]}'
SERVER = os.environ.get(
    "OKRBOT_TEST_POSTGRES_URL", "postgresql+psycopg://postgres@127.0.0.1:5432/test"
)
BATCH = 100
LEASE_SECONDS = 20.0


def bench_database(name: str) -> str:
    """A fresh database on the tests' PostgreSQL server."""
    admin = sa.create_engine(SERVER, isolation_level="AUTOCOMMIT")
    with admin.connect() as connection:
        connection.execute(sa.text(f"DROP DATABASE IF EXISTS {name} WITH (FORCE)"))
        connection.execute(sa.text(f"CREATE DATABASE {name}"))
    admin.dispose()
    return SERVER.rsplit("/", 1)[0] + f"/{name}"


def drop_database(name: str) -> None:
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


def app_yaml(stub: RateLimitedStub, limit: float) -> str:
    """One company's settings for every replica: Slack at the platform's limit, no scheduler."""
    return f"""\
company: {{name: Bench, workspace: bench, timezone: Asia/Shanghai, language: en}}
slack: {{enabled: true, api_base_url: "{stub.base_url}/api/"}}
scheduler: {{enabled: false}}
delivery:
  batch: {BATCH}
  lease_seconds: {LEASE_SECONDS:g}
  backoff_seconds: 1
  concurrency: 4
  slack: {{per_second: {limit:g}, per_recipient: 1}}
"""


def open_rows(engine: sa.Engine) -> int:
    status = OutboxMessage.__table__.c.status  # type: ignore[attr-defined]
    with session_scope(engine) as session:
        return int(
            session.exec(
                select(func.count())
                .select_from(OutboxMessage)
                .where(status.in_([OutboxStatus.PENDING, OutboxStatus.SENDING]))
            ).one()
        )


def steady_rate(times: list[float]) -> float:
    """Deliveries a second from the first to the 98th percentile: the fleet's pace, without
    the tail a SIGKILL leaves (the killed replica's claimed rows wait for their lease)."""
    ordered = sorted(times)
    last = max(1, int(len(ordered) * 0.98)) - 1
    span = ordered[last] - ordered[0]
    return last / span if span > 0 else 0.0


def run(
    url: str,
    workspace_id: int,
    key: str,
    *,
    replicas: int,
    kill: bool,
    limit: float,
    burst: float,
    lose: int,
) -> str:
    """One scenario; its line of figures."""
    engine = make_engine(url)
    with serve(limit=limit) as stub, tempfile.TemporaryDirectory() as folder, ExitStack() as stack:
        stub.burst = burst
        stub.lose_answer_every = lose
        path = Path(folder)
        (path / "app.yaml").write_text(app_yaml(stub, limit))
        processes = [stack.enter_context(replica(path, environ(url)))[0] for _ in range(replicas)]
        started = time.monotonic()
        expected = enqueue_round(url, workspace_id, key)
        killed_at = None
        if kill:
            while sum(stub.delivered.values()) < len(expected) // 2:
                time.sleep(0.05)  # watching the stand-in from outside
            os.kill(processes[0].pid, signal.SIGKILL)
            killed_at = sum(stub.delivered.values())
        while open_rows(engine) > 0:
            time.sleep(0.5)
        wall = time.monotonic() - started
    engine.dispose()
    delivered = set(stub.delivered) & expected
    duplicates = sum(n - 1 for i, n in stub.delivered.items() if i in expected and n > 1)
    lost = len(expected - delivered)
    steady = steady_rate(stub.times)
    title = f"{replicas} replica{'s' if replicas > 1 else ''}"
    if killed_at is not None:
        title += f", one SIGKILLed at {killed_at:,}"
    return (
        f"{title:<34} delivered {len(delivered):>6,}  duplicates {duplicates}  lost {lost}  "
        f"steady {steady:4.1f}/s = {100 * steady / limit:5.1f}% of {limit:g}/s  "
        f"busiest second {busiest_second(stub.times)}  429s {stub.rejected}  "
        f"lost answers {stub.lost_answers}  lookups {stub.lookups}  {wall:4.0f} s"
    )


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--people", type=int, default=10_000)
    parser.add_argument("--limit", type=float, default=50.0, help="stand-in messages per second")
    parser.add_argument("--burst", type=float, default=5.0, help="stand-in sends allowed at once")
    parser.add_argument("--scenarios", default="1,2,3,3-kill")
    parser.add_argument("--lose-every", type=int, default=500, help="lose every n-th answer")
    args = parser.parse_args()
    name = f"okrbot_bench_{secrets.token_hex(4)}"
    url = bench_database(name)
    print(
        f"fan-out of {args.people:,} messages a scenario, okrbot serve replicas on PostgreSQL, "
        f"stand-in limit {args.limit:g}/s (burst {args.burst:g}), every {args.lose_every}th "
        f"answer lost, batch {BATCH}, lease {LEASE_SECONDS:g} s"
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
                burst=args.burst,
                lose=args.lose_every,
            )
            print(line, flush=True)
    finally:
        drop_database(name)


if __name__ == "__main__":
    main()
