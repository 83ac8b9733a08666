"""Scheduled SQL pulls (`kpi_sources` in app.yaml): run each read-only query and feed its rows
(scope, period, value) through the one write path. The scheduler calls `pull_sources`;
`okrbot kpi pull` runs it now."""

from __future__ import annotations

import os
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any

import sqlalchemy as sa
from sqlalchemy.engine import Engine

from commands.operations.kpi_intake import explain, ingest
from storage import sql_statements
from storage.db import make_engine, session_scope
from storage.models import ReadingSource
from storage.repos import workspaces

COLUMNS = ("scope", "period", "value")


@dataclass
class PullResult:
    source: str
    rows: int = 0
    created: int = 0
    duplicates: int = 0
    alerts: int = 0
    problems: list[str] = field(default_factory=list)
    error: str | None = None


class PullRefused(ValueError):
    """A query okrbot will not run: more than one statement."""


def fetch(url: str, query: str) -> list[dict[str, Any]]:
    """Run `query` — exactly one statement — on a connection that cannot write; rows as
    scope/period/value mappings.

    The documented set-up is a read-only database role; okrbot also refuses several statements
    (`COMMIT; CREATE …; SELECT …` would end a read-only transaction) and makes every transaction
    of its connection read-only (PostgreSQL `default_transaction_read_only`, SQLite
    `query_only`), so a statement cannot write even when the role could.
    """
    if len(sql_statements.statements(query)) != 1:
        raise PullRefused("the query must be exactly one SQL statement")
    engine = make_engine(url, poolclass=sa.pool.NullPool)
    if engine.dialect.name == "postgresql":
        sa.event.listen(engine, "connect", _read_only_session)
    try:
        with engine.connect() as connection:
            if engine.dialect.name == "sqlite":
                connection.exec_driver_sql("PRAGMA query_only = ON")
            elif engine.dialect.name == "postgresql":
                connection.exec_driver_sql("SET TRANSACTION READ ONLY")
            result = connection.execute(sa.text(query))
            keys = [str(k).lower() for k in result.keys()]  # noqa: SIM118  (columns, not rows)
            named = all(column in keys for column in COLUMNS)
            rows = []
            for raw in result:
                values = dict(zip(keys, raw, strict=True))
                if named:
                    rows.append({c: values[c] for c in COLUMNS})
                else:
                    rows.append(dict(zip(COLUMNS, raw, strict=False)))
            connection.rollback()
            return rows
    finally:
        engine.dispose()


def _read_only_session(dbapi_connection: Any, _record: Any) -> None:
    """Every transaction of this PostgreSQL connection is read-only, even one begun after a
    COMMIT (set outside a transaction, so no rollback undoes it)."""
    dbapi_connection.autocommit = True
    with dbapi_connection.cursor() as cursor:
        cursor.execute("SET SESSION CHARACTERISTICS AS TRANSACTION READ ONLY")
    dbapi_connection.autocommit = False


def pull_sources(
    *,
    engine: Engine,
    config: Any,
    workspace: str | None = None,
    only: str | None = None,
    env: Mapping[str, str] | None = None,
) -> list[PullResult]:
    """Pull every configured source (or the one named `only`) into the workspace; idempotent:
    an unchanged row is a duplicate, a changed value becomes a new, latest reading."""
    environ = os.environ if env is None else env
    slug = workspace or config.company.workspace
    results = []
    for source in config.kpi_sources:
        if only is not None and source.name != only:
            continue
        result = PullResult(source.name)
        results.append(result)
        url = environ.get(source.url_env)
        if not url:
            result.error = f"environment variable {source.url_env} is not set"
            continue
        try:
            rows = fetch(url, source.query)
        except PullRefused as error:
            result.error = str(error)
            continue
        except sa.exc.SQLAlchemyError as error:
            result.error = str(error.__cause__ or error).splitlines()[0]
            continue
        result.rows = len(rows)
        _store(result, rows, engine=engine, slug=slug, source=source, config=config)
    return results


def _store(
    result: PullResult,
    rows: Sequence[dict[str, Any]],
    *,
    engine: Engine,
    slug: str,
    source: Any,
    config: Any,
) -> None:
    readings = [
        {
            "id": f"sql:{source.name}:{row['scope']}:{row['period']}:{row['value']!r}"[:128],
            "kpi": source.kpi,
            **row,
        }
        for row in rows
    ]
    with session_scope(engine) as session:
        ws = workspaces.get_by_slug(session=session, slug=slug)
        if ws is None:
            result.error = f"no workspace {slug}"
            return
        report = ingest(
            readings,
            session=session,
            workspace=ws,
            source=ReadingSource.SQL,
            need_id=True,
            alert_channel=config.kpi_alerts.channel,
        )
    result.created, result.duplicates = len(report.written), report.duplicates
    result.alerts = report.alerts
    result.problems = [f"row {r.index + 1}: {explain(r)}" for r in report.rejected]
