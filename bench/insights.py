"""Insights at scale: 10,000 people, 40,000 KRs with ~12 weekly check-ins each (480,000 rows),
100 departments with 3 weekly KPIs each. Times loading the history, the forecasts, the
OKR ↔ KPI relations and the org health view, and counts SQL statements.

The people, cycle, objectives and KRs come from bench/digests.py's generator; this adds
departments, the weekly check-in history and the KPI readings (one planted relation).

Run: .venv/bin/python bench/insights.py [--people 10000] [--db URL] [--postgres [URL]]
"""

from __future__ import annotations

import argparse
import os
import random
import sys
import tempfile
import time
import uuid
from collections.abc import Callable
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import TypeVar

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

import sqlalchemy as sa  # noqa: E402
from sqlmodel import Session, col, select  # noqa: E402

from bench.digests import seed  # noqa: E402
from digests.insights import history, org_health  # noqa: E402
from digests.insights.forecast import ForecastStatus, forecast_many  # noqa: E402
from digests.insights.relations import find_relations  # noqa: E402
from digests.insights.review_section import subjects  # noqa: E402
from storage.db import make_engine, session_scope  # noqa: E402
from storage.models import (  # noqa: E402
    CheckIn,
    CheckInSource,
    Confidence,
    Department,
    KeyResult,
    KpiDefinition,
    KpiDirection,
    KpiReading,
    KpiScope,
    Person,
    ReadingSource,
    Workspace,
)

NOW = datetime(2026, 12, 20, 12, 0, tzinfo=UTC)  # a Sunday, week 12 of the 2026-Q4 cycle
FIRST_CHECK_IN = datetime(2026, 10, 2, 9, 0, tzinfo=UTC)
WEEKS = 12
DEPARTMENTS = 100
KPIS = ("CSAT", "NPS", "OTD")
POSTGRES_URL = os.environ.get(
    "OKRBOT_TEST_POSTGRES_URL", "postgresql+psycopg://postgres@127.0.0.1:5432/test"
)
T = TypeVar("T")


def add_history(url: str) -> int:
    """Departments, ~12 weekly check-ins per KR and weekly department KPI readings; returns the
    number of check-ins written."""
    rng = random.Random(11)
    engine = make_engine(url)
    with session_scope(engine) as session:
        ws = session.exec(select(Workspace).where(Workspace.slug == "bench")).one()
        departments = [
            Department(workspace_id=ws.id or 0, name=f"D{i}") for i in range(DEPARTMENTS)
        ]
        session.add_all(departments)
        session.flush()
        first = departments[0].id or 0
        session.execute(
            sa.update(Person)
            .where(col(Person.workspace_id) == ws.id)
            .values(department_id=first + col(Person.id) % DEPARTMENTS)
        )
        krs = session.execute(
            sa.select(col(KeyResult.id), col(KeyResult.owner_id)).where(
                col(KeyResult.workspace_id) == ws.id
            )
        ).all()
        # bench/digests.py's generator leaves one random check-in on half the KRs: replace it.
        session.execute(sa.delete(CheckIn).where(col(CheckIn.workspace_id) == ws.id))
        rows = []
        planted: list[float] = []
        for index, (kr_id, owner_id) in enumerate(krs):
            rate = rng.uniform(0.2, 1.4)  # per day, target 100 over 92 days ≈ 1.09
            missed = (1 if rng.random() < 0.3 else 0) + (1 if rng.random() < 0.1 else 0)
            weeks = WEEKS if index == 0 else WEEKS - missed
            value = 0.0
            for week in range(weeks):
                step = max(0.0, rate * 7 + rng.gauss(0, 2))
                value += step
                if index == 0:
                    planted.append(step)
                rows.append(
                    {
                        "workspace_id": ws.id,
                        "key_result_id": kr_id,
                        "person_id": owner_id,
                        "value": value,
                        "previous_value": value - step,
                        "confidence": Confidence.ON_TRACK,
                        "source": CheckInSource.CHAT,
                        "created_at": FIRST_CHECK_IN
                        + timedelta(weeks=week, hours=rng.uniform(0, 48)),
                    }
                )
        session.execute(sa.insert(CheckIn), rows)
        # The first KR's department reads CSAT moving with it; everything else is noise.
        first_owner = session.get(Person, krs[0][1])
        planted_department = first_owner.department_id if first_owner else None
        definitions = [
            KpiDefinition(
                workspace_id=ws.id or 0,
                code=code,
                name=code,
                direction=KpiDirection.HIGHER_IS_BETTER,
            )
            for code in KPIS
        ]
        session.add_all(definitions)
        session.flush()
        readings = []
        for department in departments:
            for definition in definitions:
                level = 50.0
                for week in range(WEEKS):
                    related = department.id == planted_department and definition.code == "CSAT"
                    if related and week < len(planted):
                        level += 0.5 * planted[week] + rng.gauss(0, 0.05)
                    else:
                        level = rng.gauss(50, 5)
                    day = (FIRST_CHECK_IN + timedelta(weeks=week)).date()
                    year, iso_week, _ = day.isocalendar()
                    readings.append(
                        {
                            "workspace_id": ws.id,
                            "kpi_id": definition.id,
                            "scope": KpiScope.DEPARTMENT,
                            "department_id": department.id,
                            "period": f"{year}-W{iso_week:02d}",
                            "value": level,
                            "source": ReadingSource.IMPORT,
                            "created_at": NOW,
                        }
                    )
        session.execute(sa.insert(KpiReading), readings)
    engine.dispose()
    return len(rows)


def timed(label: str, work: Callable[[], T], figures: list[tuple[str, float, float]]) -> T:
    """Run `work`, noting its wall-clock and CPU seconds (the CPU figure holds on a busy box)."""
    started, cpu = time.perf_counter(), time.process_time()
    result = work()
    figures.append((label, time.perf_counter() - started, time.process_time() - cpu))
    return result


def measure(url: str) -> None:
    engine = make_engine(url)
    statements = 0

    def count(*_: object) -> None:
        nonlocal statements
        statements += 1

    sa.event.listen(engine, "before_cursor_execute", count)
    figures: list[tuple[str, float, float]] = []
    with Session(engine) as session:
        ws_id = session.exec(select(Workspace.id).where(Workspace.slug == "bench")).one() or 0
        records = timed(
            "load KRs + check-ins",
            lambda: history.key_results(session=session, workspace_id=ws_id),
            figures,
        )
        start = min(r.series.cycle_start for r in records)
        end = max(r.series.cycle_end for r in records)
        series = timed(
            "load KPI readings",
            lambda: history.kpi_series(session=session, workspace_id=ws_id, since=start, until=end),
            figures,
        )
        forecasts = timed(
            "forecast every KR",
            lambda: dict(
                zip(
                    [r.id for r in records],
                    forecast_many([r.series for r in records]),
                    strict=True,
                )
            ),
            figures,
        )
        relations = timed(
            "relations (all pairs)",
            lambda: find_relations(*subjects(records, series), limit=None),
            figures,
        )
        health = timed(
            "org health",
            lambda: org_health.build(
                session=session, workspace_id=ws_id, now=NOW, records=records, forecasts=forecasts
            ),
            figures,
        )
    engine.dispose()
    check_ins = sum(len(r.series.check_ins) for r in records)
    enough = sum(1 for f in forecasts.values() if f.status is ForecastStatus.OK)
    flagged = sum(1 for f in forecasts.values() if f.flagged)
    pairs = sum(1 for r in records for s in series if s.group == r.group)
    print(
        f"{url.split(':')[0]}: {len(records):,} KRs, {check_ins:,} check-ins, "
        f"{len(series):,} KPI series, {pairs:,} KR-KPI pairs"
    )
    print(f"  {'':<24} {'wall':>7} {'cpu':>7}")
    for label, wall, cpu in figures:
        print(f"  {label:<24} {wall:6.2f}s {cpu:6.2f}s")
    compute = [(w, c) for label, w, c in figures if not label.startswith("load")]
    print(
        f"  {'computation':<24} {sum(w for w, _ in compute):6.2f}s "
        f"{sum(c for _, c in compute):6.2f}s  (forecast + relations + org health)"
    )
    print(
        f"  {'total with loading':<24} {sum(w for _, w, _ in figures):6.2f}s "
        f"{sum(c for _, _, c in figures):6.2f}s  {statements} SQL statements"
    )
    print(
        f"  forecasts: {enough:,} with enough data, {flagged:,} flagged; "
        f"relations reported: {len(relations)}"
        + (
            f" (strongest ρ = {relations[0].rho:.2f} over {relations[0].periods} weeks)"
            if relations
            else ""
        )
    )
    planted = records[0]  # the first KR: its department's CSAT was generated to move with it
    department = [r for r in records if r.group == planted.group]
    local = find_relations(
        *subjects(department, [s for s in series if s.group == planted.group]), limit=None
    )
    print(
        f"  one department as its review report sees it ({len(department):,} KRs x 3 KPIs): "
        + ", ".join(
            f"KR {r.kr} ~ KPI {r.kpi}: rho = {r.rho:.2f} over {r.periods} weeks" for r in local
        )
    )
    print(
        f"  org health: {len(health.weeks)} weeks, {len(health.departments)} departments, "
        f"this week {health.weeks[-1].checked_in:,} of {health.weeks[-1].expected:,} checked in"
    )


def run(url: str, people: int) -> None:
    started = time.perf_counter()
    seed(url, people)
    written = add_history(url)
    if url.startswith("postgresql"):
        # A live database has planner statistics (autovacuum); right after a bulk load it has
        # none, and PostgreSQL would plan the check-in query as if the tables were empty.
        engine = make_engine(url)
        with engine.begin() as connection:
            connection.execute(sa.text("ANALYZE"))
        engine.dispose()
    seconds = time.perf_counter() - started
    print(f"seeded {people:,} people, {4 * people:,} KRs, {written:,} check-ins in {seconds:.1f} s")
    measure(url)


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--people", type=int, default=10_000)
    parser.add_argument("--db", default="", help="SQLite or PostgreSQL URL (default: temp SQLite)")
    parser.add_argument(
        "--postgres",
        nargs="?",
        const=POSTGRES_URL,
        default=None,
        help="also run on PostgreSQL, in a scratch schema (default: the test server)",
    )
    args = parser.parse_args()
    run(args.db or f"sqlite:///{tempfile.mkdtemp()}/insights.db", args.people)
    if args.postgres:
        schema = f"bench_{uuid.uuid4().hex[:10]}"
        admin = make_engine(args.postgres, poolclass=sa.pool.NullPool)
        with admin.begin() as connection:
            connection.execute(sa.text(f'CREATE SCHEMA "{schema}"'))
        try:
            separator = "&" if "?" in args.postgres else "?"
            run(f"{args.postgres}{separator}options=-csearch_path%3D{schema}", args.people)
        finally:
            with admin.begin() as connection:
                connection.execute(sa.text(f'DROP SCHEMA "{schema}" CASCADE'))
            admin.dispose()


if __name__ == "__main__":
    main()
