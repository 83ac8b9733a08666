"""Small factories for test data. Each returns flushed rows with ids."""

from __future__ import annotations

from datetime import date
from typing import Any

from sqlmodel import Session

from storage.models import (
    Cycle,
    CycleState,
    Department,
    Direction,
    KeyResult,
    Metric,
    Objective,
    ObjectiveStatus,
    OwnerType,
    Person,
    Platform,
    Role,
    Workspace,
)
from storage.repos import okrs


def workspace(session: Session, slug: str = "acme", **kwargs: Any) -> Workspace:
    values: dict[str, Any] = {
        "name": slug.title(),
        "platform": Platform.CONSOLE,
        "external_id": slug,
    } | kwargs
    row = Workspace(slug=slug, **values)
    session.add(row)
    session.flush()
    return row


def department(session: Session, ws: Workspace, name: str, **kwargs: Any) -> Department:
    row = Department(workspace_id=ws.id, name=name, **kwargs)
    session.add(row)
    session.flush()
    return row


def person(
    session: Session,
    ws: Workspace,
    email: str,
    name: str | None = None,
    *,
    role: Role = Role.EMPLOYEE,
    **kwargs: Any,
) -> Person:
    row = Person(
        workspace_id=ws.id,
        email=email,
        name=name or email.split("@")[0].title(),
        role=role,
        **kwargs,
    )
    session.add(row)
    session.flush()
    return row


def cycle(session: Session, ws: Workspace, name: str = "2026-Q4", **kwargs: Any) -> Cycle:
    values: dict[str, Any] = {
        "start_date": date(2026, 10, 1),
        "end_date": date(2026, 12, 31),
        "state": CycleState.ACTIVE,
    } | kwargs
    row = Cycle(workspace_id=ws.id, name=name, **values)
    session.add(row)
    session.flush()
    return row


def objective(
    session: Session, ws: Workspace, cyc: Cycle, owner: Person, title: str = "Grow", **kwargs: Any
) -> Objective:
    assert ws.id is not None
    assert cyc.id is not None
    values: dict[str, Any] = {
        "owner_type": OwnerType.PERSON,
        "owner_person_id": owner.id,
        "status": ObjectiveStatus.APPROVED,
    } | kwargs
    row = Objective(
        workspace_id=ws.id,
        number=okrs.next_number(session=session, workspace_id=ws.id, model=Objective),
        cycle_id=cyc.id,
        title=title,
        **values,
    )
    session.add(row)
    session.flush()
    return row


def key_result(
    session: Session,
    obj: Objective,
    owner: Person,
    title: str = "Do it",
    *,
    start: float = 0,
    target: float = 100,
    current: float | None = None,
    metric: Metric = Metric.NUMBER,
    direction: Direction = Direction.INCREASE,
    **kwargs: Any,
) -> KeyResult:
    assert obj.id is not None
    assert owner.id is not None
    row = KeyResult(
        workspace_id=obj.workspace_id,
        number=okrs.next_number(session=session, workspace_id=obj.workspace_id, model=KeyResult),
        objective_id=obj.id,
        title=title,
        metric=metric,
        start_value=start,
        target_value=target,
        current_value=start if current is None else current,
        direction=direction,
        owner_id=owner.id,
        **kwargs,
    )
    session.add(row)
    session.flush()
    return row
