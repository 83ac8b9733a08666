"""`/okr map` at scale: a company of N people, each with one objective aligned to their
department's, departments aligned to the company's, two KRs each (some private objectives).
Reports the time of the default map (company level + own branch), of `/okr map all` (80 rows),
of `/okr map DEPARTMENT`, and of drawing the PNG; and the SQL statements per map.

Run: .venv/bin/python bench/okr_map.py [--people 2000] [--db URL]
"""

from __future__ import annotations

import argparse
import random
import sys
import tempfile
import time
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

import sqlalchemy as sa  # noqa: E402

from bot.core import Core, Inbound  # noqa: E402
from storage import clock, migrate  # noqa: E402
from storage.db import make_engine, session_scope  # noqa: E402
from storage.models import (  # noqa: E402
    Cycle,
    CycleState,
    Department,
    KeyResult,
    Objective,
    ObjectiveStatus,
    OwnerType,
    Person,
    Platform,
    Visibility,
)
from storage.repos import workspaces  # noqa: E402

NOW = datetime(2026, 11, 23, 9, 0, tzinfo=UTC)


def seed(url: str, people: int) -> tuple[int, int]:
    """The workspace id and one employee's id."""
    rng = random.Random(5)
    engine = make_engine(url)
    migrate.upgrade(engine)
    with session_scope(engine) as session:
        ws = workspaces.ensure(
            session=session, slug="bench", name="Bench", platform=Platform.CONSOLE,
            external_id="bench",
        )  # fmt: skip
        wid = ws.id or 0
        cycle = Cycle(
            workspace_id=wid, name="2026-Q4", start_date=NOW.date().replace(month=10, day=1),
            end_date=NOW.date().replace(month=12, day=31), state=CycleState.ACTIVE,
        )  # fmt: skip
        session.add(cycle)
        boss = Person(workspace_id=wid, email="ceo@b.test", name="CEO")
        session.add(boss)
        session.flush()
        number = iter(range(1, 10**7))
        kr_number = iter(range(1, 10**7))

        def objective(title: str, owner_type: OwnerType, **kw: Any) -> Objective:
            row = Objective(
                workspace_id=wid, number=next(number), cycle_id=cycle.id or 0, title=title,
                owner_type=owner_type, status=ObjectiveStatus.APPROVED, **kw,
            )  # fmt: skip
            session.add(row)
            session.flush()
            for k in range(2):
                session.add(
                    KeyResult(
                        workspace_id=wid, number=next(kr_number), objective_id=row.id or 0,
                        title=f"KR {k}", target_value=100, current_value=rng.uniform(0, 100),
                        owner_id=boss.id or 0,
                    )
                )  # fmt: skip
            return row

        company = objective("Company goal", OwnerType.COMPANY)
        departments = []
        for d in range(max(1, people // 50)):
            dept = Department(workspace_id=wid, name=f"Dept {d}")
            session.add(dept)
            session.flush()
            goal = objective(
                f"Dept {d} goal", OwnerType.DEPARTMENT, owner_department_id=dept.id,
                parent_id=company.id,
            )  # fmt: skip
            departments.append((dept, goal))
        first = 0
        for p in range(people):
            dept, goal = departments[p % len(departments)]
            person = Person(
                workspace_id=wid, email=f"p{p}@b.test", name=f"Person {p}",
                department_id=dept.id, manager_id=boss.id,
            )  # fmt: skip
            session.add(person)
            session.flush()
            first = first or (person.id or 0)
            objective(
                f"Goal of person {p}", OwnerType.PERSON, owner_person_id=person.id,
                parent_id=goal.id,
                visibility=Visibility.PRIVATE if p % 7 == 3 else Visibility.PUBLIC,
            )  # fmt: skip
    engine.dispose()
    return wid, first


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--people", type=int, default=2000)
    parser.add_argument("--db", default=None)
    args = parser.parse_args()
    folder = Path(tempfile.mkdtemp())
    url = args.db or f"sqlite:///{folder / 'bench.db'}"
    started = time.perf_counter()
    wid, person_id = seed(url, args.people)
    print(f"seeded {args.people} people in {time.perf_counter() - started:.1f}s ({url})")
    import os

    os.environ["OKRBOT_CHART_DIR"] = str(folder / "charts")
    engine = make_engine(url)
    clock.set_clock(clock.ManualClock(NOW))  # the bench runs on its own day
    core = Core(engine)
    statements = 0

    def count(*_: object) -> None:
        nonlocal statements
        statements += 1

    sa.event.listen(engine, "before_cursor_execute", count)
    for label, text in (
        ("default (company + own branch)", "/okr map"),
        ("all (80 rows)", "/okr map all"),
        ("department", "/okr map Dept 1"),
        ("default again (PNG cached)", "/okr map"),
    ):
        statements = 0
        started = time.perf_counter()
        reply = core.handle(Inbound(Platform.CONSOLE, wid, person_id, text))
        elapsed = time.perf_counter() - started
        rows = sum(1 for b in reply.blocks if b.kind == "progress")
        print(f"{label:32s} {elapsed * 1000:8.0f} ms  {statements:5d} SQL  {rows:3d} rows")
    with session_scope(engine) as session:
        total = session.execute(sa.select(sa.func.count()).select_from(Objective)).scalar()
    print(f"objectives in the cycle: {total}")


if __name__ == "__main__":
    main()
