"""The scheduled KPI pull: `okrbot jobs run kpi_pull` imports a SQL source's readings once
(a re-run writes nothing), `jobs list` shows it, and each source fires at its own schedule."""

from __future__ import annotations

from datetime import UTC, datetime
from pathlib import Path

import pytest
import sqlalchemy as sa
from sqlmodel import Session, select
from typer.testing import CliRunner

import bot.cli_jobs  # noqa: F401  (registers the command)
from bot.cli import app
from bot.config import parse_config
from bot.scheduler.context import JobRun
from bot.scheduler.kpi_pull_job import due_sources, pull_triggers
from bot.scheduler.registry import JOBS, triggers
from storage.db import make_engine
from storage.models import KpiDefinition, KpiDirection, KpiReading, ReadingSource
from tests import factories

APP_YAML = """
company: {workspace: acme, timezone: Asia/Shanghai}
kpi_sources:
  - name: mes
    kpi: LOSS_RATE
    url_env: MES_DB_URL
    query: SELECT who AS scope, month AS period, loss AS value FROM mes_loss
    schedule: {every: day, time: "06:00"}
  - name: sales
    kpi: LOSS_RATE
    url_env: MES_DB_URL
    query: SELECT who AS scope, month AS period, loss AS value FROM mes_loss
    schedule: {every: week, day: mon, time: "07:30"}
  - name: finance
    kpi: LOSS_RATE
    url_env: MES_DB_URL
    query: SELECT who AS scope, month AS period, loss AS value FROM mes_loss
    schedule: {every: month, day_of_month: 3, time: "08:00"}
"""


def _source(path: Path) -> str:
    url = f"sqlite:///{path}"
    source = make_engine(url, poolclass=sa.pool.NullPool)
    with source.begin() as connection:
        connection.execute(sa.text("CREATE TABLE mes_loss (who TEXT, month TEXT, loss REAL)"))
        connection.execute(
            sa.text(
                "INSERT INTO mes_loss VALUES ('person:hao@acme.com', '2026-10', 3.6),"
                " ('person:hao@acme.com', '2026-11', 4.1), ('company', '2026-11', 4.4)"
            )
        )
    source.dispose()
    return url


@pytest.fixture
def cli(
    monkeypatch: pytest.MonkeyPatch, tmp_path: Path, database_url: str, session: Session
) -> CliRunner:
    ws = factories.workspace(session, "acme")
    factories.person(session, ws, "hao@acme.com", "Hao Wang")
    session.add(
        KpiDefinition(
            workspace_id=ws.id,
            code="LOSS_RATE",
            name="Loss rate",
            unit="%",
            direction=KpiDirection.LOWER_IS_BETTER,
        )
    )
    session.commit()
    monkeypatch.chdir(tmp_path)
    (tmp_path / "app.yaml").write_text(APP_YAML.split("  - name: sales")[0], encoding="utf-8")
    monkeypatch.delenv("OKRBOT_CONFIG", raising=False)
    monkeypatch.setenv("OKRBOT_DATABASE_URL", database_url)
    monkeypatch.setenv("MES_DB_URL", _source(tmp_path / "mes.db"))
    return CliRunner()


def test_jobs_run_kpi_pull_imports_once(cli: CliRunner, session: Session) -> None:
    first = cli.invoke(app, ["jobs", "run", "kpi_pull"])
    assert first.exit_code == 0, first.output
    assert first.output.strip() == "kpi_pull: 3 new KPI readings."
    again = cli.invoke(app, ["jobs", "run", "kpi_pull"])
    assert again.exit_code == 0, again.output
    assert again.output.strip() == "kpi_pull: 0 new KPI readings."
    stored = session.exec(select(KpiReading).order_by(KpiReading.id)).all()
    assert [(r.period, r.value, r.source) for r in stored] == [
        ("2026-10", 3.6, ReadingSource.SQL),
        ("2026-11", 4.1, ReadingSource.SQL),
        ("2026-11", 4.4, ReadingSource.SQL),
    ]
    listed = cli.invoke(app, ["jobs", "list"])
    assert listed.exit_code == 0, listed.output
    line = next(row for row in listed.output.splitlines() if row.startswith("kpi_pull"))
    assert line.split()[1].endswith("T22:00:00+00:00")  # 06:00 in Shanghai


def test_each_source_fires_at_its_own_time_in_the_company_zone() -> None:
    config = parse_config(APP_YAML)
    found = pull_triggers(config)
    assert set(found) == {"kpi_pull@mes", "kpi_pull@sales", "kpi_pull@finance"}
    assert set(triggers(JOBS["kpi_pull"], config, {"UTC"}, set())) == set(found)
    start = datetime(2026, 11, 24, 12, 0, tzinfo=UTC)  # Tuesday 20:00 in Shanghai
    fires = {key: t.get_next_fire_time(None, start).astimezone(UTC) for key, t in found.items()}
    assert fires == {
        "kpi_pull@mes": datetime(2026, 11, 24, 22, 0, tzinfo=UTC),  # Wed 06:00 local
        "kpi_pull@sales": datetime(2026, 11, 29, 23, 30, tzinfo=UTC),  # Mon 07:30 local
        "kpi_pull@finance": datetime(2026, 12, 3, 0, 0, tzinfo=UTC),  # 3 Dec 08:00 local
    }


def test_a_scheduled_run_pulls_only_the_sources_that_are_due() -> None:
    config = parse_config(APP_YAML)
    engine = sa.create_engine("sqlite://")

    def due(now: datetime, force: bool = False) -> list[str]:
        return due_sources(JobRun(engine, config, now, force=force))

    at_six = datetime(2026, 11, 24, 22, 0, tzinfo=UTC)  # Wed 06:00 Shanghai
    assert due(at_six) == ["mes"]
    assert due(at_six.replace(minute=14)) == ["mes"]  # the sweep right after catches up
    assert due(at_six.replace(minute=16)) == []  # past one sweep interval: not again
    assert due(at_six.replace(minute=16), force=True) == ["mes", "sales", "finance"]
    assert due(datetime(2026, 12, 3, 0, 5, tzinfo=UTC)) == ["finance"]  # 3 Dec 08:05 local
