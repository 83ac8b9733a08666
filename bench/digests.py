"""Manager digests at scale: 1,000 managers over 10,000 people and 40,000 KRs, with open KPI
alerts (5% of people), approvals waiting (5% of objectives) and private objectives (10%). Reports
total time and SQL queries per digest (constant: sections read a batch of teams in set queries),
then the render time per digest: the message model, Block Kit, the Feishu card, plain text.

Run: .venv/bin/python bench/digests.py [--people 10000] [--db URL]
"""

from __future__ import annotations

import argparse
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

from bot.config import AppConfig  # noqa: E402
from bot.feishu.card import card_content, render_card  # noqa: E402
from bot.scheduler.context import JobRun  # noqa: E402
from bot.scheduler.digest_jobs import manager_digests  # noqa: E402
from bot.slack.blockkit import render_message  # noqa: E402
from bot.text import render_text  # noqa: E402
from digests.digest_manager import load_facts, sections_for  # noqa: E402
from digests.render import render  # noqa: E402
from digests.team_facts import Roster  # noqa: E402
from storage import migrate  # noqa: E402
from storage.db import make_engine, session_scope  # noqa: E402
from storage.models import (  # noqa: E402
    ApprovalRequest,
    CheckIn,
    Confidence,
    Cycle,
    CycleState,
    KeyResult,
    KpiAlert,
    KpiDefinition,
    KpiDirection,
    KpiReading,
    KpiScope,
    KpiTarget,
    Objective,
    ObjectiveStatus,
    OwnerType,
    Person,
    Platform,
    Visibility,
)
from storage.repos import workspaces  # noqa: E402

NOW = datetime(2026, 11, 27, 16, 30, tzinfo=UTC)  # a Friday after 16:00 UTC


def seed(url: str, people: int) -> None:
    rng = random.Random(7)
    engine = make_engine(url)
    migrate.upgrade(engine)
    managers = max(1, people // 10)
    with session_scope(engine) as session:
        ws = workspaces.ensure(
            session=session, slug="bench", name="B", platform=Platform.CONSOLE, external_id="b"
        )
        assert ws.id is not None
        cycle = Cycle(
            workspace_id=ws.id,
            name="2026-Q4",
            start_date=date(2026, 10, 1),
            end_date=date(2026, 12, 31),
            state=CycleState.ACTIVE,
        )
        session.add(cycle)
        session.flush()
        rows = [
            Person(workspace_id=ws.id, email=f"m{i}@x.com", name=f"M{i}", timezone="UTC")
            for i in range(managers)
        ]
        session.add_all(rows)
        session.flush()
        manager_ids = [p.id for p in rows]
        # Uneven teams (1 to ~30 reports) so a growing team can be seen not to cost queries.
        staff = [
            Person(
                workspace_id=ws.id,
                email=f"p{i}@x.com",
                name=f"P{i}",
                timezone="UTC",
                manager_id=manager_ids[rng.randrange(managers)],
            )
            for i in range(people - managers)
        ]
        session.add_all(staff)
        session.flush()
        krs: list[KeyResult] = []
        number = 0
        for index, person in enumerate(staff + rows):
            objective = Objective(
                workspace_id=ws.id,
                number=index + 1,
                cycle_id=cycle.id or 0,
                title="Grow",
                owner_type=OwnerType.PERSON,
                owner_person_id=person.id,
                status=ObjectiveStatus.APPROVED,
                visibility=Visibility.PRIVATE if rng.random() < 0.1 else Visibility.PUBLIC,
            )
            session.add(objective)
            session.flush()
            if person.manager_id is not None and rng.random() < 0.05:
                objective.status = ObjectiveStatus.PENDING
                session.add(
                    ApprovalRequest(
                        workspace_id=ws.id,
                        objective_id=objective.id or 0,
                        requester_id=person.id or 0,
                        approver_id=person.manager_id,
                    )
                )
            for _ in range(4):
                number += 1
                krs.append(
                    KeyResult(
                        workspace_id=ws.id,
                        number=number,
                        objective_id=objective.id or 0,
                        title=f"KR {number}",
                        target_value=100,
                        current_value=rng.uniform(0, 100),
                        owner_id=person.id or 0,
                        confidence=rng.choice(list(Confidence)),
                    )
                )
        session.add_all(krs)
        session.flush()
        session.add_all(
            [
                CheckIn(
                    workspace_id=ws.id,
                    key_result_id=kr.id or 0,
                    person_id=kr.owner_id,
                    value=kr.current_value,
                    previous_value=kr.current_value - 10,
                    confidence=kr.confidence,
                    note="supplier late",
                    created_at=NOW - timedelta(days=rng.uniform(0, 10)),
                )
                for kr in krs
                if rng.random() < 0.5
            ]
        )
        seed_alerts(session, ws.id, [p for p in staff if rng.random() < 0.05])
    engine.dispose()


def seed_alerts(session: Any, workspace_id: int, people: list[Person]) -> None:
    """An open loss-rate alert for each of `people`."""
    kpi = KpiDefinition(
        workspace_id=workspace_id,
        code="LOSS_RATE",
        name="Loss rate",
        unit="%",
        direction=KpiDirection.LOWER_IS_BETTER,
    )
    session.add(kpi)
    session.flush()
    target = KpiTarget(
        workspace_id=workspace_id,
        kpi_id=kpi.id or 0,
        scope=KpiScope.COMPANY,
        period="2026",
        target=3,
        warning=4,
        critical=5,
    )
    session.add(target)
    session.flush()
    readings = [
        KpiReading(
            workspace_id=workspace_id,
            kpi_id=kpi.id or 0,
            scope=KpiScope.PERSON,
            person_id=person.id,
            period="2026-11",
            value=4.5,
        )
        for person in people
    ]
    session.add_all(readings)
    session.flush()
    session.add_all(
        [
            KpiAlert(
                workspace_id=workspace_id,
                kpi_id=kpi.id or 0,
                target_id=target.id or 0,
                scope=KpiScope.PERSON,
                person_id=reading.person_id,
                owner_id=reading.person_id,
                level="warning",
                period="2026-11",
                value=4.5,
                threshold=4,
                reading_id=reading.id or 0,
            )
            for reading in readings
        ]
    )


def render_times(url: str) -> None:
    """Each manager's digest built once more from the same facts, timed apart: the message
    model (builders and catalogs), then each renderer, per message."""
    engine = make_engine(url)
    models: list[Any] = []
    built = slack = feishu = text = 0.0
    with session_scope(engine) as session:
        roster = Roster.load(session=session, workspace_id=1)
        managers = sorted(roster.teams)
        for start in range(0, len(managers), 200):
            batch = managers[start : start + 200]
            facts = load_facts(
                session=session, workspace_id=1, manager_ids=batch, now=NOW, roster=roster
            )
            sections = [sections_for(facts, manager) for manager in batch]
            began = time.perf_counter()
            models += [render("digest_manager", locale="en", sections=s) for s in sections]
            built += time.perf_counter() - began
    for message in models:
        began = time.perf_counter()
        render_message(message)
        slack += time.perf_counter() - began
        began = time.perf_counter()
        card_content(render_card(message, locale="en"))
        feishu += time.perf_counter() - began
        began = time.perf_counter()
        render_text(message)
        text += time.perf_counter() - began
    count = max(1, len(models))
    print(
        f"render per digest: message model {1000 * built / count:.2f} ms, "
        f"Block Kit {1000 * slack / count:.2f} ms, Feishu card {1000 * feishu / count:.2f} ms, "
        f"text {1000 * text / count:.2f} ms ({len(models)} digests, "
        f"{sum(len(m.blocks) for m in models) / count:.0f} blocks each on average)"
    )
    engine.dispose()


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--people", type=int, default=10_000)
    parser.add_argument("--db", default="")
    args = parser.parse_args()
    url = args.db or f"sqlite:///{tempfile.mkdtemp()}/digests.db"
    started = time.perf_counter()
    seed(url, args.people)
    seconds = time.perf_counter() - started
    print(f"seeded {args.people} people, {4 * args.people} KRs in {seconds:.1f} s")
    engine = make_engine(url)
    queries = 0

    def count(*_: object) -> None:
        nonlocal queries
        queries += 1

    sa.event.listen(engine, "before_cursor_execute", count)
    started = time.perf_counter()
    digests = manager_digests(JobRun(engine, AppConfig(), NOW))
    elapsed = time.perf_counter() - started
    print(
        f"{url.split(':')[0]}: {digests} manager digests in {elapsed:.2f} s "
        f"({1000 * elapsed / max(1, digests):.2f} ms each); {queries} SQL statements = "
        f"{queries / max(1, digests):.2f} per digest (a fixed set of reads and one insert per "
        "batch of 200 managers)"
    )
    engine.dispose()
    render_times(url)


if __name__ == "__main__":
    main()
