"""GET /metrics and GET /readyz on the real HTTP app, scraped and parsed with prometheus_client."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import timedelta

import httpx
import pytest
from apscheduler.events import EVENT_JOB_MISSED, JobExecutionEvent
from prometheus_client.parser import text_string_to_metric_families
from sqlalchemy.engine import Engine
from sqlmodel import Session

from bot.config import AppConfig
from bot.core import Core, Inbound
from bot.delivery.outcome import Envelope, Outcome, Retry
from bot.delivery.ratelimit import Limiter
from bot.delivery.worker import OutboxWorker, WorkerSettings
from bot.http_app import build_app
from bot.runtime import Runtime
from bot.scheduler.service import SchedulerService, count_job_event
from storage import migrate
from storage.db import make_engine, session_scope
from storage.models import Platform
from storage.types import utcnow
from tests import factories
from tests.bot.slack.conftest import SECRET, Served, runtime_for, slack_user
from tests.bot.slack.stub_slack import StubSlack, stub_slack
from tests.delivery.fakes import FakeClock, RecordingTransport, enqueue_each, slack_people
from tests.support.http_server import serve_asgi

Samples = dict[tuple[str, frozenset[tuple[str, str]]], float]


def scrape(client: httpx.Client) -> Samples:
    response = client.get("/metrics")
    assert response.status_code == 200
    assert response.headers["content-type"].startswith("text/plain")
    samples: Samples = {}
    for family in text_string_to_metric_families(response.text):
        for sample in family.samples:
            samples[(sample.name, frozenset(sample.labels.items()))] = sample.value
    return samples


def value(samples: Samples, name: str, **labels: str) -> float:
    return samples.get((name, frozenset(labels.items())), 0.0)


@pytest.fixture
def runtime(engine: Engine) -> Runtime:
    return Runtime(config=AppConfig(), engine=engine)


@pytest.fixture
def client(runtime: Runtime) -> Iterator[httpx.Client]:
    app = build_app(runtime, Core(runtime.engine))
    with serve_asgi(app) as base, httpx.Client(base_url=base, timeout=30) as http:
        yield http


def _okr_person(session: Session) -> tuple[int, int]:
    ws = factories.workspace(session, platform=Platform.SLACK, external_id="T1")
    ana = factories.person(session, ws, "ana@acme.com", "Ana")
    objective = factories.objective(session, ws, factories.cycle(session, ws), ana)
    factories.key_result(session, objective, ana, target=10)
    session.commit()
    assert ws.id is not None
    assert ana.id is not None
    return ws.id, ana.id


def test_requests_and_latency_by_platform_and_outcome(
    runtime: Runtime, client: httpx.Client, session: Session
) -> None:
    workspace_id, person_id = _okr_person(session)
    core = Core(runtime.engine)
    before = scrape(client)
    for text in ("/okr", "/okr update KR-1 4", "/okr update KR-99 4", "/okr frobnicate"):
        core.handle(
            Inbound(
                platform=Platform.SLACK,
                workspace_id=workspace_id,
                person_id=person_id,
                text=text,
            )
        )
    after = scrape(client)
    requests = "okrbot_requests_total"
    assert value(after, requests, platform="slack", outcome="ok") == 2
    assert value(after, requests, platform="slack", outcome="refused") == 2
    assert value(before, requests, platform="slack", outcome="ok") == 0
    assert value(after, "okrbot_handler_seconds_count", platform="slack") == 4
    assert value(after, "okrbot_handler_seconds_bucket", platform="slack", le="+Inf") == 4
    assert value(after, "okrbot_handler_seconds_sum", platform="slack") > 0
    # The scrapes themselves are counted by route and status.
    assert value(after, "okrbot_http_requests_total", route="/metrics", status="200") >= 1


@pytest.fixture
def slack_stub() -> Iterator[StubSlack]:
    with stub_slack() as running:
        running.users = {"U_ANA": slack_user("ana@acme.com")}
        yield running


def test_a_signed_slack_slash_command_is_counted(
    engine: Engine, session: Session, slack_stub: StubSlack, monkeypatch: pytest.MonkeyPatch
) -> None:
    _okr_person(session)
    stub = slack_stub
    monkeypatch.setenv("SLACK_SIGNING_SECRET", SECRET)
    monkeypatch.setenv("SLACK_BOT_TOKEN", "xoxb-test")
    app = build_app(runtime_for(engine, stub), Core(engine))
    with serve_asgi(app) as base, httpx.Client(base_url=base, timeout=30) as client:
        served = Served(base, stub, answers=None)
        assert served.command("U_ANA", "/okr", "update KR-1 2") == (200, "")
        assert served.command("U_ANA", "/okr", "update KR-99 2") == (200, "")
        stub.wait_for("response", 2)
        samples = scrape(client)
    assert value(samples, "okrbot_requests_total", platform="slack", outcome="ok") == 1
    assert value(samples, "okrbot_requests_total", platform="slack", outcome="refused") == 1
    assert value(samples, "okrbot_handler_seconds_count", platform="slack") == 2
    assert value(samples, "okrbot_http_requests_total", route="/slack/events", status="200") == 2


def test_outbox_depth_age_sends_failures_and_rate_limit_waits(
    runtime: Runtime, client: httpx.Client
) -> None:
    clock = FakeClock(now=utcnow())
    with session_scope(runtime.engine) as session:
        ws, people = slack_people(session, 4)
        enqueue_each(session, ws, people, clock.now - timedelta(minutes=10))
    waiting = scrape(client)
    assert value(waiting, "okrbot_outbox_depth", platform="slack") == 4
    assert value(waiting, "okrbot_outbox_oldest_age_seconds", platform="slack") >= 600

    first: list[int] = []

    def fail_the_first(envelope: Envelope) -> Outcome | None:
        if not first:
            first.append(envelope.outbox_id)
            return Retry("slack: internal_error")
        return None

    transport = RecordingTransport(script=fail_the_first)
    worker = OutboxWorker(
        runtime.engine,
        transport,
        Limiter(per_second=1),  # 4 sends at 1/s: the sender pauses 3 times
        settings=WorkerSettings(),
        clock=clock,
        monotonic=clock.monotonic,
        sleep=clock.sleep,
    )
    assert worker.drain_once() == 4
    after = scrape(client)
    assert value(after, "okrbot_outbox_sends_total", platform="slack", outcome="sent") == 3
    assert value(after, "okrbot_outbox_sends_total", platform="slack", outcome="retry") == 1
    assert value(after, "okrbot_outbox_send_failures_total", platform="slack") == 1
    assert value(after, "okrbot_ratelimit_waits_total", platform="slack", reason="limiter") == 3
    assert value(after, "okrbot_ratelimit_wait_seconds_total", platform="slack") == 3
    assert value(after, "okrbot_outbox_depth", platform="slack") == 1  # the one to retry


def test_scheduler_leader_state_and_jobs(runtime: Runtime, client: httpx.Client) -> None:
    assert value(scrape(client), "okrbot_scheduler_leader") == 0
    service = SchedulerService(runtime)
    service.start()
    try:
        samples = scrape(client)
        for _ in range(200):  # the sweep runs at once when this replica leads
            if value(samples, "okrbot_scheduler_jobs_run_total", job="sweep", outcome="ok"):
                break
            service._stop.wait(0.05)
            samples = scrape(client)
        assert value(samples, "okrbot_scheduler_leader") == 1
        assert value(samples, "okrbot_scheduler_jobs_run_total", job="sweep", outcome="ok") == 1
    finally:
        service.stop()
    assert value(scrape(client), "okrbot_scheduler_leader") == 0

    missed = JobExecutionEvent(
        EVENT_JOB_MISSED, "checkin_prompt@Asia/Shanghai@mon@10:00", "default", utcnow()
    )
    count_job_event(runtime)(missed)
    assert value(scrape(client), "okrbot_scheduler_jobs_missed_total", job="checkin_prompt") == 1


def test_two_apps_never_share_figures(runtime: Runtime, client: httpx.Client) -> None:
    other_engine = make_engine("sqlite://")
    try:
        other = build_app(Runtime(config=AppConfig(), engine=other_engine), Core(other_engine))
        with serve_asgi(other) as base, httpx.Client(base_url=base) as other_client:
            other_client.get("/healthz")
            other_client.get("/healthz")
        assert value(scrape(client), "okrbot_http_requests_total", route="/healthz") == 0
    finally:
        other_engine.dispose()


def test_readyz_is_ready_on_a_migrated_database(client: httpx.Client) -> None:
    response = client.get("/readyz")
    assert response.status_code == 200
    assert response.json() == {"status": "ready", "schema": migrate.head_revision()}
    assert client.get("/healthz").status_code == 200


def test_readyz_refuses_an_unmigrated_or_outdated_database(database_url: str) -> None:
    engine = make_engine(database_url)
    try:
        app = build_app(Runtime(config=AppConfig(), engine=engine), Core(engine))
        with serve_asgi(app) as base, httpx.Client(base_url=base) as http:
            empty = http.get("/readyz")
            assert empty.status_code == 503
            assert empty.json()["reason"] == "schema"
            assert "okrbot db upgrade" in empty.json()["message"]
            assert http.get("/healthz").status_code == 200  # alive, just not ready

            migrate.upgrade(engine, "0002")
            old = http.get("/readyz")
            assert old.status_code == 503
            assert old.json()["schema"] == "0002"
            assert old.json()["expected"] == migrate.head_revision()

            migrate.upgrade(engine)
            assert http.get("/readyz").status_code == 200
    finally:
        engine.dispose()
