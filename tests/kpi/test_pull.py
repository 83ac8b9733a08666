"""SQL pulls against a real source database: SQLite file and PostgreSQL schema (both engines)."""

from __future__ import annotations

from pathlib import Path

import pytest
import sqlalchemy as sa
from sqlalchemy.engine import Engine
from sqlmodel import Session, select

from bot.config import parse_config
from commands.operations.kpi_pull import pull_sources
from storage.db import make_engine
from storage.models import KpiReading, ReadingSource
from tests.kpi.conftest import KpiCompany

CONFIG = """
company: {workspace: acme}
kpi_sources:
  - name: mes
    kpi: LOSS_RATE
    url_env: MES_DB_URL
    query: SELECT who AS scope, month AS period, loss AS value FROM mes_loss ORDER BY month
  - name: broken
    kpi: LOSS_RATE
    url_env: MES_DB_URL
    query: SELECT nothing FROM nowhere
  - name: unset
    kpi: LOSS_RATE
    url_env: NOT_SET_ANYWHERE
    query: SELECT 1
"""


def _source(url: str, rows: list[tuple[str, str, float]]) -> None:
    source = make_engine(url, poolclass=sa.pool.NullPool)
    with source.begin() as connection:
        connection.execute(sa.text("DROP TABLE IF EXISTS mes_loss"))
        connection.execute(
            sa.text("CREATE TABLE mes_loss (who VARCHAR(200), month VARCHAR(16), loss NUMERIC)")
        )
        for who, month, loss in rows:
            connection.execute(
                sa.text("INSERT INTO mes_loss VALUES (:w, :m, :l)"),
                {"w": who, "m": month, "l": loss},
            )
    source.dispose()


@pytest.mark.parametrize("source_kind", ["sqlite-file", "same-engine-as-okrbot"])
def test_pull_from_a_real_database(
    engine: Engine,
    session: Session,
    kc: KpiCompany,
    tmp_path: Path,
    database_url: str,
    source_kind: str,
) -> None:
    # The second case reads the source from the okrbot database's own engine: on the
    # PostgreSQL run that is a real PostgreSQL source.
    url = f"sqlite:///{tmp_path / 'mes.db'}" if source_kind == "sqlite-file" else database_url
    _source(
        url,
        [
            ("person:hao@acme.com", "2026-10", 3.6),
            ("person:hao@acme.com", "2026-11", 4.6),
            ("department:Machining Workshop", "2026-11", 4.2),
            ("person:ghost@acme.com", "2026-11", 1.0),
        ],
    )
    config = parse_config(CONFIG)
    env = {"MES_DB_URL": url}
    first = pull_sources(engine=engine, config=config, env=env)
    assert [(r.source, r.rows, r.created, r.duplicates, r.alerts) for r in first] == [
        ("mes", 4, 3, 0, 1),
        ("broken", 0, 0, 0, 0),
        ("unset", 0, 0, 0, 0),
    ]
    assert first[0].problems == ["row 4: scope: there is no person with email “ghost@acme.com”"]
    assert first[1].error
    assert first[2].error == "environment variable NOT_SET_ANYWHERE is not set"
    again = pull_sources(engine=engine, config=config, env=env, only="mes")
    assert [(r.created, r.duplicates) for r in again] == [(0, 3)]
    stored = session.exec(select(KpiReading).order_by(KpiReading.period)).all()
    assert {r.source for r in stored} == {ReadingSource.SQL}
    assert sorted(r.value for r in stored) == [3.6, 4.2, 4.6]


def test_the_pull_is_read_only(tmp_path: Path) -> None:
    from commands.operations.kpi_pull import fetch

    url = f"sqlite:///{tmp_path / 'mes.db'}"
    _source(url, [])
    with pytest.raises(sa.exc.OperationalError):
        fetch(url, "INSERT INTO mes_loss VALUES ('company', '2026-11', 1) RETURNING who")
