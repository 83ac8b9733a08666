"""Load what the insights compute on, in a few set queries whatever the workspace's size:
key results with their check-in history, and department / company KPI reading series.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Hashable
from dataclasses import dataclass, field
from datetime import date, datetime
from functools import cache

import sqlalchemy as sa
from sqlmodel import Session, col, select

from digests.insights.forecast import KrSeries
from storage import periods
from storage.models import (
    CheckIn,
    Confidence,
    Cycle,
    CycleState,
    Department,
    Direction,
    KeyResult,
    KpiDefinition,
    KpiReading,
    KpiScope,
    Metric,
    Objective,
    OwnerType,
    Person,
)
from storage.repos.schedule import CLOSED_OBJECTIVES

COMPANY: Hashable = ("company",)


def department_group(department_id: int | None) -> Hashable:
    """The pairing group of a department (None: no department, never paired)."""
    return ("department", department_id) if department_id is not None else None


@dataclass
class KrRecord:
    """A key result with its owner, its department group and its check-ins."""

    id: int
    number: int
    title: str
    unit: str | None
    owner_id: int
    owner_active: bool
    department_id: int | None  # the owner's department, or the objective's
    group: Hashable
    cycle_end: date
    series: KrSeries


@dataclass(frozen=True)
class KpiSeries:
    """One department's (or the company's) readings of a KPI: (last day of period, value)."""

    kpi_id: int
    code: str
    name: str
    name_zh: str | None
    aggregation: str
    department_id: int | None
    group: Hashable
    readings: list[tuple[date, float]] = field(default_factory=list)


def _kr_query(workspace_id: int, cycle_id: int | None) -> sa.Select[int | None]:
    """Ids of the key results in scope: one cycle's, or active cycles' open objectives'."""
    query = (
        sa.select(col(KeyResult.id))
        .join(Objective, col(Objective.id) == col(KeyResult.objective_id))
        .join(Cycle, col(Cycle.id) == col(Objective.cycle_id))
        .where(
            col(KeyResult.workspace_id) == workspace_id,
            col(Objective.status).not_in(CLOSED_OBJECTIVES),
        )
    )
    if cycle_id is None:
        return query.where(col(Cycle.state) == CycleState.ACTIVE)
    return query.where(col(Objective.cycle_id) == cycle_id)


def key_results(
    *,
    session: Session,
    workspace_id: int,
    cycle_id: int | None = None,
    owner_ids: list[int] | None = None,
    kr_ids: list[int] | None = None,
) -> list[KrRecord]:
    """KRs of active cycles (or of `cycle_id`), optionally only some owners' or some ids, with
    their check-ins oldest first. Two queries."""
    scope = _kr_query(workspace_id, cycle_id)
    if owner_ids is not None:
        scope = scope.where(col(KeyResult.owner_id).in_(owner_ids))
    if kr_ids is not None:
        scope = scope.where(col(KeyResult.id).in_(kr_ids))
    kr_rows = session.execute(
        sa.select(
            col(KeyResult.id),
            col(KeyResult.number),
            col(KeyResult.title),
            col(KeyResult.unit),
            col(KeyResult.metric),
            col(KeyResult.start_value),
            col(KeyResult.target_value),
            col(KeyResult.direction),
            col(KeyResult.confidence),
            col(KeyResult.owner_id),
            col(Objective.owner_type),
            col(Objective.owner_department_id),
            col(Person.department_id),
            col(Cycle.start_date),
            col(Cycle.end_date),
            col(Person.active),
        )
        .join(Objective, col(Objective.id) == col(KeyResult.objective_id))
        .join(Cycle, col(Cycle.id) == col(Objective.cycle_id))
        .join(Person, col(Person.id) == col(KeyResult.owner_id))
        .where(col(KeyResult.id).in_(scope.scalar_subquery()))
        .order_by(col(KeyResult.number))
    ).all()
    check_ins: dict[int, list[tuple[datetime, float]]] = defaultdict(list)
    for kr_id, created, value in session.execute(
        sa.select(col(CheckIn.key_result_id), col(CheckIn.created_at), col(CheckIn.value))
        # The KRs are the workspace's already; a second filter on check_in.workspace_id only
        # tempts PostgreSQL into ANDing a workspace-wide index scan into every lookup.
        .where(col(CheckIn.key_result_id).in_(scope.scalar_subquery()))
        .order_by(col(CheckIn.key_result_id), col(CheckIn.created_at), col(CheckIn.id))
    ):
        check_ins[kr_id].append((created, value))
    records = []
    for row in kr_rows:
        owner_type = OwnerType(row[10])
        department_id = row[11] if owner_type is OwnerType.DEPARTMENT else row[12]
        group = COMPANY if owner_type is OwnerType.COMPANY else department_group(department_id)
        series = KrSeries(
            metric=Metric(row[4]),
            start=row[5],
            target=row[6],
            direction=Direction(row[7]),
            confidence=Confidence(row[8]),
            cycle_start=row[13],
            cycle_end=row[14],
            check_ins=check_ins.get(row[0], []),
        )
        records.append(
            KrRecord(
                row[0],
                row[1],
                row[2],
                row[3],
                row[9],
                bool(row[15]),
                department_id,
                group,
                row[14],
                series,
            )
        )
    return records


@cache
def period_end(label: str) -> date | None:
    """The last day of a period label (None when it does not parse)."""
    try:
        return periods.bounds(label)[1]
    except periods.PeriodError:
        return None


def kpi_series(*, session: Session, workspace_id: int, since: date, until: date) -> list[KpiSeries]:
    """Company and department readings of every KPI whose period ends in [since, until]."""
    rows = session.execute(
        sa.select(
            col(KpiReading.kpi_id),
            col(KpiReading.scope),
            col(KpiReading.department_id),
            col(KpiReading.period),
            col(KpiReading.value),
            col(KpiDefinition.code),
            col(KpiDefinition.name),
            col(KpiDefinition.name_zh),
            col(KpiDefinition.aggregation),
        )
        .join(KpiDefinition, col(KpiDefinition.id) == col(KpiReading.kpi_id))
        .where(
            col(KpiReading.workspace_id) == workspace_id,
            col(KpiReading.scope).in_([KpiScope.COMPANY, KpiScope.DEPARTMENT]),
        )
        .order_by(col(KpiReading.id))
    ).all()
    found: dict[tuple[int, int | None], KpiSeries] = {}
    for kpi_id, scope, department_id, period, value, code, name, name_zh, aggregation in rows:
        day = period_end(period)
        if day is None or not since <= day <= until:
            continue
        company = KpiScope(scope) is KpiScope.COMPANY
        key = (kpi_id, None if company else department_id)
        if key not in found:
            group = COMPANY if company else department_group(department_id)
            found[key] = KpiSeries(kpi_id, code, name, name_zh, str(aggregation), key[1], group, [])
        found[key].readings.append((day, value))
    return list(found.values())


def department_names(*, session: Session, workspace_id: int) -> dict[int, str]:
    """Department id → name."""
    rows = session.exec(select(Department).where(Department.workspace_id == workspace_id))
    return {d.id: d.name for d in rows if d.id is not None}
