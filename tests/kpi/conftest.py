"""A small company with the demo's KPI cascades, on each database engine."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

import pytest
from sqlmodel import Session

from storage.models import (
    Aggregation,
    KpiDefinition,
    KpiDirection,
    KpiScope,
    KpiTarget,
    Person,
    Role,
    Workspace,
)
from tests import factories


@dataclass
class KpiCompany:
    workspace: Workspace
    wei: Person
    jun: Person
    hao: Person
    mei: Person
    lina: Person
    ana: Person
    tao: Person
    loss: KpiDefinition
    sales: KpiDefinition
    targets: dict[str, KpiTarget]


def _target(
    session: Session, kpi: KpiDefinition, scope: KpiScope, target: float, **kw: Any
) -> KpiTarget:
    row = KpiTarget(
        workspace_id=kpi.workspace_id,
        kpi_id=kpi.id,
        scope=scope,
        period="2026-Q4",
        target=target,
        **kw,
    )
    session.add(row)
    session.flush()
    return row


@pytest.fixture
def kc(session: Session) -> KpiCompany:
    ws = factories.workspace(session, "acme", timezone="Asia/Shanghai")
    shop = factories.department(session, ws, "Machining Workshop")
    sales_dept = factories.department(session, ws, "Sales")
    wei = factories.person(session, ws, "wei@acme.com", "Wei Zhang", role=Role.ADMIN)
    jun = factories.person(
        session,
        ws,
        "jun@acme.com",
        "Jun Li",
        role=Role.MANAGER,
        manager_id=wei.id,
        department_id=shop.id,
    )
    hao = factories.person(
        session,
        ws,
        "hao@acme.com",
        "Hao Wang",
        manager_id=jun.id,
        department_id=shop.id,
        locale="zh-CN",
    )
    mei = factories.person(
        session, ws, "mei@acme.com", "Mei Chen", manager_id=jun.id, department_id=shop.id
    )
    lina = factories.person(
        session,
        ws,
        "lina@acme.com",
        "Lina Zhou",
        role=Role.MANAGER,
        manager_id=wei.id,
        department_id=sales_dept.id,
    )
    ana = factories.person(
        session, ws, "ana@acme.com", "Ana Lima", manager_id=lina.id, department_id=sales_dept.id
    )
    tao = factories.person(
        session, ws, "tao@acme.com", "Tao Wu", manager_id=lina.id, department_id=sales_dept.id
    )
    shop.head_person_id, sales_dept.head_person_id = jun.id, lina.id
    loss = KpiDefinition(
        workspace_id=ws.id,
        code="LOSS_RATE",
        name="Loss rate",
        name_zh="损耗率",
        unit="%",
        direction=KpiDirection.LOWER_IS_BETTER,
        aggregation=Aggregation.AVG,
        owner_id=wei.id,
    )
    sales = KpiDefinition(
        workspace_id=ws.id,
        code="MONTHLY_SALES",
        name="Monthly sales",
        name_zh="月销售额",
        unit="¥",
        direction=KpiDirection.HIGHER_IS_BETTER,
        aggregation=Aggregation.SUM,
        owner_id=lina.id,
    )
    session.add_all([shop, sales_dept, loss, sales])
    session.flush()
    t: dict[str, KpiTarget] = {}
    t["loss"] = _target(session, loss, KpiScope.COMPANY, 5, warning=5, critical=6)
    t["loss-shop"] = _target(
        session,
        loss,
        KpiScope.DEPARTMENT,
        4.5,
        warning=4.5,
        critical=5.5,
        department_id=shop.id,
        parent_id=t["loss"].id,
    )
    t["loss-hao"] = _target(
        session,
        loss,
        KpiScope.PERSON,
        4,
        warning=4,
        critical=5,
        person_id=hao.id,
        parent_id=t["loss-shop"].id,
        weight=2,
    )
    t["loss-mei"] = _target(
        session,
        loss,
        KpiScope.PERSON,
        4,
        warning=4,
        critical=5,
        person_id=mei.id,
        parent_id=t["loss-shop"].id,
    )
    t["sales"] = _target(
        session, sales, KpiScope.COMPANY, 1_000_000, warning=900_000, critical=750_000
    )
    t["sales-ana"] = _target(
        session,
        sales,
        KpiScope.PERSON,
        400_000,
        warning=360_000,
        critical=300_000,
        person_id=ana.id,
        parent_id=t["sales"].id,
    )
    t["sales-tao"] = _target(
        session,
        sales,
        KpiScope.PERSON,
        350_000,
        warning=315_000,
        critical=262_500,
        person_id=tao.id,
        parent_id=t["sales"].id,
    )
    t["sales-hao"] = _target(session, sales, KpiScope.PERSON, 100_000, person_id=hao.id)
    session.commit()
    return KpiCompany(ws, wei, jun, hao, mei, lina, ana, tao, loss, sales, t)
