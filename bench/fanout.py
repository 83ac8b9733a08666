"""Fan-out: N people each get one message through the outbox and the Slack sender, against a
local stub Slack API that answers 429 above its rate limit. Reports messages/s vs the limit,
duplicates and lost messages; then again with the sender SIGKILLed halfway and restarted.

Run: .venv/bin/python bench/fanout.py [--people 10000] [--limit 200] [--db URL]
"""

from __future__ import annotations

import argparse
import os
import signal
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from sqlmodel import func, select  # noqa: E402

from storage import migrate  # noqa: E402
from storage.db import make_engine, session_scope  # noqa: E402
from storage.models import OutboxMessage, OutboxStatus, Person, PersonIdentity, Platform  # noqa: E402
from storage.repos import outbox, workspaces  # noqa: E402
from tests.delivery.stub_platform import RateLimitedStub, serve  # noqa: E402

PAYLOAD = '{"blocks": [{"kind": "section", "text": "Q4 reviews are due Friday."}]}'


def seed(url: str, people: int) -> int:
    engine = make_engine(url)
    migrate.upgrade(engine)
    with session_scope(engine) as session:
        ws = workspaces.ensure(
            session=session, slug="bench", name="Bench", platform=Platform.SLACK, external_id="TB"
        )
        assert ws.id is not None
        for index in range(people):
            person = Person(workspace_id=ws.id, email=f"p{index}@example.com", name=f"P{index}")
            session.add(person)
            session.flush()
            assert person.id is not None
            session.add(
                PersonIdentity(
                    workspace_id=ws.id,
                    person_id=person.id,
                    platform=Platform.SLACK,
                    external_id=f"U{index:06d}",
                )
            )
        workspace_id = ws.id
    engine.dispose()
    return workspace_id


def enqueue_round(url: str, workspace_id: int, key: str) -> None:
    engine = make_engine(url)
    with session_scope(engine) as session:
        ids = list(session.exec(select(Person.id).where(Person.workspace_id == workspace_id)))
        for person_id in ids:
            assert person_id is not None
            outbox.enqueue(
                session=session,
                workspace_id=workspace_id,
                person_id=person_id,
                dedupe_key=f"{key}:{person_id}",
                kind="broadcast",
                payload=PAYLOAD,
            )
    engine.dispose()


def worker_main(url: str, base_url: str, limit: float, lease: float) -> None:
    """The sender process: drain until nothing is pending or in flight."""
    from bot.delivery.ratelimit import Limiter
    from bot.delivery.worker import OutboxWorker, WorkerSettings
    from bot.slack.sender import SlackSender, client_factory

    engine = make_engine(url)
    sender = SlackSender(client_factory(base_url=base_url + "/api/", bot_token="xoxb-bench"))
    worker = OutboxWorker(
        engine,
        sender,
        Limiter(per_second=limit),
        settings=WorkerSettings(batch=400, lease_seconds=lease, concurrency=4),
    )
    while True:
        if worker.drain_once() == 0:
            with session_scope(engine) as session:
                open_rows = session.exec(
                    select(func.count())
                    .select_from(OutboxMessage)
                    .where(OutboxMessage.status != OutboxStatus.SENT)
                ).one()
            if open_rows == 0:
                return
            time.sleep(0.2)


def spawn(url: str, stub: RateLimitedStub, limit: float, lease: float) -> subprocess.Popen[bytes]:
    argv = [sys.executable, __file__, "--worker", "--db", url, "--base-url", stub.base_url]
    argv += ["--limit", str(limit), "--lease", str(lease)]
    return subprocess.Popen(argv, cwd=ROOT)


def report(title: str, stub: RateLimitedStub, expected_ids: set[int], limit: float) -> None:
    delivered = set(stub.delivered)
    duplicates = sum(count - 1 for count in stub.delivered.values() if count > 1)
    lost = len(expected_ids - delivered)
    span = (stub.last_at or 0) - (stub.first_at or 0)
    rate = (len(delivered) - 1) / span if span > 0 else 0.0
    print(
        f"{title}: {len(delivered)} delivered in {span:.1f} s = {rate:.1f} msg/s "
        f"({100 * rate / limit:.1f}% of the {limit:g}/s limit); 429s {stub.rejected}; "
        f"duplicates {duplicates}; lost {lost}"
    )


def outbox_ids(url: str, key: str) -> set[int]:
    engine = make_engine(url)
    with session_scope(engine) as session:
        rows = session.exec(
            select(OutboxMessage.id).where(OutboxMessage.dedupe_key.startswith(f"{key}:"))  # type: ignore[attr-defined,unused-ignore]
        )
        found = {int(i) for i in rows if i is not None}
    engine.dispose()
    return found


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--people", type=int, default=10_000)
    parser.add_argument("--limit", type=float, default=200.0, help="stub messages per second")
    parser.add_argument("--db", default="")
    parser.add_argument("--worker", action="store_true")
    parser.add_argument("--base-url", default="")
    parser.add_argument("--lease", type=float, default=5.0)
    args = parser.parse_args()
    if args.worker:
        worker_main(args.db, args.base_url, args.limit, args.lease)
        return
    url = args.db or f"sqlite:///{tempfile.mkdtemp()}/fanout.db"
    print(f"fan-out of {args.people} messages on {url.split(':')[0]}, stub limit {args.limit}/s")
    workspace_id = seed(url, args.people)
    for key, kill in (("run1", False), ("run2", True)):
        with serve(limit=args.limit) as stub:
            stub.burst = max(1.0, args.limit / 10)  # platforms allow short bursts
            enqueue_round(url, workspace_id, key)
            expected = outbox_ids(url, key)
            process = spawn(url, stub, args.limit, args.lease)
            if kill:
                while len(stub.delivered) < args.people // 2:
                    time.sleep(0.05)
                os.kill(process.pid, signal.SIGKILL)
                process.wait()
                killed_at = len(stub.delivered)
                process = spawn(url, stub, args.limit, args.lease)
            process.wait()
            title = "plain run" if not kill else f"SIGKILL at {killed_at}, restarted"
            report(title, stub, expected, args.limit)


if __name__ == "__main__":
    main()
