"""The review report (复盘) at department scale: N people, 2 objectives of 3 KRs each, 12 weekly
check-ins per KR, owner and manager scores. Reports the time and SQL statements of
`/okr review department` through the real core (chart drawn and cached), the facts alone, and
the CSV and Markdown exports.

Run: .venv/bin/python bench/review.py [--people 200] [--db URL]
"""

from __future__ import annotations

import argparse
import os
import random
import sys
import tempfile
import time
from datetime import UTC, date, datetime, timedelta
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

import sqlalchemy as sa  # noqa: E402
from sqlmodel import Session, select  # noqa: E402

from bot.core import Core, Inbound  # noqa: E402
from digests import review_export, review_report  # noqa: E402
from storage import clock, migrate  # noqa: E402
from storage.db import make_engine, session_scope  # noqa: E402
from storage.models import (  # noqa: E402
    CheckIn,
    Confidence,
    Cycle,
    CycleState,
    Department,
    KeyResult,
    KeyResultScore,
    Objective,
    ObjectiveReview,
    ObjectiveStatus,
    OwnerType,
    Person,
    Platform,
    Role,
)
from storage.repos import workspaces  # noqa: E402

NOW = datetime(2027, 1, 4, 9, 0, tzinfo=UTC)


def seed(url: str, people: int) -> int:
    """The department and its people's OKRs; returns the HR admin's id."""
    rng = random.Random(5)
    engine = make_engine(url)
    migrate.upgrade(engine)
    with session_scope(engine) as session:
        ws = workspaces.ensure(
            session=session,
            slug="bench",
            platform=Platform.CONSOLE,
            external_id="bench",
            name="Bench",
        )
        assert ws.id is not None
        sales = Department(workspace_id=ws.id, name="Sales")
        session.add(sales)
        cycle = Cycle(
            workspace_id=ws.id,
            name="2026-Q4",
            start_date=date(2026, 10, 1),
            end_date=date(2026, 12, 31),
            state=CycleState.REVIEW,
        )
        session.add(cycle)
        hr = Person(workspace_id=ws.id, email="hr@bench.test", name="HR", role=Role.HR_ADMIN)
        session.add(hr)
        session.flush()
        staff = [
            Person(workspace_id=ws.id, email=f"p{i}@bench.test", name=f"P {i}")
            for i in range(people)
        ]
        for person in staff:
            person.department_id = sales.id
        session.add_all(staff)
        session.flush()
        number = 0
        for person in staff:
            for o in range(2):
                number += 1
                objective = Objective(
                    workspace_id=ws.id,
                    number=number,
                    cycle_id=cycle.id or 0,
                    title=f"Objective {o} of {person.name}",
                    owner_type=OwnerType.PERSON,
                    owner_person_id=person.id,
                    status=ObjectiveStatus.APPROVED,
                )
                session.add(objective)
                session.flush()
                session.add(
                    ObjectiveReview(
                        workspace_id=ws.id,
                        objective_id=objective.id or 0,
                        worked="Demos",
                        did_not="Legal",
                        next_steps="Earlier",
                    )
                )
                for k in range(3):
                    kr = KeyResult(
                        workspace_id=ws.id,
                        number=number * 3 + k,
                        objective_id=objective.id or 0,
                        title=f"KR {k}",
                        start_value=0,
                        target_value=100,
                        current_value=0,
                        owner_id=person.id or 0,
                    )
                    session.add(kr)
                    session.flush()
                    value = 0.0
                    for week in range(12):
                        previous, value = value, value + rng.uniform(0, 10)
                        session.add(
                            CheckIn(
                                workspace_id=ws.id,
                                key_result_id=kr.id or 0,
                                person_id=person.id or 0,
                                value=value,
                                previous_value=previous,
                                confidence=Confidence.ON_TRACK,
                                created_at=NOW - timedelta(weeks=13 - week),
                            )
                        )
                    kr.current_value = value
                    session.add(
                        KeyResultScore(
                            workspace_id=ws.id,
                            key_result_id=kr.id or 0,
                            owner_score=round(rng.random(), 1),
                            manager_score=round(rng.random(), 1),
                        )
                    )
        assert hr.id is not None
        return hr.id


def counted(engine: sa.Engine, action: Any) -> tuple[float, int, Any]:
    statements = [0]

    def count(*args: Any) -> None:
        statements[0] += 1

    sa.event.listen(engine, "before_cursor_execute", count)
    started = time.perf_counter()
    try:
        result = action()
    finally:
        sa.event.remove(engine, "before_cursor_execute", count)
    return time.perf_counter() - started, statements[0], result


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--people", type=int, default=200)
    parser.add_argument("--db", default=None)
    args = parser.parse_args()
    work = Path(tempfile.mkdtemp(prefix="okrbot-bench-review-"))
    os.environ.setdefault("OKRBOT_CHART_DIR", str(work / "charts"))
    url = args.db or f"sqlite:///{work / 'bench.db'}"
    started = time.perf_counter()
    hr_id = seed(url, args.people)
    print(
        f"seeded {args.people} people, {args.people * 6} KRs, {args.people * 72} check-ins "
        f"in {time.perf_counter() - started:.1f} s"
    )
    engine = make_engine(url)
    with Session(engine) as session:
        ws_id = session.exec(select(Person.workspace_id).where(Person.id == hr_id)).one()
    clock.set_clock(clock.ManualClock(NOW))  # the bench runs on its own day
    core = Core(engine)
    ask = Inbound(Platform.CONSOLE, ws_id, hr_id, "/okr review department Sales")
    for label in ("first (draws the chart)", "again (chart cached)"):
        seconds, queries, message = counted(engine, lambda: core.handle(ask))
        print(
            f"/okr review department, {label}: {seconds * 1000:.0f} ms, {queries} SQL, "
            f"{len(message.blocks)} blocks"
        )
    with Session(engine) as session:
        cycle = session.exec(select(Cycle)).one()
        ids = list(session.exec(select(Person.id).where(Person.workspace_id == ws_id)))

        def facts() -> review_report.ReviewFacts:
            return review_report.load_facts(
                session=session,
                workspace_id=ws_id,
                cycle=cycle,
                person_ids=[i for i in ids if i is not None],
                visible=lambda o: True,
                locale="en",
                title="Sales",
            )

        seconds, queries, found = counted(engine, facts)
        print(f"load_facts: {seconds * 1000:.0f} ms, {queries} SQL")
        rows = review_export.kr_rows(found)
        started = time.perf_counter()
        review_export.write_table(rows, work / "review.csv", "csv")
        csv_ms = (time.perf_counter() - started) * 1000
        started = time.perf_counter()
        (work / "review.md").write_text(review_export.markdown(found), encoding="utf-8")
        md_ms = (time.perf_counter() - started) * 1000
        print(f"export: csv {len(rows)} rows {csv_ms:.0f} ms, markdown {md_ms:.0f} ms")


if __name__ == "__main__":
    main()
