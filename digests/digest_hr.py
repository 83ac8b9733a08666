"""The HR digest: check-in completion by department over the last seven days (two queries)."""

from __future__ import annotations

from collections import Counter
from datetime import datetime, timedelta
from typing import Any

import sqlalchemy as sa
from sqlmodel import Session, col, select

from storage.models import CheckIn, Department, Person


def department_completion(
    *, session: Session, workspace_id: int, now: datetime
) -> list[dict[str, Any]]:
    """[{name, done, total}] per department, people with a check-in in 7 days as done."""
    names = {
        d.id: d.name
        for d in session.exec(select(Department).where(Department.workspace_id == workspace_id))
    }
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
    return [
        {"name": names.get(d, "—") if d is not None else "—", "done": done[d], "total": total[d]}
        for d in sorted(total, key=lambda d: names.get(d, "") if d is not None else "")
    ]
