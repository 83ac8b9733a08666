"""The HR digest, by department: check-in completion over the last seven days, and approval
completion of the active cycle's objectives (three queries, counts only — no objective's title,
so a private objective shows as a number and nothing more)."""

from __future__ import annotations

from collections import Counter
from datetime import datetime, timedelta
from typing import Any

import sqlalchemy as sa
from sqlmodel import Session, col, select

from digests.insights import history
from storage.models import (
    CheckIn,
    Cycle,
    CycleState,
    Objective,
    ObjectiveStatus,
    OwnerType,
    Person,
)

# Objectives that count, and those of them that are through approval.
_COUNTED = (
    ObjectiveStatus.DRAFT,
    ObjectiveStatus.PENDING,
    ObjectiveStatus.APPROVED,
    ObjectiveStatus.CHANGES_REQUESTED,
)


def department_completion(
    *, session: Session, workspace_id: int, now: datetime
) -> list[dict[str, Any]]:
    """[{name, done, total, approved, objectives}] per department: people with a check-in in
    7 days as done; the active cycle's objectives (of its people, and its own) as approved."""
    names = history.department_names(session=session, workspace_id=workspace_id)
    recent = (
        select(CheckIn.person_id)
        .where(
            CheckIn.workspace_id == workspace_id, col(CheckIn.created_at) >= now - timedelta(days=7)
        )
        .distinct()
        .scalar_subquery()
    )
    rows = session.exec(
        select(Person.department_id, col(Person.id).in_(recent), sa.func.count())
        .where(Person.workspace_id == workspace_id, col(Person.active).is_(True))
        .group_by(col(Person.department_id), col(Person.id).in_(recent))
    )
    total: Counter[int | None] = Counter()
    done: Counter[int | None] = Counter()
    for department_id, checked, count in rows:
        total[department_id] += int(count)
        if checked:
            done[department_id] += int(count)
    approved, objectives = _approvals(session, workspace_id)
    return [
        {
            "name": names.get(d, "—") if d is not None else "—",
            "done": done[d],
            "total": total[d],
            "approved": approved[d],
            "objectives": objectives[d],
        }
        for d in sorted(set(total) | set(objectives), key=lambda d: names.get(d or 0, ""))
    ]


def _approvals(
    session: Session, workspace_id: int
) -> tuple[Counter[int | None], Counter[int | None]]:
    """Approved and all counted objectives of active cycles, by department (one query)."""
    approved: Counter[int | None] = Counter()
    counted: Counter[int | None] = Counter()
    base = (
        sa.select(
            col(Objective.owner_type),
            col(Objective.owner_department_id),
            col(Person.department_id),
            col(Objective.status),
            sa.func.count(),
        )
        .join(Cycle, col(Cycle.id) == Objective.cycle_id)
        .outerjoin(Person, col(Person.id) == Objective.owner_person_id)
        .where(
            col(Objective.workspace_id) == workspace_id,
            col(Cycle.state) == CycleState.ACTIVE,
            col(Objective.status).in_(_COUNTED),
            col(Objective.owner_type) != OwnerType.COMPANY,
        )
        .group_by(
            col(Objective.owner_type),
            col(Objective.owner_department_id),
            col(Person.department_id),
            col(Objective.status),
        )
    )
    for owner_type, own_department, person_department, status, count in session.execute(base):
        department = own_department if owner_type == OwnerType.DEPARTMENT else person_department
        counted[department] += int(count)
        if status == ObjectiveStatus.APPROVED:
            approved[department] += int(count)
    return approved, counted
