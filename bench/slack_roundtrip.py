"""`/okr update` through the full HTTP path vs a bare bolt App that only acks.

Seeds 10,000 people into a temporary SQLite database, serves both apps with uvicorn (sync bolt
App in Starlette's thread pool, process_before_response), posts signed slash commands, and
prints p50/p99 of each and the ratio. Outgoing Web API calls go to a local stub.

    .venv/bin/python bench/slack_roundtrip.py [--requests N]
"""

from __future__ import annotations

import argparse
import multiprocessing
import statistics
import sys
import tempfile
import time
import urllib.parse
import urllib.request
from datetime import date
from pathlib import Path

from slack_bolt import App
from slack_sdk import WebClient
from slack_sdk.signature import SignatureVerifier
from sqlalchemy.engine import Engine
from sqlmodel import Session
from starlette.applications import Starlette

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from bot.config import AppConfig, SlackConfig  # noqa: E402
from bot.core import Core  # noqa: E402
from bot.runtime import Runtime  # noqa: E402
from bot.slack.app import build_app  # noqa: E402
from bot.slack.credentials import SlackCredentials  # noqa: E402
from bot.slack.http import starlette_routes  # noqa: E402
from storage import migrate  # noqa: E402
from storage.db import make_engine  # noqa: E402
from storage.models import (  # noqa: E402
    Cycle,
    CycleState,
    KeyResult,
    Objective,
    ObjectiveStatus,
    OwnerType,
    Person,
    PersonIdentity,
    Platform,
    Workspace,
)
from tests.bot.slack.stub_slack import StubSlack, stub_slack  # noqa: E402
from tests.support.http_server import serve_asgi  # noqa: E402

SECRET = "bench-secret"
WARM_UP = 20
PEOPLE = 10_000


def seed(url: str) -> None:
    """10,000 people with Slack identities; the first has KR-1."""
    engine = make_engine(url)
    migrate.upgrade(engine)
    with Session(engine) as session:
        ws = Workspace(slug="acme", name="Acme", platform=Platform.SLACK, external_id="T1")
        session.add(ws)
        session.flush()
        assert ws.id is not None
        people = [
            Person(workspace_id=ws.id, email=f"p{n}@example.com", name=f"Person {n}", locale="en")
            for n in range(PEOPLE)
        ]
        session.add_all(people)
        session.flush()
        session.add_all(
            PersonIdentity(
                workspace_id=ws.id,
                person_id=p.id or 0,
                platform=Platform.SLACK,
                external_id=f"U{n}",
            )
            for n, p in enumerate(people)
        )
        cycle = Cycle(workspace_id=ws.id, name="2026-Q4", start_date=date(2026, 10, 1),
                      end_date=date(2026, 12, 31), state=CycleState.ACTIVE)  # fmt: skip
        session.add(cycle)
        session.flush()
        objective = Objective(workspace_id=ws.id, number=1, cycle_id=cycle.id or 0, title="Grow",
                              owner_type=OwnerType.PERSON, owner_person_id=people[0].id,
                              status=ObjectiveStatus.APPROVED)  # fmt: skip
        session.add(objective)
        session.flush()
        session.add(KeyResult(workspace_id=ws.id, number=1, objective_id=objective.id or 0,
                              title="Accounts", start_value=0, target_value=1_000_000,
                              current_value=0, owner_id=people[0].id or 0))  # fmt: skip
        session.commit()
    engine.dispose()


def bare_app(api_url: str, engine: Engine) -> Starlette:
    """A bolt App on the same stack whose only listener acks."""
    app = App(client=WebClient(base_url=api_url, token="xoxb-bench"), signing_secret=SECRET,
              process_before_response=True)  # fmt: skip
    app.command("/okr")(lambda ack: ack())
    return Starlette(routes=starlette_routes(app, engine=engine, signing_secret=SECRET))


def post_command(target: str, n: int, response_url: str) -> float:
    """POST one signed `/okr update`; seconds until the ack (the HTTP response) arrived."""
    body = urllib.parse.urlencode({"command": "/okr", "text": f"update KR-1 {n + 1}",
                                   "team_id": "T1", "user_id": "U0",
                                   "response_url": response_url})  # fmt: skip
    stamp = str(int(time.time()))
    signature = str(SignatureVerifier(SECRET).generate_signature(timestamp=stamp, body=body))
    request = urllib.request.Request(f"{target}/slack/events", data=body.encode(), headers={
        "Content-Type": "application/x-www-form-urlencoded",
        "X-Slack-Request-Timestamp": stamp,
        "X-Slack-Signature": signature,
    })  # fmt: skip
    started = time.perf_counter()
    with urllib.request.urlopen(request, timeout=10) as response:
        payload = response.read()
    assert response.status == 200, payload
    return time.perf_counter() - started


def ack_timings(target: str, requests: int, response_url: str, pause: float) -> list[float]:
    """Ack latencies as Slack sees them: run in a separate process (like Slack, the client
    does not share the server's GIL); `pause` lets each answer finish before the next."""
    timings = []
    for n in range(requests + WARM_UP):
        elapsed = post_command(target, n, response_url)
        if n >= WARM_UP:
            timings.append(elapsed)
        time.sleep(pause)
    return timings


def reply_timings(target: str, requests: int, stub: StubSlack) -> list[float]:
    """Seconds from sending a command until its answer reached the stub's response_url."""
    timings = []
    for n in range(requests + WARM_UP):
        before = len(stub.of("response"))
        started = time.perf_counter()
        post_command(target, n, f"{stub.base_url}/response/")
        stub.wait_for("response", before + 1, timeout=10)
        if n >= WARM_UP:
            timings.append(time.perf_counter() - started)
    return timings


def in_child(target: str, requests: int, response_url: str, pause: float) -> list[float]:
    with multiprocessing.get_context("spawn").Pool(1) as pool:
        return pool.apply(ack_timings, (target, requests, response_url, pause))


def percentile(values: list[float], q: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, int(q * len(ordered)))]


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--requests", type=int, default=500)
    parser.add_argument("--pause", type=float, default=0.03, help="seconds between requests")
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as tmp, stub_slack() as stub:
        url = f"sqlite:///{tmp}/bench.db"
        seed(url)
        engine = make_engine(url)
        runtime = Runtime(AppConfig(slack=SlackConfig(enabled=True, api_base_url=stub.api_url)),
                          engine)  # fmt: skip
        credentials = SlackCredentials(signing_secret=SECRET, bot_token="xoxb-bench")
        ours, answers = build_app(runtime, Core(engine), credentials)
        results: dict[str, list[float]] = {}
        response_url = f"{stub.base_url}/response/"
        with serve_asgi(
            Starlette(routes=starlette_routes(ours, engine=engine, signing_secret=SECRET))
        ) as base:
            results["okrbot"] = in_child(base, args.requests, response_url, args.pause)
            results["okrbot reply"] = reply_timings(base, args.requests, stub)
        with serve_asgi(bare_app(stub.api_url, engine)) as base:
            results["bare bolt"] = in_child(base, args.requests, response_url, args.pause)
        answers.close()
        assert not stub.of("users.info"), "identities were seeded: no users.info expected"
    print(f"{PEOPLE:,} people, {args.requests} requests each (SQLite, uvicorn, bolt in threads)")
    labels = {
        "okrbot": "okrbot ack",
        "okrbot reply": "okrbot reply posted",
        "bare bolt": "bare ack",
    }
    for name, timings in results.items():
        p50, p99 = percentile(timings, 0.5) * 1000, percentile(timings, 0.99) * 1000
        mean = statistics.mean(timings) * 1000
        print(f"{labels[name]:>20}: p50 {p50:6.2f} ms   p99 {p99:6.2f} ms   mean {mean:6.2f} ms")
    ratio = percentile(results["okrbot"], 0.99) / percentile(results["bare bolt"], 0.99)
    print(f"ack p99 ratio okrbot / bare: {ratio:.2f}x (target <= 1.5x)")


if __name__ == "__main__":
    main()
