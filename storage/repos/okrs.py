"""Cycles, objectives, key results and check-ins."""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Sequence
from datetime import date

import sqlalchemy as sa
from sqlmodel import Session, SQLModel, col, select

from storage.models import (
    CheckIn,
    CheckInSource,
    Confidence,
    Cycle,
    CycleState,
    KeyResult,
    Objective,
    ObjectiveStatus,
    OwnerType,
)
from storage.types import utcnow


def next_number(*, session: Session, workspace_id: int, model: type[Objective | KeyResult]) -> int:
    """The next free `O-n`/`KR-n` number in this workspace (unique constraint backs it)."""
    table: type[SQLModel] = model
    highest = session.exec(
        select(sa.func.max(table.number)).where(table.workspace_id == workspace_id)  # type: ignore[attr-defined]
    ).one()
    return int(highest or 0) + 1


def cycle_by_name(*, session: Session, workspace_id: int, name: str) -> Cycle | None:
    """A cycle by its name, e.g. 2026-Q4."""
    query = select(Cycle).where(Cycle.workspace_id == workspace_id, Cycle.name == name)
    return session.exec(query).first()


def current_cycle(*, session: Session, workspace_id: int, today: date) -> Cycle | None:
    """The cycle people work in today: an active one containing today, else the latest active,
    else the latest cycle of any state."""
    cycles = list(
        session.exec(
            select(Cycle)
            .where(Cycle.workspace_id == workspace_id)
            .order_by(col(Cycle.start_date).desc())
        )
    )
    for cycle in cycles:
        if cycle.state is CycleState.ACTIVE and cycle.start_date <= today <= cycle.end_date:
            return cycle
    active = [c for c in cycles if c.state is CycleState.ACTIVE]
    if active:
        return active[0]
    return cycles[0] if cycles else None


def objective_by_number(*, session: Session, workspace_id: int, number: int) -> Objective | None:
    """`O-n` of this workspace."""
    query = select(Objective).where(
        Objective.workspace_id == workspace_id, Objective.number == number
    )
    return session.exec(query).first()


def key_result_by_number(*, session: Session, workspace_id: int, number: int) -> KeyResult | None:
    """`KR-n` of this workspace."""
    query = select(KeyResult).where(
        KeyResult.workspace_id == workspace_id, KeyResult.number == number
    )
    return session.exec(query).first()


def objectives_of_person(
    *, session: Session, workspace_id: int, cycle_id: int, person_id: int
) -> list[Objective]:
    """A person's own objectives in a cycle, plus those holding a KR they own; archived left out."""
    owns_kr = select(KeyResult.objective_id).where(
        KeyResult.workspace_id == workspace_id, KeyResult.owner_id == person_id
    )
    query = (
        select(Objective)
        .where(
            Objective.workspace_id == workspace_id,
            Objective.cycle_id == cycle_id,
            Objective.status != ObjectiveStatus.ARCHIVED,
            sa.or_(
                sa.and_(
                    col(Objective.owner_type) == OwnerType.PERSON,
                    col(Objective.owner_person_id) == person_id,
                ),
                col(Objective.id).in_(owns_kr),
            ),
        )
        .order_by(col(Objective.number))
    )
    return list(session.exec(query))


def key_results_by_objective(
    *, session: Session, workspace_id: int, objective_ids: Sequence[int]
) -> dict[int, list[KeyResult]]:
    """The KRs of several objectives in one query, keyed by objective id, in `KR-n` order."""
    grouped: dict[int, list[KeyResult]] = defaultdict(list)
    if not objective_ids:
        return grouped
    query = (
        select(KeyResult)
        .where(
            KeyResult.workspace_id == workspace_id,
            col(KeyResult.objective_id).in_(list(objective_ids)),
        )
        .order_by(col(KeyResult.number))
    )
    for kr in session.exec(query):
        grouped[kr.objective_id].append(kr)
    return grouped


def record_check_in(
    *,
    session: Session,
    key_result: KeyResult,
    person_id: int,
    value: float,
    confidence: Confidence | None,
    note: str | None,
    source: CheckInSource = CheckInSource.CHAT,
) -> CheckIn:
    """Append a check-in and move the KR's current value and confidence to it."""
    assert key_result.id is not None
    check_in = CheckIn(
        workspace_id=key_result.workspace_id,
        key_result_id=key_result.id,
        person_id=person_id,
        value=value,
        previous_value=key_result.current_value,
        confidence=confidence or key_result.confidence,
        note=note,
        source=source,
    )
    key_result.current_value = value
    key_result.confidence = check_in.confidence
    key_result.updated_at = utcnow()
    session.add(check_in)
    session.add(key_result)
    session.flush()
    return check_in


def check_ins(*, session: Session, workspace_id: int, key_result_id: int) -> list[CheckIn]:
    """A KR's full check-in history, oldest first."""
    query = (
        select(CheckIn)
        .where(CheckIn.workspace_id == workspace_id, CheckIn.key_result_id == key_result_id)
        .order_by(col(CheckIn.created_at), col(CheckIn.id))
    )
    return list(session.exec(query))
