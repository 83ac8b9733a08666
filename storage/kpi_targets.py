"""Setting a KPI target: one rule for app.yaml's `kpis[].targets`, `okrbot import kpi-targets`
and `/kpi target`, so all three end in the same rows after the same checks.

A target is for a scope (`company`, `department:NAME`, `person:EMAIL`) and a period (`2026`,
`2026-Q4`, `2026-11`; none = every period). Its thresholds must lie on the bad side of the
target (a loss rate's warning above its target, a sales target's warning below), critical beyond
warning. It joins the cascade by itself: a person's target supports their department's (or the
company's), a department's its parent department's (or the company's). A child that does not
support its parent — a workshop allowed a higher loss rate than the company — is saved and
flagged, since HR may mean it; for KPIs that add up (sum) children split the parent, so only the
direction of averages and lasts is checked.
"""

from __future__ import annotations

from dataclasses import dataclass

from sqlmodel import Session, col, select

from storage import periods
from storage.kpi_math import is_worse
from storage.kpi_target_rules import (
    TargetError,
    check_period,
    check_thresholds,
    parse_scope_text,
)
from storage.models import (
    Aggregation,
    Department,
    KpiDefinition,
    KpiScope,
    KpiTarget,
    Person,
    Platform,
)
from storage.repos import audit, kpis, people


@dataclass(frozen=True)
class TargetSpec:
    """A target as written: by KPI code, scope text and period label (None: every period)."""

    code: str
    scope: str
    target: float
    warning: float | None = None
    critical: float | None = None
    period: str | None = None


@dataclass(frozen=True)
class TargetSet:
    """What setting a target did; `unsupported` names the parent it does not support."""

    target: KpiTarget
    kpi: KpiDefinition
    created: bool
    changed: bool
    unsupported: KpiTarget | None


@dataclass(frozen=True)
class Scope:
    kind: KpiScope
    department: Department | None = None
    person: Person | None = None


def resolve_scope(session: Session, workspace_id: int, text: str) -> Scope:
    """The department or person a scope text names in this workspace."""
    kind, name = parse_scope_text(text)
    if kind is KpiScope.COMPANY:
        return Scope(kind)
    if kind is KpiScope.DEPARTMENT:
        department = people.department_by_name(
            session=session, workspace_id=workspace_id, name=name
        )
        if department is None:
            raise TargetError("unknown_department", name=name)
        return Scope(kind, department=department)
    person = people.get_by_email(session=session, workspace_id=workspace_id, email=name)
    if person is None:
        raise TargetError("unknown_person", email=name)
    return Scope(kind, person=person)


def set_target(
    *,
    session: Session,
    workspace_id: int,
    spec: TargetSpec,
    actor_id: int | None,
    platform: Platform,
) -> TargetSet:
    """Create or change the target of (KPI, scope, period) in the caller's transaction."""
    kpi = kpis.by_code(session=session, workspace_id=workspace_id, code=spec.code.upper())
    if kpi is None:
        raise TargetError("unknown_kpi", code=spec.code)
    period = check_period(spec.period)
    check_thresholds(kpi.direction, spec.target, spec.warning, spec.critical)
    scope = resolve_scope(session, workspace_id, spec.scope)
    department_id = scope.department.id if scope.department else None
    person_id = scope.person.id if scope.person else None
    existing = [
        t
        for t in kpis.scope_targets(
            session=session,
            workspace_id=workspace_id,
            kpi_id=kpi.id or 0,
            scope=scope.kind,
            department_id=department_id,
            person_id=person_id,
        )
        if t.period == period
    ]
    row = existing[0] if existing else None
    before = _values(row) if row is not None else None
    if row is None:
        row = KpiTarget(
            workspace_id=workspace_id,
            kpi_id=kpi.id or 0,
            scope=scope.kind,
            department_id=department_id,
            person_id=person_id,
            period=period,
            target=spec.target,
        )
    row.target, row.warning, row.critical = spec.target, spec.warning, spec.critical
    parent = _parent(session, workspace_id, kpi, scope, period)
    row.parent_id = parent.id if parent is not None else None
    session.add(row)
    session.flush()
    _adopt_children(session, workspace_id, kpi, row, scope)
    after = _values(row)
    if after != before:
        audit.record(
            session=session,
            workspace_id=workspace_id,
            actor_id=actor_id,
            platform=platform,
            action="kpi_target_set",
            entity_type="kpi_target",
            entity_id=row.id,
            entity_ref=f"{kpi.code} {spec.scope} {period}"[:64],
            before=before,
            after=after,
        )
    unsupported = parent if parent is not None and not supports(kpi, row, parent) else None
    return TargetSet(row, kpi, before is None, after != before, unsupported)


def supports(kpi: KpiDefinition, child: KpiTarget, parent: KpiTarget) -> bool:
    """Whether meeting the child's target helps meet the parent's: for averages and lasts, the
    child's target is at least as demanding; parts of a sum split their parent, always fine."""
    if kpi.aggregation is Aggregation.SUM:
        return True
    return not is_worse(kpi.direction, child.target, parent.target)


def _values(row: KpiTarget) -> dict[str, object]:
    return {
        "target": row.target,
        "warning": row.warning,
        "critical": row.critical,
        "period": row.period,
    }


def _covering(candidates: list[KpiTarget], period: str) -> KpiTarget | None:
    """The narrowest of the candidates whose period contains `period`."""
    covering = [t for t in candidates if periods.contains(t.period, period)]
    if not covering:
        return None
    return min(covering, key=lambda t: periods.bounds(t.period)[1] - periods.bounds(t.period)[0])


def _parent(
    session: Session, workspace_id: int, kpi: KpiDefinition, scope: Scope, period: str
) -> KpiTarget | None:
    """The target this one supports: the department's (walking up the departments), else the
    company's, covering the same period."""
    if scope.kind is KpiScope.COMPANY:
        return None
    all_targets = kpis.targets(session=session, workspace_id=workspace_id, kpi_id=kpi.id or 0)
    department_id = (
        scope.person.department_id
        if scope.person is not None
        else (scope.department.parent_id if scope.department is not None else None)
    )
    seen: set[int] = set()
    while department_id is not None and department_id not in seen:
        seen.add(department_id)
        found = _covering(
            [
                t
                for t in all_targets
                if t.scope is KpiScope.DEPARTMENT and t.department_id == department_id
            ],
            period,
        )
        if found is not None:
            return found
        department = session.get(Department, department_id)
        department_id = department.parent_id if department is not None else None
    return _covering([t for t in all_targets if t.scope is KpiScope.COMPANY], period)


def _adopt_children(
    session: Session, workspace_id: int, kpi: KpiDefinition, row: KpiTarget, scope: Scope
) -> None:
    """Targets set before this one that it now stands above (set bottom-up, the cascade
    still forms): each is re-linked to its nearest parent."""
    if scope.kind is KpiScope.PERSON:
        return
    for child in kpis.targets(session=session, workspace_id=workspace_id, kpi_id=kpi.id or 0):
        if child.id == row.id or child.scope is KpiScope.COMPANY:
            continue
        child_scope = Scope(
            child.scope,
            department=session.get(Department, child.department_id)
            if child.department_id
            else None,
            person=session.get(Person, child.person_id) if child.person_id else None,
        )
        parent = _parent(session, workspace_id, kpi, child_scope, child.period)
        new_parent = parent.id if parent is not None else None
        if child.parent_id != new_parent:
            child.parent_id = new_parent
            session.add(child)
    session.flush()


def targets_without(session: Session, workspace_id: int) -> list[KpiDefinition]:
    """The workspace's KPIs that have no target at all."""
    with_targets = select(KpiTarget.kpi_id).where(KpiTarget.workspace_id == workspace_id)
    query = select(KpiDefinition).where(
        KpiDefinition.workspace_id == workspace_id,
        col(KpiDefinition.id).not_in(with_targets),
    )
    return list(session.exec(query.order_by(col(KpiDefinition.code))))
