"""Time `import people` on a generated 20,000-person org chart in a temporary SQLite database.

Run: .venv/bin/python bench/import_people.py [ROWS]
"""

from __future__ import annotations

import csv
import random
import sys
import tempfile
import time
from pathlib import Path

from storage import migrate
from storage.db import make_engine, session_scope
from storage.models import Platform
from storage.people_import import ImportReport, import_people
from storage.repos import workspaces

ZONES = ["Asia/Shanghai", "Europe/Berlin", "America/New_York", "UTC", "Asia/Singapore"]
COLUMNS = [
    *("email", "name", "manager_email", "department", "title", "timezone", "locale"),
    *("slack_user_id", "feishu_open_id"),
]
SPAN = 6  # average direct reports per manager


def write_org_chart(path: Path, rows: int, seed: int = 42) -> None:
    """A manager tree about log6(rows) deep, departments following the tree, rows shuffled."""
    rng = random.Random(seed)
    departments = [f"Department {n:02d}" for n in range(40)]
    department_of: list[str] = []
    lines: list[list[str]] = []
    for i in range(rows):
        manager = rng.randint(max(0, (i - 1) // SPAN - 3), (i - 1) // SPAN) if i else None
        if manager is None or manager < 1 + SPAN:
            department = rng.choice(departments)
        else:
            department = department_of[manager]
        department_of.append(department)
        lines.append(
            [
                f"person{i}@example.com",
                f"Person {i}",
                f"person{manager}@example.com" if manager is not None else "",
                department,
                rng.choice(["Engineer", "Analyst", "Operator", "Lead", ""]),
                rng.choice(ZONES),
                rng.choice(["en", "zh-CN", "zh_CN", ""]),
                f"U{i:08d}",
                f"ou_{i:08d}" if i % 2 else "",
            ]
        )
    rng.shuffle(lines)
    with path.open("w", encoding="utf-8", newline="") as handle:
        writer = csv.writer(handle)
        writer.writerow(COLUMNS)
        writer.writerows(lines)


def timed_import(url: str, path: Path) -> tuple[ImportReport, float]:
    """Import `path` into workspace `bench` in one transaction; the report and seconds taken."""
    engine = make_engine(url)
    try:
        started = time.perf_counter()
        with session_scope(engine) as session:
            ws = workspaces.ensure(
                session=session,
                slug="bench",
                name="Bench",
                platform=Platform.CONSOLE,
                external_id="bench",
            )
            assert ws.id is not None
            report = import_people(session=session, workspace_id=ws.id, path=path)
        return report, time.perf_counter() - started
    finally:
        engine.dispose()


def main(rows: int) -> None:
    """Generate, migrate, import twice (create, then upsert) and print the figures."""
    with tempfile.TemporaryDirectory() as folder:
        path = Path(folder) / "people.csv"
        write_org_chart(path, rows)
        url = f"sqlite:///{Path(folder) / 'bench.db'}"
        engine = make_engine(url)
        migrate.upgrade(engine)
        engine.dispose()
        for run in ("first run (create)", "second run (upsert)"):
            report, seconds = timed_import(url, path)
            if report.rejected or report.cycle:
                raise SystemExit(f"unexpected: {report.rejected[:3]} {report.cycle}")
            print(
                f"{run}: {report.rows} rows in {seconds:.2f} s = {report.rows / seconds:,.0f} "
                f"rows/s ({report.created} created, {report.updated} updated, "
                f"{report.unchanged} unchanged)"
            )


if __name__ == "__main__":
    main(int(sys.argv[1]) if len(sys.argv) > 1 else 20_000)
