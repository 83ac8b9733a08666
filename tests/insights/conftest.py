"""A small company with a planted forecast case, approvals and a KPI alert, on both engines.

Ana's KR "New-customer conversion" (0 → 80 over 2026-Q4) was checked in every week exactly on
a line of 0.5 a day, and she still says on track: at this pace 46 of 80 by Dec 31.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, datetime, timedelta

import pytest
from sqlalchemy.engine import Engine
from sqlmodel import Session

from storage.models import (
    ApprovalRequest,
    CheckIn,
    Confidence,
    KeyResult,
    KpiAlert,
    KpiDefinition,
    KpiDirection,
    KpiReading,
    KpiScope,
    KpiTarget,
    Person,
    Role,
)
from storage.models.flows import ApprovalStatus
from tests import factories

NOW = datetime(2026, 11, 25, 9, 0, tzinfo=UTC)  # a Wednesday
CYCLE_START = datetime(2026, 10, 1, tzinfo=UTC)


@dataclass
class Company:
    hr: Person
    hr_zh: Person
    boss: Person
    ana: Person
    oli: Person
    conversion: KeyResult
    on_pace: KeyResult


def check_ins(session: Session, kr: KeyResult, days: list[float], per_day: float) -> None:
    for day in days:
        session.add(
            CheckIn(
                workspace_id=kr.workspace_id,
                key_result_id=kr.id,
                person_id=kr.owner_id,
                value=per_day * day,
                previous_value=0,
                confidence=kr.confidence,
                created_at=CYCLE_START + timedelta(days=day),
            )
        )
    kr.current_value = per_day * days[-1]
    kr.updated_at = CYCLE_START + timedelta(days=days[-1])
    session.add(kr)


@pytest.fixture
def company(session: Session) -> Company:
    ws = factories.workspace(session, "acme", timezone="UTC")
    sales = factories.department(session, ws, "Sales")
    ops = factories.department(session, ws, "Ops")
    hr = factories.person(session, ws, "hr@example.com", "Hana HR", role=Role.HR_ADMIN)
    hr_zh = factories.person(
        session, ws, "zhou@example.com", "Zhou Jing", role=Role.ADMIN, locale="zh-CN"
    )
    boss = factories.person(
        session, ws, "boss@example.com", "Bea Boss", role=Role.MANAGER, department_id=sales.id
    )
    ana = factories.person(
        session, ws, "ana@example.com", "Ana Lima", manager_id=boss.id, department_id=sales.id
    )
    oli = factories.person(
        session, ws, "oli@example.com", "Oli Ops", manager_id=boss.id, department_id=ops.id
    )
    cycle = factories.cycle(session, ws)
    win = factories.objective(session, ws, cycle, ana, "Win the EV segment")
    conversion = factories.key_result(
        session, win, ana, "New-customer conversion", start=0, target=80
    )
    check_ins(session, conversion, [7.0 * week for week in range(1, 8)], 0.5)
    risky = factories.key_result(
        session, win, ana, "Sign partners", target=5, confidence=Confidence.AT_RISK
    )
    risky.updated_at = CYCLE_START
    run = factories.objective(session, ws, cycle, oli, "Run the plant")
    on_pace = factories.key_result(session, run, oli, "Machine hours", start=0, target=92)
    check_ins(session, on_pace, [20.0, 40.0, 53.0], 1.0)  # 1 a day: 92 by the end
    session.add_all(
        [
            ApprovalRequest(
                workspace_id=ws.id,
                objective_id=win.id,
                requester_id=ana.id,
                approver_id=boss.id,
                status=ApprovalStatus.APPROVED,
                created_at=NOW - timedelta(days=10),
                decided_at=NOW - timedelta(days=10) + timedelta(hours=30),
            ),
            ApprovalRequest(
                workspace_id=ws.id,
                objective_id=run.id,
                requester_id=oli.id,
                approver_id=boss.id,
                created_at=NOW - timedelta(days=1),
            ),
        ]
    )
    kpi = KpiDefinition(
        workspace_id=ws.id, code="LOSS", name="Loss rate", direction=KpiDirection.LOWER_IS_BETTER
    )
    session.add(kpi)
    session.flush()
    target = KpiTarget(
        workspace_id=ws.id,
        kpi_id=kpi.id,
        scope=KpiScope.DEPARTMENT,
        department_id=ops.id,
        period="2026-11",
        target=4,
        warning=4.5,
    )
    reading = KpiReading(
        workspace_id=ws.id,
        kpi_id=kpi.id,
        scope=KpiScope.DEPARTMENT,
        department_id=ops.id,
        period="2026-11",
        value=4.7,
    )
    session.add_all([target, reading])
    session.flush()
    session.add(
        KpiAlert(
            workspace_id=ws.id,
            kpi_id=kpi.id,
            target_id=target.id,
            scope=KpiScope.DEPARTMENT,
            department_id=ops.id,
            level="warning",
            period="2026-11",
            value=4.7,
            threshold=4.5,
            reading_id=reading.id,
            created_at=NOW - timedelta(days=2),
        )
    )
    session.commit()
    return Company(hr, hr_zh, boss, ana, oli, conversion, on_pace)


@pytest.fixture
def chart_dir(tmp_path: object, monkeypatch: pytest.MonkeyPatch) -> object:
    """Charts go to the test's own directory, never a shared one."""
    monkeypatch.setenv("OKRBOT_CHART_DIR", str(tmp_path))
    return tmp_path


__all__ = ["NOW", "Company", "Engine"]
