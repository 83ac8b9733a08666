"""Migrations: they match the models, go down and up again, and the schema check is right."""

from __future__ import annotations

from datetime import UTC, date, datetime, timedelta
from pathlib import Path
from typing import Any

import pytest
import sqlalchemy as sa
from alembic import command
from alembic.script import ScriptDirectory
from sqlalchemy.engine import Engine
from sqlmodel import Session, SQLModel, select

from storage import migrate
from storage.db import make_engine
from storage.models import CheckIn, Person
from tests.bot.test_cli import run


def test_head_read_from_files_matches_alembic() -> None:
    config = migrate.alembic_config(make_engine("sqlite://"))
    assert migrate.head_revision() == ScriptDirectory.from_config(config).get_current_head()


def test_models_and_migrations_agree(engine: Engine) -> None:
    command.check(migrate.alembic_config(engine))


def test_every_migration_goes_down_and_up_again(engine: Engine) -> None:
    migrate.downgrade(engine, "base")
    assert migrate.current_revision(engine) is None
    migrate.upgrade(engine)
    migrate.ensure_current(engine)


def test_schema_check_says_what_to_run(database_url: str) -> None:
    engine = make_engine(database_url)
    try:
        with pytest.raises(migrate.SchemaError, match="Run `okrbot db upgrade` first"):
            migrate.ensure_current(engine)
        first = sorted(migrate.known_revisions())[0]
        migrate.upgrade(engine, first)
        if first != migrate.head_revision():
            with pytest.raises(migrate.SchemaError, match="out of date"):
                migrate.ensure_current(engine)
        migrate.upgrade(engine)
        with engine.begin() as connection:
            connection.execute(sa.text("UPDATE alembic_version SET version_num = '9999'"))
        with pytest.raises(migrate.SchemaError, match="newer than this okrbot knows"):
            migrate.ensure_current(engine)
    finally:
        engine.dispose()


def _chain() -> list[str]:
    """The revisions from the first to the head, in order."""
    known = migrate.known_revisions()
    order = [migrate.head_revision()]
    while known[order[-1]] is not None:
        order.append(str(known[order[-1]]))
    return order[::-1]


def test_every_downgrade_step_by_step_then_up_again(engine: Engine) -> None:
    chain = _chain()
    assert chain[0] == "0001"
    for revision in reversed(chain):
        assert migrate.current_revision(engine) == revision
        below = migrate.known_revisions()[revision]
        migrate.downgrade(engine, below or "base")
    assert migrate.current_revision(engine) is None
    with engine.connect() as connection:
        assert sa.inspect(connection).get_table_names() == ["alembic_version"]
    for revision in chain:
        migrate.upgrade(engine, revision)
        assert migrate.current_revision(engine) == revision
    migrate.ensure_current(engine)
    command.check(migrate.alembic_config(engine))


WHEN = datetime(2026, 10, 5, 9, 30, 15, 250000, tzinfo=UTC)
# Rows as the first schema (0001) holds them; every later migration must carry them to head.
FIRST_SCHEMA_ROWS: dict[str, list[dict[str, Any]]] = {
    "workspace": [
        {
            "id": 1,
            "slug": "acme",
            "name": "Acme 精密",
            "platform": "slack",
            "external_id": "T01",
            "timezone": "Asia/Shanghai",
            "language": "zh-CN",
            "created_at": WHEN,
        },
    ],
    "department": [
        {"id": 1, "workspace_id": 1, "name": "Production", "parent_id": None},
        {"id": 2, "workspace_id": 1, "name": "Line 3", "parent_id": 1},
    ],
    "person": [
        {
            "id": 1,
            "workspace_id": 1,
            "email": "ana@example.com",
            "name": "Ana Lima",
            "manager_id": None,
            "department_id": 1,
            "title": "COO",
            "timezone": None,
            "locale": "en",
            "role": "admin",
            "active": True,
            "created_at": WHEN,
            "updated_at": WHEN,
        },
        {
            "id": 2,
            "workspace_id": 1,
            "email": "hao@example.com",
            "name": "王浩",
            "manager_id": 1,
            "department_id": 2,
            "title": None,
            "timezone": "Asia/Shanghai",
            "locale": "zh-CN",
            "role": "employee",
            "active": False,
            "created_at": WHEN,
            "updated_at": WHEN + timedelta(days=1),
        },
    ],
    "person_identity": [
        {"id": 1, "workspace_id": 1, "person_id": 2, "platform": "slack", "external_id": "U02"},
    ],
    "cycle": [
        {
            "id": 1,
            "workspace_id": 1,
            "name": "2026-Q4",
            "start_date": date(2026, 10, 1),
            "end_date": date(2026, 12, 31),
            "state": "active",
        },
    ],
    "objective": [
        {
            "id": 1,
            "workspace_id": 1,
            "number": 1,
            "cycle_id": 1,
            "title": "Cut scrap",
            "description": "降低损耗",
            "owner_type": "person",
            "owner_person_id": 2,
            "owner_department_id": None,
            "parent_id": None,
            "status": "approved",
            "visibility": "private",
            "created_by_id": 1,
            "created_at": WHEN,
            "updated_at": WHEN,
        },
    ],
    "key_result": [
        {
            "id": 1,
            "workspace_id": 1,
            "number": 1,
            "objective_id": 1,
            "title": "Scrap < 2%",
            "metric": "percent",
            "start_value": 4.5,
            "target_value": 2.0,
            "current_value": 3.25,
            "direction": "decrease",
            "unit": "%",
            "weight": 0.5,
            "confidence": "at_risk",
            "owner_id": 2,
            "created_at": WHEN,
            "updated_at": WHEN,
        },
    ],
    "check_in": [
        {
            "id": 1,
            "workspace_id": 1,
            "key_result_id": 1,
            "person_id": 2,
            "value": 3.25,
            "previous_value": 4.5,
            "confidence": "at_risk",
            "note": "模具更换慢",
            "source": "chat",
            "created_at": WHEN,
        },
    ],
    "kpi_definition": [
        {
            "id": 1,
            "workspace_id": 1,
            "code": "LOSS_RATE",
            "name": "Loss rate",
            "name_zh": "损耗率",
            "unit": "%",
            "direction": "lower_is_better",
            "frequency": "monthly",
            "aggregation": "avg",
            "owner_id": 1,
        },
    ],
    "kpi_target": [
        {
            "id": 1,
            "workspace_id": 1,
            "kpi_id": 1,
            "scope": "company",
            "department_id": None,
            "person_id": None,
            "period": "2026",
            "target": 2.0,
            "warning": 2.5,
            "critical": 3.0,
            "weight": 1.0,
            "parent_id": None,
        },
        {
            "id": 2,
            "workspace_id": 1,
            "kpi_id": 1,
            "scope": "person",
            "department_id": None,
            "person_id": 2,
            "period": "2026",
            "target": 1.8,
            "warning": None,
            "critical": None,
            "weight": 2.0,
            "parent_id": 1,
        },
    ],
    "kpi_reading": [
        {
            "id": 1,
            "workspace_id": 1,
            "kpi_id": 1,
            "scope": "person",
            "department_id": None,
            "person_id": 2,
            "period": "2026-10",
            "value": 2.75,
            "source": "import",
            "client_id": "mes-42",
            "recorded_by_id": 1,
            "created_at": WHEN,
        },
    ],
    "audit_log": [
        {
            "id": 1,
            "workspace_id": 1,
            "actor_id": 2,
            "platform": "slack",
            "action": "checkin.create",
            "entity_type": "check_in",
            "entity_id": 1,
            "entity_ref": "KR-1",
            "before": None,
            "after": '{"value": 3.25}',
            "created_at": WHEN,
        },
    ],
}


def _raw(value: Any, dialect: str) -> Any:
    """A value as a raw SQL parameter, the way an old okrbot wrote it."""
    if isinstance(value, datetime):
        text = value.astimezone(UTC).strftime("%Y-%m-%d %H:%M:%S.%f")
        return text + "+00:00" if dialect == "postgresql" else text
    if isinstance(value, date):
        return value.isoformat()
    return value


def test_rows_written_at_the_first_schema_survive_every_migration(database_url: str) -> None:
    engine = make_engine(database_url)
    try:
        migrate.upgrade(engine, _chain()[0])
        dialect = engine.dialect.name
        with engine.begin() as connection:
            for table, rows in FIRST_SCHEMA_ROWS.items():
                for row in rows:
                    columns = ", ".join(row)
                    marks = ", ".join(f":{c}" for c in row)
                    connection.execute(
                        sa.text(f"INSERT INTO {table} ({columns}) VALUES ({marks})"),
                        {c: _raw(v, dialect) for c, v in row.items()},
                    )
        migrate.upgrade(engine)
        migrate.ensure_current(engine)
        with engine.connect() as connection:
            for name, rows in FIRST_SCHEMA_ROWS.items():
                model = SQLModel.metadata.tables[name]
                found = connection.execute(sa.select(model).order_by(model.c.id)).mappings().all()
                assert len(found) == len(rows), name
                for expected, got in zip(rows, found, strict=True):
                    assert {c: got[c] for c in expected} == expected, name
            with Session(connection) as session:  # the head models read them too
                checkin = session.exec(select(CheckIn)).one()
                assert checkin.created_at == WHEN
                assert checkin.created_at.utcoffset() == timedelta(0)
                assert (
                    session.exec(select(Person).where(Person.manager_id == 1)).one().name == "王浩"
                )
    finally:
        engine.dispose()


def test_serve_refuses_a_schema_it_does_not_know_and_says_what_to_run(
    database_url: str, tmp_path: Path
) -> None:
    engine = make_engine(database_url)
    try:
        empty = run(["serve", "--port", "0"], url=database_url, cwd=tmp_path)
        assert empty.returncode == 2
        assert "Run `okrbot db upgrade` first" in empty.stderr
        migrate.upgrade(engine, _chain()[0])
        old = run(["serve", "--port", "0"], url=database_url, cwd=tmp_path)
        assert old.returncode == 2
        assert "out of date" in old.stderr
        assert "Run `okrbot db upgrade`" in old.stderr
        migrate.upgrade(engine)
        with engine.begin() as connection:
            connection.execute(sa.text("UPDATE alembic_version SET version_num = '9999'"))
        newer = run(["serve", "--port", "0"], url=database_url, cwd=tmp_path)
        assert newer.returncode == 2
        assert "newer than this okrbot knows" in newer.stderr
        assert "Upgrade okrbot" in newer.stderr
        assert "Traceback" not in empty.stderr + old.stderr + newer.stderr
    finally:
        engine.dispose()


def test_0012_fills_the_adjustment_key_result_from_the_proposal(database_url: str) -> None:
    """Adjustments stored before 0012 get their KR column from the proposal JSON; other
    requests, and proposals naming a KR that is gone, keep NULL; downgrade drops it again."""
    engine = make_engine(database_url)
    try:
        migrate.upgrade(engine, _chain()[0])
        dialect = engine.dialect.name
        with engine.begin() as connection:
            for table, rows in FIRST_SCHEMA_ROWS.items():
                for row in rows:
                    columns = ", ".join(row)
                    marks = ", ".join(f":{c}" for c in row)
                    connection.execute(
                        sa.text(f"INSERT INTO {table} ({columns}) VALUES ({marks})"),
                        {c: _raw(v, dialect) for c, v in row.items()},
                    )
        migrate.upgrade(engine, "0010")
        requests = [
            (1, "adjustment", '{"key_result_id": 1, "ref": "KR-1", "target": 8}'),
            (2, "objective", "{}"),
            (3, "adjustment", '{"key_result_id": 99}'),  # a KR that no longer exists
            (4, "adjustment", "not json"),
        ]
        with engine.begin() as connection:
            for request_id, kind, proposal in requests:
                connection.execute(
                    sa.text(
                        "INSERT INTO approval_request (id, workspace_id, objective_id, kind,"
                        " requester_id, status, proposal, created_at) VALUES (:id, 1, 1, :kind,"
                        " 2, 'pending', :proposal, :created_at)"
                    ),
                    {
                        "id": request_id,
                        "kind": kind,
                        "proposal": proposal,
                        "created_at": _raw(WHEN, dialect),
                    },
                )
        migrate.upgrade(engine)
        with engine.connect() as connection:
            filled = connection.execute(
                sa.text("SELECT id, key_result_id FROM approval_request ORDER BY id")
            ).all()
        assert [tuple(row) for row in filled] == [(1, 1), (2, None), (3, None), (4, None)]
        migrate.downgrade(engine, "0010")
        remaining = {c["name"] for c in sa.inspect(engine).get_columns("approval_request")}
        assert "key_result_id" not in remaining
    finally:
        engine.dispose()
