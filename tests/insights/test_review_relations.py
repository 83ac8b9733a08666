"""The review report's relations section on a generated history, on both databases."""

from __future__ import annotations

import itertools
import random
from datetime import UTC, date, datetime, timedelta

import pytest
from sqlmodel import Session

from bot.text import render_text
from digests import review_report
from digests.insights.stats import spearman
from storage.models import (
    CheckIn,
    Confidence,
    Cycle,
    KeyResult,
    KpiDefinition,
    KpiDirection,
    KpiReading,
    KpiScope,
    Person,
    Workspace,
)
from tests import factories

FIRST_WEDNESDAY = datetime(2026, 10, 7, 9, tzinfo=UTC)  # ISO week 2026-W41


def weekly_check_ins(session: Session, kr: KeyResult, values: list[float]) -> None:
    for week, value in enumerate(values):
        session.add(
            CheckIn(
                workspace_id=kr.workspace_id,
                key_result_id=kr.id,
                person_id=kr.owner_id,
                value=value,
                previous_value=values[week - 1] if week else kr.start_value,
                confidence=Confidence.ON_TRACK,
                created_at=FIRST_WEDNESDAY + timedelta(weeks=week),
            )
        )


def weekly_readings(
    session: Session, kpi: KpiDefinition, department_id: int | None, values: list[float]
) -> None:
    for week, value in enumerate(values):
        session.add(
            KpiReading(
                workspace_id=kpi.workspace_id,
                kpi_id=kpi.id,
                scope=KpiScope.DEPARTMENT if department_id else KpiScope.COMPANY,
                department_id=department_id,
                period=f"2026-W{41 + week}",
                value=value,
            )
        )


def kpi(session: Session, ws: Workspace, code: str, name: str, name_zh: str) -> KpiDefinition:
    row = KpiDefinition(
        workspace_id=ws.id,
        code=code,
        name=name,
        name_zh=name_zh,
        direction=KpiDirection.HIGHER_IS_BETTER,
    )
    session.add(row)
    session.flush()
    return row


def report(session: Session, cycle: Cycle, person: Person, locale: str = "en") -> str:
    facts = review_report.load_facts(
        session=session,
        workspace_id=cycle.workspace_id,
        cycle=cycle,
        person_ids=[person.id or 0],
        visible=lambda objective: True,
        locale=locale,
        title=person.name,
    )
    return render_text(review_report.render_report(facts))


@pytest.fixture
def sales(session: Session) -> tuple[Cycle, Person, list[float], list[float]]:
    """Ana's conversion KR moved with Sales' satisfaction KPI for 12 weeks; a second Sales KPI
    is noise; the company's KPI is read only 5 weeks (too few)."""
    rng = random.Random(5)
    ws = factories.workspace(session, "acme")
    sales = factories.department(session, ws, "Sales")
    ana = factories.person(session, ws, "ana@example.com", "Ana Lima", department_id=sales.id)
    cycle = factories.cycle(session, ws)
    objective = factories.objective(session, ws, cycle, ana, "Win the EV segment")
    kr = factories.key_result(session, objective, ana, "New-customer conversion", target=100)
    steps = [rng.uniform(0, 8) for _ in range(12)]
    kr_values = [sum(steps[: i + 1]) for i in range(12)]
    weekly_check_ins(session, kr, kr_values)
    csat = [70 + 0.5 * v + rng.gauss(0, 0.4) for v in kr_values]
    weekly_readings(
        session, kpi(session, ws, "CSAT", "Customer satisfaction", "客户满意度"), sales.id, csat
    )
    noise = [rng.gauss(50, 5) for _ in range(12)]
    weekly_readings(
        session, kpi(session, ws, "NOISE", "Office temperature", "室温"), sales.id, noise
    )
    weekly_readings(session, kpi(session, ws, "REV", "Revenue", "营收"), None, kr_values[:5])
    session.commit()
    kr_changes = [b - a for a, b in itertools.pairwise(kr_values)]
    csat_changes = [b - a for a, b in itertools.pairwise(csat)]
    return cycle, ana, kr_changes, csat_changes


def test_planted_relation_appears_in_the_review_report(
    session: Session, sales: tuple[Cycle, Person, list[float], list[float]]
) -> None:
    cycle, ana, kr_changes, csat_changes = sales
    rho = spearman(kr_changes, csat_changes)
    assert rho is not None
    assert len(kr_changes) == 11
    text = report(session, cycle, ana)
    assert "KRs and KPIs that moved together" in text
    assert (
        f"Sales team's KR 'New-customer conversion' moved with KPI 'Customer satisfaction', "
        f"ρ = {rho:.2f} over 11 weeks (strong)" in text
    )
    assert "Office temperature" not in text  # a random series is not reported
    assert "Revenue" not in text  # company KPI, and only 5 weeks
    assert "not cause and effect" in text
    assert "caused" not in text


def test_relation_in_chinese(
    session: Session, sales: tuple[Cycle, Person, list[float], list[float]]
) -> None:
    cycle, ana, _, _ = sales
    text = report(session, cycle, ana, locale="zh-CN")
    assert "Sales团队的 KR「New-customer conversion」随 KPI「客户满意度」变化" in text
    assert "共 11 周（强相关）" in text


def test_too_short_a_history_is_never_reported(session: Session) -> None:
    ws = factories.workspace(session, "short")
    ops = factories.department(session, ws, "Ops")
    oli = factories.person(session, ws, "oli@example.com", "Oli Ops", department_id=ops.id)
    cycle = factories.cycle(session, ws, start_date=date(2026, 10, 1))
    objective = factories.objective(session, ws, cycle, oli, "Run the plant")
    kr = factories.key_result(session, objective, oli, "Machine hours", target=100)
    values = [1.0, 4.0, 2.0, 8.0, 9.0, 15.0]  # six weeks: five changes
    weekly_check_ins(session, kr, values)
    weekly_readings(
        session,
        kpi(session, ws, "OEE", "Equipment effectiveness", "设备综合效率"),
        ops.id,
        [v * 2 for v in values],
    )
    session.commit()
    text = report(session, cycle, oli)
    assert "moved with KPI" not in text
    assert "No KR moved with a KPI clearly enough to report" in text
