"""The `cycles` job: cycles start and go into review on their dates, in each workspace's own
time zone, across a year boundary and a leap day; owners are invited and HR told once."""

from __future__ import annotations

from datetime import date, datetime, time, timedelta
from pathlib import Path
from zoneinfo import ZoneInfo

import pytest
from sqlalchemy.engine import Engine
from sqlmodel import Session, select
from typer.testing import CliRunner

import bot.cli_import
import bot.cli_jobs  # noqa: F401
from bot.cli import app
from bot.config import AppConfig, CompanyConfig, CycleCadenceConfig
from bot.scheduler.context import JobRun
from bot.scheduler.cycles_job import move_cycles
from digests.message import Message
from storage import clock
from storage.cycle_calendar import Cadence
from storage.db import session_scope
from storage.models import AuditLog, Cycle, CycleState, OutboxMessage, Platform, Role
from tests import factories

Q4_END = date(2027, 12, 31)


def local(day: str, at: time, zone: str) -> datetime:
    """A wall-clock moment in `zone`."""
    return datetime.combine(date.fromisoformat(day), at, tzinfo=ZoneInfo(zone))


def company(engine: Engine, zone: str) -> None:
    """A workspace in `zone` with 2027-Q4 active, 2028-Q1 planned, an owner with an approved
    objective in Q4, and an HR admin."""
    with session_scope(engine) as session:
        ws = factories.workspace(session, "acme", timezone=zone)
        q4 = factories.cycle(
            session,
            ws,
            "2027-Q4",
            start_date=date(2027, 10, 1),
            end_date=Q4_END,
        )
        factories.cycle(
            session,
            ws,
            "2028-Q1",
            start_date=date(2028, 1, 1),
            end_date=date(2028, 3, 31),
            state=CycleState.PLANNING,
        )
        owner = factories.person(session, ws, "ana@example.com", "Ana Lima")
        factories.person(session, ws, "grace@example.com", "Grace HR", role=Role.HR_ADMIN)
        factories.objective(session, ws, q4, owner, "Win the EV segment")


def run(engine: Engine, at: datetime, config: AppConfig | None = None) -> int:
    return move_cycles(JobRun(engine, config or AppConfig(), at))


def states(engine: Engine) -> dict[str, CycleState]:
    with session_scope(engine) as session:
        return {c.name: c.state for c in session.exec(select(Cycle))}


def kinds(engine: Engine) -> list[tuple[str, str]]:
    with session_scope(engine) as session:
        rows = session.exec(select(OutboxMessage).order_by(OutboxMessage.id)).all()
        return [(row.kind, Message.model_validate_json(row.payload).summary) for row in rows]


@pytest.mark.parametrize("zone", ["Asia/Shanghai", "America/New_York", "Pacific/Kiritimati"])
def test_the_year_turns_at_each_workspace_own_midnight(engine: Engine, zone: str) -> None:
    company(engine, zone)
    last_minute = local("2027-12-31", time(23, 59), zone)
    assert run(engine, last_minute) == 0
    assert states(engine) == {"2027-Q4": CycleState.ACTIVE, "2028-Q1": CycleState.PLANNING}

    new_year = local("2028-01-01", time(0, 0), zone)
    assert run(engine, new_year) == 2
    assert states(engine) == {"2027-Q4": CycleState.REVIEW, "2028-Q1": CycleState.ACTIVE}
    assert kinds(engine) == [
        ("review_invite", "2027-Q4 is in review: score your objective"),
        ("cycle_review_started", "Cycle 2027-Q4 has ended and is now in review"),
    ]
    with session_scope(engine) as session:
        moves = session.exec(select(AuditLog).order_by(AuditLog.id)).all()
        assert [(m.action, m.entity_ref, m.platform, m.actor_id) for m in moves] == [
            ("cycle_review", "2027-Q4", Platform.SCHEDULER, None),
            ("cycle_start", "2028-Q1", Platform.SCHEDULER, None),
        ]
    # The sweep re-runs it every few minutes: nothing happens twice.
    assert run(engine, new_year + timedelta(minutes=15)) == 0
    assert len(kinds(engine)) == 2


def test_a_cadence_sets_up_its_cycles_and_a_company_year_ends_on_a_leap_day(
    engine: Engine,
) -> None:
    zone = "Asia/Shanghai"
    with session_scope(engine) as session:
        factories.workspace(session, "acme", timezone=zone)
    config = AppConfig(
        company=CompanyConfig(workspace="acme", timezone=zone),
        cycles=CycleCadenceConfig(cadence=Cadence.YEAR, first_month=3),
    )
    assert run(engine, local("2028-02-29", time(23, 59), zone), config) == 2
    assert states(engine) == {"2027": CycleState.ACTIVE, "2028": CycleState.PLANNING}
    with session_scope(engine) as session:
        year = session.exec(select(Cycle).where(Cycle.name == "2027")).one()
        assert (year.start_date.isoformat(), year.end_date.isoformat()) == (
            "2027-03-01",
            "2028-02-29",
        )
    # 1 March: 2027 goes into review, 2028 starts, and 2029 is set up for planning.
    assert run(engine, local("2028-03-01", time(0, 0), zone), config) == 3
    assert states(engine) == {
        "2027": CycleState.REVIEW,
        "2028": CycleState.ACTIVE,
        "2029": CycleState.PLANNING,
    }


def test_okrbot_jobs_run_cycles_with_a_cadence_in_app_yaml(
    tmp_path: Path, database_url: str, monkeypatch: pytest.MonkeyPatch, session: Session
) -> None:
    monkeypatch.chdir(tmp_path)
    monkeypatch.delenv("OKRBOT_CONFIG", raising=False)
    monkeypatch.setenv("OKRBOT_DATABASE_URL", database_url)
    (tmp_path / "app.yaml").write_text(
        "company: {name: Acme, workspace: acme, timezone: America/New_York}\n"
        "cycles: {cadence: quarter}\n",
        encoding="utf-8",
    )
    (tmp_path / "people.csv").write_text(
        "email,name,role\nana@example.com,Ana Lima,\ngrace@example.com,Grace HR,hr_admin\n",
        encoding="utf-8",
    )
    cli = CliRunner()
    zone = "America/New_York"
    with clock.use(clock.ManualClock(local("2027-12-30", time(9, 0), zone))) as moved:
        assert isinstance(moved, clock.ManualClock)
        assert cli.invoke(app, ["db", "upgrade"]).exit_code == 0
        imported = cli.invoke(app, ["import", "people", "people.csv"])
        assert imported.exit_code == 0, imported.output
        # Starting a command applies app.yaml: this quarter is open, the next one planned.
        assert states_of(session) == {"2027-Q4": CycleState.ACTIVE, "2028-Q1": CycleState.PLANNING}

        # New Year in New York: the command's start sets up 2028-Q2 for planning (app.yaml),
        # the job moves 2027-Q4 into review and starts 2028-Q1.
        moved.set(local("2028-01-01", time(0, 10), zone))
        result = cli.invoke(app, ["jobs", "run", "cycles"])
        assert result.exit_code == 0, result.output
        assert result.output.strip() == "cycles: 2 cycles set up or moved on."
        assert states_of(session) == {
            "2027-Q4": CycleState.REVIEW,
            "2028-Q1": CycleState.ACTIVE,
            "2028-Q2": CycleState.PLANNING,
        }
        again = cli.invoke(app, ["jobs", "run", "cycles"])
        assert again.output.strip() == "cycles: 0 cycles set up or moved on."
        listed = cli.invoke(app, ["jobs", "list"])
        line = next(row for row in listed.output.splitlines() if row.startswith("cycles"))
        assert line.split()[1] == "2028-01-02T05:05:00+00:00"  # 00:05 New York time


def states_of(session: Session) -> dict[str, CycleState]:
    session.expire_all()
    return {c.name: c.state for c in session.exec(select(Cycle))}
