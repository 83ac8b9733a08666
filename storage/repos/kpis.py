"""KPI definitions, targets and readings."""

from __future__ import annotations

from collections.abc import Sequence

from sqlmodel import Session, col, select

from storage import periods
from storage.models import KpiDefinition, KpiReading, KpiScope, KpiTarget


def by_code(*, session: Session, workspace_id: int, code: str) -> KpiDefinition | None:
    """A KPI definition by its code (case-insensitive)."""
    query = select(KpiDefinition).where(
        KpiDefinition.workspace_id == workspace_id, KpiDefinition.code == code.strip().upper()
    )
    return session.exec(query).first()


def list_definitions(*, session: Session, workspace_id: int) -> list[KpiDefinition]:
    """The whole indicator library, by code."""
    query = (
        select(KpiDefinition)
        .where(KpiDefinition.workspace_id == workspace_id)
        .order_by(col(KpiDefinition.code))
    )
    return list(session.exec(query))


def targets(*, session: Session, workspace_id: int, kpi_id: int) -> list[KpiTarget]:
    """All targets of one KPI, company level first."""
    query = (
        select(KpiTarget)
        .where(KpiTarget.workspace_id == workspace_id, KpiTarget.kpi_id == kpi_id)
        .order_by(col(KpiTarget.parent_id).is_not(None), col(KpiTarget.id))
    )
    return list(session.exec(query))


def scope_targets(
    *,
    session: Session,
    workspace_id: int,
    kpi_id: int,
    scope: KpiScope,
    department_id: int | None,
    person_id: int | None,
) -> list[KpiTarget]:
    """The targets of one scope of a KPI (each period it was set for), in `targets` order."""
    query = (
        select(KpiTarget)
        .where(
            KpiTarget.workspace_id == workspace_id,
            KpiTarget.kpi_id == kpi_id,
            KpiTarget.scope == scope,
            KpiTarget.department_id == department_id,
            KpiTarget.person_id == person_id,
        )
        .order_by(col(KpiTarget.parent_id).is_not(None), col(KpiTarget.id))
    )
    return list(session.exec(query))


def person_targets(*, session: Session, workspace_id: int, person_id: int) -> list[KpiTarget]:
    """The targets set for one person, across KPIs."""
    query = select(KpiTarget).where(
        KpiTarget.workspace_id == workspace_id,
        KpiTarget.scope == KpiScope.PERSON,
        KpiTarget.person_id == person_id,
    )
    return list(session.exec(query))


def target_for_period(candidates: Sequence[KpiTarget], period: str) -> KpiTarget | None:
    """The narrowest target whose period contains `period`."""
    covering = [t for t in candidates if periods.contains(t.period, period)]
    if not covering:
        return None
    return min(covering, key=lambda t: periods.bounds(t.period)[1] - periods.bounds(t.period)[0])


def narrowest_per_scope(targets: Sequence[KpiTarget]) -> list[KpiTarget]:
    """One target a scope: the one of the narrowest period (a month's over the year's, the
    year's over one set for every period), in the given order."""
    chosen: dict[tuple[object, ...], KpiTarget] = {}
    for target in targets:
        key = (target.scope, target.department_id, target.person_id)
        held = chosen.get(key)
        if held is None or _span(target) < _span(held):
            chosen[key] = target
    kept = {id(t) for t in chosen.values()}
    return [t for t in targets if id(t) in kept]


def _span(target: KpiTarget) -> int:
    start, end = periods.bounds(target.period)
    return (end - start).days


def readings_for_scope(
    *,
    session: Session,
    workspace_id: int,
    kpi_id: int,
    scope: KpiScope,
    department_id: int | None,
    person_id: int | None,
    limit: int = 12,
) -> list[KpiReading]:
    """The newest readings of one scope, newest first."""
    query = (
        select(KpiReading)
        .where(
            KpiReading.workspace_id == workspace_id,
            KpiReading.kpi_id == kpi_id,
            KpiReading.scope == scope,
            KpiReading.department_id == department_id,
            KpiReading.person_id == person_id,
        )
        .order_by(col(KpiReading.period).desc(), col(KpiReading.id).desc())
        .limit(limit)
    )
    return list(session.exec(query))
