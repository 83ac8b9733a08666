"""Queueing the weekly check-in prompts: N people with two KRs each (and a few weeks of
check-ins, so forecasts have something to read) in an active cycle; `checkin_prompt` run as
`okrbot jobs run` runs it. Prints the time to queue them all, then the time of a second run
that queues nothing (every key is already there).

Run: .venv/bin/python bench/checkin_queue.py [--people 10000] [--db URL]
(default: a fresh database on the local PostgreSQL test server)
"""

from __future__ import annotations

import argparse
import sys
import time
import uuid
from datetime import UTC, date, datetime, timedelta
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

import sqlalchemy as sa  # noqa: E402
from sqlmodel import SQLModel  # noqa: E402

from bot.config import AppConfig  # noqa: E402
from bot.scheduler.checkins import checkin_prompts  # noqa: E402
from bot.scheduler.context import JobRun  # noqa: E402
from storage import migrate  # noqa: E402
from storage.db import make_engine  # noqa: E402
from storage.models import (  # noqa: E402
    CycleState,
    ObjectiveStatus,
    OwnerType,
    Platform,
)

NOW = datetime(2026, 11, 23, 2, 0, tzinfo=UTC)  # a Monday, 10:00 in Shanghai
POSTGRES = "postgresql+psycopg://postgres@127.0.0.1:5432/"
TABLES = SQLModel.metadata.tables


def fresh_postgres() -> str:
    name = f"okrbot_bench_{uuid.uuid4().hex[:8]}"
    admin = sa.create_engine(POSTGRES + "test", isolation_level="AUTOCOMMIT")
    with admin.connect() as connection:
        connection.execute(sa.text(f'CREATE DATABASE "{name}"'))
    admin.dispose()
    return POSTGRES + name


def seed(url: str, people: int) -> None:
    engine = make_engine(url)
    migrate.upgrade(engine)
    old = NOW - timedelta(days=30)
    with engine.begin() as connection:
        workspace_id = connection.execute(
            sa.insert(TABLES["workspace"]).returning(TABLES["workspace"].c.id),
            {
                "slug": "bench",
                "name": "Bench",
                "platform": Platform.SLACK,
                "external_id": "TB",
                "timezone": "Asia/Shanghai",
                "language": "en",
                "created_at": old,
            },
        ).scalar_one()
        cycle_id = connection.execute(
            sa.insert(TABLES["cycle"]).returning(TABLES["cycle"].c.id),
            {
                "workspace_id": workspace_id,
                "name": "2026-Q4",
                "start_date": date(2026, 10, 1),
                "end_date": date(2026, 12, 31),
                "state": CycleState.ACTIVE,
            },
        ).scalar_one()
        person_ids = (
            connection.execute(
                sa.insert(TABLES["person"]).returning(TABLES["person"].c.id),
                [
                    {
                        "workspace_id": workspace_id,
                        "email": f"p{i}@example.com",
                        "name": f"Person {i}",
                        "role": "employee",
                        "active": True,
                        "created_at": old,
                        "updated_at": old,
                    }
                    for i in range(people)
                ],
            )
            .scalars()
            .all()
        )
        objective_ids = (
            connection.execute(
                sa.insert(TABLES["objective"]).returning(TABLES["objective"].c.id),
                [
                    {
                        "workspace_id": workspace_id,
                        "cycle_id": cycle_id,
                        "number": i + 1,
                        "title": f"Objective {i}",
                        "owner_type": OwnerType.PERSON,
                        "owner_person_id": pid,
                        "status": ObjectiveStatus.APPROVED,
                        "visibility": "public",
                        "created_at": old,
                        "updated_at": old,
                    }
                    for i, pid in enumerate(person_ids)
                ],
            )
            .scalars()
            .all()
        )
        krs = []
        for i, (pid, oid) in enumerate(zip(person_ids, objective_ids, strict=True)):
            for j in range(2):
                krs.append(
                    {
                        "workspace_id": workspace_id,
                        "objective_id": oid,
                        "owner_id": pid,
                        "number": 2 * i + j + 1,
                        "title": f"KR {i}.{j}",
                        "metric": "number",
                        "start_value": 0,
                        "target_value": 10,
                        "current_value": 3,
                        "weight": 1,
                        "version": 1,
                        "created_at": old,
                        "updated_at": old,
                    }
                )
        kr_rows = connection.execute(
            sa.insert(TABLES["key_result"]).returning(
                TABLES["key_result"].c.id,
                TABLES["key_result"].c.owner_id,
            ),
            krs,
        ).all()
        checkins = [
            {
                "workspace_id": workspace_id,
                "key_result_id": kr_id,
                "person_id": owner,
                "value": week,
                "previous_value": week - 1,
                "confidence": "on_track",
                "created_at": old + timedelta(days=7 * week),
            }
            for kr_id, owner in kr_rows
            for week in (1, 2, 3)
        ]
        connection.execute(sa.insert(TABLES["check_in"]), checkins)
    if engine.dialect.name == "postgresql":  # statistics, as autovacuum keeps them in production
        with engine.connect().execution_options(isolation_level="AUTOCOMMIT") as connection:
            connection.execute(sa.text("ANALYZE"))
    engine.dispose()


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--people", type=int, default=10_000)
    parser.add_argument("--db", default=None)
    args = parser.parse_args()
    url = args.db or fresh_postgres()
    started = time.perf_counter()
    seed(url, args.people)
    print(
        f"seeded {args.people} people, {2 * args.people} KRs in "
        f"{time.perf_counter() - started:.1f} s ({url.split('@')[-1]})"
    )
    engine = make_engine(url)
    config = AppConfig()
    for label in ("first run", "second run"):
        started = time.perf_counter()
        queued = checkin_prompts(JobRun(engine, config, NOW, force=True))
        print(
            f"checkin_prompt {label}: {queued} prompts queued in "
            f"{time.perf_counter() - started:.2f} s"
        )
    engine.dispose()


if __name__ == "__main__":
    main()
