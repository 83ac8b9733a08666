"""Finding 9: a KPI SQL pull can only read — several statements are refused, and no statement
can write, on PostgreSQL (where `COMMIT;` used to end the read-only transaction) and SQLite."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
import sqlalchemy as sa
from sqlalchemy.engine import Engine
from sqlmodel import Session

from bot.config import parse_config
from commands.operations.kpi_pull import pull_sources
from storage.db import make_engine
from storage.sql_statements import statements
from tests.kpi.conftest import KpiCompany

ATTACKS = {
    "commit": "COMMIT; CREATE TABLE pwned(x int); SELECT 'x' AS scope, '1' AS period, 1 AS value",
    "comment": "SELECT 1 AS scope, 2 AS period, 3 AS value; -- \nDROP TABLE mes_loss",
    "write": "CREATE TABLE pwned AS SELECT 1 AS x",
    "cte": "WITH gone AS (DELETE FROM mes_loss RETURNING who) "
    "SELECT who AS scope, '2026-11' AS period, 1 AS value FROM gone",
}


def config(query: str) -> object:
    return parse_config(
        "company: {workspace: acme}\n"
        "kpi_sources:\n"
        "  - {name: mes, kpi: LOSS_RATE, url_env: MES_DB_URL, query: " + json.dumps(query) + "}\n"
    )


def source_url(database_url: str, tmp_path: Path) -> str:
    if database_url.startswith("sqlite"):
        return f"sqlite:///{tmp_path / 'mes.db'}"
    return database_url  # a schema of its own on the shared server


@pytest.mark.parametrize("attack", list(ATTACKS))
def test_a_pull_cannot_write(
    engine: Engine, session: Session, kc: KpiCompany, database_url: str, tmp_path: Path,
    attack: str,
) -> None:  # fmt: skip
    url = source_url(database_url, tmp_path)
    source = make_engine(url, poolclass=sa.pool.NullPool)
    with source.begin() as connection:
        connection.execute(sa.text("CREATE TABLE mes_loss (who VARCHAR(20))"))
        connection.execute(sa.text("INSERT INTO mes_loss VALUES ('ana@example.com')"))
    [result] = pull_sources(engine=engine, config=config(ATTACKS[attack]), env={"MES_DB_URL": url})
    assert result.error is not None
    assert result.created == 0
    inspector = sa.inspect(source)
    assert "pwned" not in inspector.get_table_names()
    with source.connect() as connection:
        assert connection.execute(sa.text("SELECT count(*) FROM mes_loss")).scalar_one() == 1
    source.dispose()


def test_statements_are_counted_as_the_database_reads_them() -> None:
    assert len(statements("SELECT 'a;b' AS scope, \"x;y\" AS period, 1 AS value;")) == 1
    assert len(statements("SELECT $$;$$ AS s -- ; not here\n /* ; */ ")) == 1
    assert len(statements("SELECT 1; SELECT 2")) == 2
    assert len(statements("SELECT 'it''s; fine'")) == 1
    assert statements(" ; -- nothing\n") == []
