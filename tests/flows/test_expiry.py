"""Idle flows expire: the `flow_expiry` job closes them and tells each person once through the
outbox; `flows.idle_timeout_minutes` sets the wait (SQLite and PostgreSQL)."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest
from sqlalchemy.engine import Engine
from sqlmodel import Session, select
from typer.testing import CliRunner

import bot.cli_jobs  # noqa: F401  (registers the command)
from bot.cli import app
from bot.config import AppConfig, parse_config
from bot.scheduler.context import JobRun
from bot.scheduler.registry import JOBS, next_runs
from commands.settings import settings_of
from storage.models import Cycle, FlowRun, OutboxMessage, Platform
from storage.types import utcnow
from tests import factories
from tests.flows.conftest import NOW, Team, ask, inbox
from tests.suite_clock import at


@pytest.fixture
def with_kr(session: Session, team: Team) -> None:
    cycle = session.exec(select(Cycle)).one()
    objective = factories.objective(session, team.workspace, cycle, team.ana, "Win the EV segment")
    factories.key_result(session, objective, team.ana, "Sign EV accounts", target=5)
    factories.key_result(session, objective, team.ana, "Open two depots", target=2)
    session.commit()


def expire(engine: Engine, at: datetime) -> int:
    return JOBS["flow_expiry"].run(JobRun(engine, AppConfig(), at))


def runs(engine: Engine) -> list[FlowRun]:
    with Session(engine) as session:
        return list(session.exec(select(FlowRun)))


def test_the_job_closes_an_idle_flow_and_tells_once(
    engine: Engine, team: Team, with_kr: None
) -> None:
    ask(engine, team.ana, "/okr checkin")
    ask(engine, team.ana, "3", at=NOW + timedelta(minutes=10))
    assert expire(engine, NOW + timedelta(hours=20)) == 0  # not idle long enough
    assert len(runs(engine)) == 1
    later = NOW + timedelta(minutes=10) + timedelta(hours=24, minutes=1)
    assert expire(engine, later) == 1
    assert expire(engine, later) == 0  # a second run sends nothing
    assert expire(engine, later + timedelta(hours=1)) == 0
    (told,) = inbox(engine, team.ana)
    assert "Your check-in waited more than 24 hours without an answer" in told
    assert runs(engine) == []
    assert "I don't know the command “same”" in ask(engine, team.ana, "same", at=later)


def test_each_run_is_told_once_even_if_the_same_id_comes_back(
    engine: Engine, team: Team, with_kr: None
) -> None:
    ask(engine, team.ana, "/okr checkin")
    assert expire(engine, NOW + timedelta(days=2)) == 1
    again = NOW + timedelta(days=3)
    ask(engine, team.ana, "/okr checkin", at=again)  # a new run (SQLite may reuse the id)
    assert expire(engine, again + timedelta(days=2)) == 1
    with Session(engine) as session:
        keys = [m.dedupe_key for m in session.exec(select(OutboxMessage))]
    assert len(keys) == len(set(keys)) == 2
    assert all(key.startswith("flow_expired:") for key in keys)


def test_an_open_form_closes_quietly(engine: Engine, team: Team) -> None:
    assert "New objective" in ask(engine, team.ana, "/okr new", platform=Platform.SLACK)
    assert expire(engine, NOW + timedelta(days=2)) == 0
    assert runs(engine) == []
    assert inbox(engine, team.ana) == []


def test_chinese_expiry_message(engine: Engine, session: Session, team: Team) -> None:
    lara = session.get(type(team.lara), team.lara.id)
    assert lara is not None
    lara.locale = "zh-CN"
    session.add(lara)
    session.commit()
    ask(engine, lara, "/okr new")
    assert expire(engine, NOW + timedelta(days=2)) == 1
    (told,) = inbox(engine, lara)
    assert "你的新建目标超过 24 小时没有回复" in told


def test_the_idle_time_comes_from_app_yaml(engine: Engine, team: Team, with_kr: None) -> None:
    config = parse_config("flows:\n  idle_timeout_minutes: 90\n")
    started = ask(engine, team.ana, "/okr checkin", settings=settings_of(config))
    assert "I'll wait 90 minutes between answers" in started
    assert expire(engine, NOW + timedelta(minutes=89)) == 0
    assert expire(engine, NOW + timedelta(minutes=91)) == 1
    assert "waited more than 90 minutes" in inbox(engine, team.ana)[0]


def test_jobs_list_and_run_show_the_expiry_job(
    monkeypatch: pytest.MonkeyPatch,
    tmp_path: Path,
    database_url: str,
    engine: Engine,
    team: Team,
    with_kr: None,
) -> None:
    monkeypatch.chdir(tmp_path)
    (tmp_path / "app.yaml").write_text("flows:\n  idle_timeout_minutes: 60\n", encoding="utf-8")
    monkeypatch.delenv("OKRBOT_CONFIG", raising=False)
    monkeypatch.setenv("OKRBOT_DATABASE_URL", database_url)
    cli = CliRunner()
    listed = cli.invoke(app, ["jobs", "list"])
    assert listed.exit_code == 0, listed.output
    assert any(row.startswith("flow_expiry") for row in listed.output.splitlines())
    # Started two hours ago: past the 60 minutes app.yaml allows.
    settings = settings_of(parse_config("flows:\n  idle_timeout_minutes: 60\n"))
    now = utcnow()
    ask(engine, team.ana, "/okr checkin", at=now - timedelta(hours=2), settings=settings)
    at(now)
    ran = cli.invoke(app, ["jobs", "run", "flow_expiry"])
    assert ran.exit_code == 0, ran.output
    assert ran.output.strip() == "flow_expiry: 1 idle flow closed."
    assert (
        cli.invoke(app, ["jobs", "run", "flow_expiry"]).output.strip().startswith("flow_expiry: 0")
    )
    assert len(inbox(engine, team.ana)) == 1


def test_the_job_fires_every_five_minutes(engine: Engine) -> None:
    at = datetime(2026, 11, 23, 9, 2, tzinfo=UTC)
    assert next_runs(engine, AppConfig(), at)["flow_expiry"] == datetime(
        2026, 11, 23, 9, 5, tzinfo=UTC
    )
