"""What a manager can act on from their digest: the team's open KPI alerts and the goals
waiting for their approval. Each loader reads a whole batch of managers in a fixed number of
queries; the sections (in digest_manager) pick one manager's share."""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Collection, Mapping
from typing import Any, Protocol

from sqlmodel import Session, col, select

from digests.formatting import number
from storage.id_lists import among
from storage.models import (
    AlertState,
    ApprovalRequest,
    ApprovalStatus,
    Department,
    KpiAlert,
    KpiDefinition,
    KpiScope,
    Objective,
    Person,
)


def _person_names(session: Session, ids: set[int]) -> dict[int, str]:
    if not ids:
        return {}
    return {p.id or 0: p.name for p in session.exec(select(Person).where(col(Person.id).in_(ids)))}


def _department_names(session: Session, ids: set[int]) -> dict[int, str]:
    if not ids:
        return {}
    rows = session.exec(select(Department).where(col(Department.id).in_(ids)))
    return {d.id or 0: d.name for d in rows}


class _Named(Protocol):
    @property
    def name(self) -> str: ...


def open_alerts(
    *,
    session: Session,
    workspace_id: int,
    owner_ids: Collection[int],
    people: Mapping[int, _Named],
) -> dict[int, list[dict[str, Any]]]:
    """Open, unacknowledged KPI alerts by owner, newest first (at most four queries)."""
    alerts = list(
        session.exec(
            select(KpiAlert)
            .where(
                KpiAlert.workspace_id == workspace_id,
                KpiAlert.state == AlertState.OPEN,
                col(KpiAlert.acknowledged_at).is_(None),
                among(session, col(KpiAlert.owner_id), owner_ids),
            )
            .order_by(col(KpiAlert.id).desc())
        )
    )
    if not alerts:
        return {}
    kpis = {
        k.id: k
        for k in session.exec(
            select(KpiDefinition).where(col(KpiDefinition.id).in_({a.kpi_id for a in alerts}))
        )
    }
    departments = _department_names(
        session, {a.department_id for a in alerts if a.department_id is not None}
    )
    names = {pid: p.name for pid, p in people.items()}
    wanted = {a.person_id for a in alerts if a.person_id is not None}
    names |= _person_names(session, wanted - set(names))
    found: dict[int, list[dict[str, Any]]] = defaultdict(list)
    for alert in alerts:
        kpi = kpis.get(alert.kpi_id)
        if kpi is None or alert.owner_id is None:
            continue
        if alert.scope is KpiScope.DEPARTMENT:
            scope = departments.get(alert.department_id or 0, "?")
        elif alert.scope is KpiScope.PERSON:
            scope = names.get(alert.person_id or 0, "?")
        else:
            scope = ""  # the company: named in the reader's language by the template
        found[alert.owner_id].append(
            {
                "id": alert.id,
                "code": kpi.code,
                "scope": scope,
                "value": number(alert.value, kpi.unit),
                "level": alert.level,
                "period": alert.period,
            }
        )
    return dict(found)


def pending_approvals(
    *, session: Session, workspace_id: int, approver_ids: list[int], people: Mapping[int, _Named]
) -> dict[int, list[dict[str, Any]]]:
    """Pending approval requests by approver, oldest first (at most three queries)."""
    requests = list(
        session.exec(
            select(ApprovalRequest)
            .where(
                ApprovalRequest.workspace_id == workspace_id,
                ApprovalRequest.status == ApprovalStatus.PENDING,
                col(ApprovalRequest.approver_id).in_(approver_ids),
            )
            .order_by(col(ApprovalRequest.id))
        )
    )
    if not requests:
        return {}
    objectives = {
        o.id: o
        for o in session.exec(
            select(Objective).where(col(Objective.id).in_({r.objective_id for r in requests}))
        )
    }
    names = {pid: p.name for pid, p in people.items()}
    names |= _person_names(session, {r.requester_id for r in requests} - set(names))
    found: dict[int, list[dict[str, Any]]] = defaultdict(list)
    for request in requests:
        objective = objectives.get(request.objective_id)
        if objective is None or request.approver_id is None:
            continue
        found[request.approver_id].append(
            {
                "id": request.id,
                "kind": request.kind.value,
                "ref": f"O-{objective.number}",
                "title": objective.title,
                "owner": names.get(request.requester_id, "?"),
            }
        )
    return dict(found)
