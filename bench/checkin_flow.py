"""The check-in paths and the flow expiry job, timed.

A person with K key results checks in three ways through the real core: the guided
`/okr checkin` (1 + K requests, one line per KR), one `/okr update` line naming every KR, and
the one-form check-in (open the form, submit it: a page of up to 15 KRs per submit); then N
people each leave a flow idle and the `flow_expiry` job closes them all (and a second run finds
nothing). Prints milliseconds and SQL statements per request, and the job's time.

Run: .venv/bin/python bench/checkin_flow.py [--krs 5] [--idle 2000] [--db URL]
"""

from __future__ import annotations

import argparse
import statistics
import sys
import tempfile
import time
from datetime import UTC, date, datetime, timedelta
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

import sqlalchemy as sa  # noqa: E402

from bot.config import AppConfig  # noqa: E402
from bot.core import Core, Inbound  # noqa: E402
from bot.scheduler.context import JobRun  # noqa: E402
from bot.scheduler.registry import JOBS  # noqa: E402
from bot.text import render_text  # noqa: E402
from commands.actions import Action  # noqa: E402
from digests.message import Form, Message  # noqa: E402
from storage import clock, migrate  # noqa: E402
from storage.db import make_engine, session_scope  # noqa: E402
from storage.models import (  # noqa: E402
    Cycle,
    CycleState,
    FlowRun,
    KeyResult,
    Objective,
    ObjectiveStatus,
    OwnerType,
    Person,
    Platform,
    Workspace,
)

NOW = datetime(2026, 11, 23, 9, 0, tzinfo=UTC)


def seed(url: str, krs: int, idle: int) -> tuple[int, int]:
    """One workspace: person 1 owns `krs` KRs; `idle` more people each have an idle flow."""
    engine = make_engine(url)
    migrate.upgrade(engine)
    with session_scope(engine) as session:
        ws = Workspace(slug="bench", name="Bench", platform=Platform.CONSOLE, external_id="b")
        session.add(ws)
        session.flush()
        assert ws.id is not None
        cycle = Cycle(
            workspace_id=ws.id,
            name="2026-Q4",
            start_date=date(2026, 10, 1),
            end_date=date(2026, 12, 31),
            state=CycleState.ACTIVE,
        )
        people = [
            Person(workspace_id=ws.id, email=f"p{n}@bench.example", name=f"Person {n}")
            for n in range(idle + 1)
        ]
        session.add_all([cycle, *people])
        session.flush()
        owner = people[0]
        objective = Objective(
            workspace_id=ws.id,
            number=1,
            cycle_id=cycle.id or 0,
            title="Grow",
            owner_type=OwnerType.PERSON,
            owner_person_id=owner.id,
            status=ObjectiveStatus.APPROVED,
        )
        session.add(objective)
        session.flush()
        session.add_all(
            KeyResult(
                workspace_id=ws.id,
                number=n + 1,
                objective_id=objective.id or 0,
                title=f"Result {n + 1}",
                target_value=100,
                current_value=10,
                owner_id=owner.id or 0,
            )
            for n in range(krs)
        )
        session.add_all(
            FlowRun(
                workspace_id=ws.id,
                person_id=p.id or 0,
                flow="okr_checkin",
                state="value",
                data='{"krs": [1], "index": 0, "answers": []}',
                started_at=NOW,
                updated_at=NOW,
                expires_at=NOW + timedelta(days=1),
            )
            for p in people[1:]
        )
        assert owner.id is not None
        result = ws.id, owner.id
    engine.dispose()
    return result


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--krs", type=int, default=5)
    parser.add_argument("--idle", type=int, default=2000)
    parser.add_argument("--db", default=None)
    args = parser.parse_args()
    url = args.db or f"sqlite:///{Path(tempfile.mkdtemp()) / 'bench.db'}"
    wid, person_id = seed(url, args.krs, args.idle)
    engine = make_engine(url)
    clock.set_clock(clock.ManualClock(NOW))  # the bench runs on its own day
    core = Core(engine)
    statements = 0

    def count(*_: object) -> None:
        nonlocal statements
        statements += 1

    sa.event.listen(engine, "before_cursor_execute", count)

    def timed(inbound: Inbound) -> tuple[Message, float, int]:
        nonlocal statements
        statements = 0
        started = time.perf_counter()
        reply = core.handle(inbound)
        return reply, (time.perf_counter() - started) * 1000, statements

    answers = ["/okr checkin"] + [f"{40 + n % 50} at risk supplier late" for n in range(args.krs)]
    runs = [timed(Inbound(Platform.CONSOLE, wid, person_id, text)) for text in answers]
    reply, times, sqls = runs[-1][0], [r[1] for r in runs], [r[2] for r in runs]
    assert "Check-in recorded" in render_text(reply), render_text(reply)
    print(f"database: {url.split('://')[0]}")
    print(
        f"guided check-in over {args.krs} KRs: {len(answers)} requests, "
        f"median {statistics.median(times):.1f} ms, max {max(times):.1f} ms, "
        f"last (records all) {times[-1]:.1f} ms; SQL per answer median "
        f"{statistics.median(sqls):.0f}, last {sqls[-1]}"
    )
    line = "/okr update " + ", ".join(f"KR-{n + 1} {50 + n % 40}" for n in range(args.krs))
    reply, ms, sql = timed(Inbound(Platform.CONSOLE, wid, person_id, line))
    assert "Check-in recorded" in render_text(reply), render_text(reply)
    print(f"one /okr update line over {args.krs} KRs: {ms:.1f} ms, {sql} SQL statements")
    opened, open_ms, open_sql = timed(
        Inbound(Platform.SLACK, wid, person_id, action=Action("checkin.form", ""))
    )
    submits, pages = 0, list[tuple[float, int]]()
    while True:
        form = next(b for b in opened.blocks if isinstance(b, Form))
        values = {i.name: "61" if i.name.endswith("_value") else i.initial for i in form.inputs}
        submit = Action("checkin.submit_all", form.buttons[0].value, values)
        opened, ms, sql = timed(Inbound(Platform.SLACK, wid, person_id, action=submit))
        submits, pages = submits + 1, [*pages, (ms, sql)]
        if not any(isinstance(b, Form) for b in opened.blocks):
            break
    assert "Check-in recorded" in render_text(opened), render_text(opened)
    print(
        f"one-form check-in over {args.krs} KRs: open {open_ms:.1f} ms ({open_sql} SQL), "
        f"{submits} submit(s): " + ", ".join(f"{ms:.1f} ms ({sql} SQL)" for ms, sql in pages)
    )
    later = NOW + timedelta(days=2)
    for label in ("first run", "second run"):
        started = time.perf_counter()
        told = JOBS["flow_expiry"].run(JobRun(engine, AppConfig(), later))
        elapsed = time.perf_counter() - started
        print(f"flow_expiry {label}: {told} people told in {elapsed * 1000:.0f} ms")
    engine.dispose()


if __name__ == "__main__":
    main()
