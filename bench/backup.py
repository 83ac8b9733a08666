"""Backup and restore figures: the demo company, and a generated company of N people.

    python -m bench.backup [--people 10000] [--postgres URL]

Prints rows, file size, backup time and restore time (wall and CPU) into SQLite and into
PostgreSQL (a throw-away schema, when PostgreSQL answers).
"""

from __future__ import annotations

import argparse
import os
import tempfile
import time
import uuid
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from datetime import UTC, date, datetime, timedelta
from pathlib import Path
from typing import Any

import sqlalchemy as sa
from sqlalchemy.engine import Engine
from sqlmodel import Session, SQLModel

from bot.demo_seed import seed_demo
from storage import migrate
from storage.backup import write_backup
from storage.db import make_engine
from storage.restore import restore_backup

DEFAULT_POSTGRES = "postgresql+psycopg://postgres@127.0.0.1:5432/test"
START = datetime(2026, 10, 5, 2, 0, tzinfo=UTC)


def seed_demo_company(engine: Engine) -> None:
    with Session(engine) as session:
        seed_demo(session=session, today=date(2026, 11, 23))
        session.commit()


def seed_generated(engine: Engine, people: int) -> None:
    """`people` people in 50 departments, each with an objective, two KRs, eight weekly
    check-ins per KR (with notes) and a monthly KPI reading."""
    tables = SQLModel.metadata.tables
    with engine.begin() as connection:

        def insert(name: str, rows: list[dict[str, Any]]) -> None:
            for start in range(0, len(rows), 5000):
                connection.execute(tables[name].insert(), rows[start : start + 5000])

        insert(
            "workspace",
            [
                {
                    "id": 1,
                    "slug": "big",
                    "name": "Big Co",
                    "platform": "console",
                    "external_id": "big",
                    "timezone": "Asia/Shanghai",
                    "language": "zh-CN",
                    "created_at": START,
                }
            ],
        )
        insert(
            "department", [{"id": d, "workspace_id": 1, "name": f"Dept {d}"} for d in range(1, 51)]
        )
        insert(
            "cycle",
            [
                {
                    "id": 1,
                    "workspace_id": 1,
                    "name": "2026-Q4",
                    "start_date": date(2026, 10, 1),
                    "end_date": date(2026, 12, 31),
                    "state": "active",
                }
            ],
        )
        insert(
            "person",
            [
                {
                    "id": p,
                    "workspace_id": 1,
                    "email": f"person{p}@big.example",
                    "name": f"员工 {p}",
                    "manager_id": None,
                    "department_id": 1 + p % 50,
                    "role": "employee",
                    "active": True,
                    "timezone": "Asia/Shanghai",
                    "created_at": START,
                    "updated_at": START,
                }
                for p in range(1, people + 1)
            ],
        )
        connection.execute(
            tables["person"]
            .update()
            .where(tables["person"].c.id > 10)
            .values(manager_id=1 + (tables["person"].c.id % 10))
        )
        insert(
            "objective",
            [
                {
                    "id": p,
                    "workspace_id": 1,
                    "number": p,
                    "cycle_id": 1,
                    "title": f"Objective of person {p}",
                    "owner_type": "person",
                    "owner_person_id": p,
                    "status": "approved",
                    "visibility": "public",
                    "created_at": START,
                    "updated_at": START,
                }
                for p in range(1, people + 1)
            ],
        )
        krs = [(p, k) for p in range(1, people + 1) for k in (0, 1)]
        insert(
            "key_result",
            [
                {
                    "id": i + 1,
                    "workspace_id": 1,
                    "number": i + 1,
                    "objective_id": p,
                    "title": f"KR {k} of {p}",
                    "metric": "number",
                    "start_value": 0.0,
                    "target_value": 100.0,
                    "current_value": 40.0 + k,
                    "direction": "increase",
                    "weight": 1.0,
                    "confidence": "on_track",
                    "owner_id": p,
                    "created_at": START,
                    "updated_at": START,
                }
                for i, (p, k) in enumerate(krs)
            ],
        )
        insert(
            "check_in",
            [
                {
                    "workspace_id": 1,
                    "key_result_id": i + 1,
                    "person_id": p,
                    "value": 5.0 * week,
                    "previous_value": 5.0 * (week - 1),
                    "confidence": "on_track",
                    "note": f"week {week}: steady progress on line {p % 7}",
                    "source": "chat",
                    "created_at": START + timedelta(weeks=week, seconds=i),
                }
                for i, (p, _k) in enumerate(krs)
                for week in range(1, 9)
            ],
        )
        insert(
            "kpi_definition",
            [
                {
                    "id": 1,
                    "workspace_id": 1,
                    "code": "OUTPUT",
                    "name": "Output",
                    "direction": "higher_is_better",
                    "frequency": "monthly",
                    "aggregation": "sum",
                }
            ],
        )
        insert(
            "kpi_reading",
            [
                {
                    "workspace_id": 1,
                    "kpi_id": 1,
                    "scope": "person",
                    "person_id": p,
                    "period": "2026-10",
                    "value": float(p % 97),
                    "source": "import",
                    "created_at": START,
                }
                for p in range(1, people + 1)
            ],
        )


@contextmanager
def database(kind: str, directory: Path, postgres: str) -> Iterator[Engine | None]:
    """An empty database: a SQLite file, or a fresh PostgreSQL schema (None when down)."""
    if kind == "sqlite":
        engine = make_engine(f"sqlite:///{directory / f'{uuid.uuid4().hex}.db'}")
        yield engine
        engine.dispose()
        return
    schema = f"bench_{uuid.uuid4().hex[:10]}"
    admin = make_engine(postgres, poolclass=sa.pool.NullPool)
    try:
        with admin.begin() as connection:
            connection.execute(sa.text(f'CREATE SCHEMA "{schema}"'))
    except sa.exc.OperationalError:
        yield None
        return
    separator = "&" if "?" in postgres else "?"
    engine = make_engine(f"{postgres}{separator}options=-csearch_path%3D{schema}")
    try:
        yield engine
    finally:
        engine.dispose()
        with admin.begin() as connection:
            connection.execute(sa.text(f'DROP SCHEMA "{schema}" CASCADE'))
        admin.dispose()


def timed(action: Callable[[], Any]) -> tuple[str, Any]:
    """Wall time and this process's CPU time (the machine may be busy with other work)."""
    wall, cpu = time.perf_counter(), time.process_time()
    result = action()
    return f"{time.perf_counter() - wall:.2f} s (CPU {time.process_time() - cpu:.2f} s)", result


def measure(label: str, seed: Callable[[Engine], None], directory: Path, postgres: str) -> None:
    for source_kind in ("sqlite", "postgres"):
        with database(source_kind, directory, postgres) as source:
            if source is None:
                print(f"{label}: PostgreSQL not reachable, skipped")
                continue
            migrate.upgrade(source)
            seed(source)
            file = directory / f"{label}-{source_kind}.zip"
            seconds, written = timed(lambda: write_backup(source, file))  # noqa: B023
            print(
                f"{label} on {source_kind}: {written.total_rows:,} rows, "
                f"{file.stat().st_size / 1e6:.2f} MB, backup {seconds}"
            )
            for target_kind in ("sqlite", "postgres"):
                with database(target_kind, directory, postgres) as target:
                    if target is None:
                        continue
                    seconds, _ = timed(lambda: restore_backup(target, file))  # noqa: B023
                    print(f"  restore into {target_kind}: {seconds}")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--people", type=int, default=10_000)
    parser.add_argument(
        "--postgres", default=os.environ.get("OKRBOT_TEST_POSTGRES_URL", DEFAULT_POSTGRES)
    )
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as tmp:
        directory = Path(tmp)
        measure("demo company", seed_demo_company, directory, args.postgres)
        people = args.people
        measure(f"{people:,} people", lambda e: seed_generated(e, people), directory, args.postgres)


if __name__ == "__main__":
    main()
