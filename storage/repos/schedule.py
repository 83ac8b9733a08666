"""Schedule preferences and the facts the proactive jobs need, loaded in a few set queries."""

from __future__ import annotations

from collections import defaultdict
from datetime import date, datetime

import sqlalchemy as sa
from sqlmodel import Session, col, select

from storage.models import (
    CheckIn,
    Cycle,
    CycleState,
    KeyResult,
    Objective,
    ObjectiveStatus,
    OutboxMessage,
    Person,
    SchedulePreference,
)
from storage.progress import KrNumbers, raw_progress
from storage.types import utcnow

CLOSED_OBJECTIVES = (ObjectiveStatus.ARCHIVED, ObjectiveStatus.REJECTED)


def preferences(*, session: Session, workspace_id: int) -> dict[int, SchedulePreference]:
    rows = session.exec(
        select(SchedulePreference).where(SchedulePreference.workspace_id == workspace_id)
    )
    return {row.person_id: row for row in rows}


def set_preference(
    *,
    session: Session,
    workspace_id: int,
    person_id: int,
    paused_until: date | bool | None = False,
    checkin_day: str | bool | None = False,
    checkin_time: str | bool | None = False,
) -> SchedulePreference:
    """Create or change a person's preference; a `False` argument leaves that field alone."""
    row = session.exec(
        select(SchedulePreference).where(
            SchedulePreference.workspace_id == workspace_id,
            SchedulePreference.person_id == person_id,
        )
    ).first() or SchedulePreference(workspace_id=workspace_id, person_id=person_id)
    if paused_until is not False:
        row.paused_until = paused_until  # type: ignore[assignment]
    if checkin_day is not False:
        row.checkin_day = checkin_day  # type: ignore[assignment]
    if checkin_time is not False:
        row.checkin_time = checkin_time  # type: ignore[assignment]
    row.updated_at = utcnow()
    session.add(row)
    session.flush()
    return row


def active_people(*, session: Session, workspace_id: int) -> list[Person]:
    return list(
        session.exec(
            select(Person)
            .where(Person.workspace_id == workspace_id, col(Person.active).is_(True))
            .order_by(col(Person.id))
        )
    )


def due_key_results(
    *, session: Session, workspace_id: int, owner_ids: list[int] | None = None
) -> dict[int, list[KeyResult]]:
    """The KRs a check-in asks about, by owner: on approved objectives in active cycles, and
    not yet at their target (a finished KR can still be updated by hand)."""
    query = (
        select(KeyResult)
        .join(Objective, col(Objective.id) == KeyResult.objective_id)
        .join(Cycle, col(Cycle.id) == Objective.cycle_id)
        .where(
            KeyResult.workspace_id == workspace_id,
            Cycle.state == CycleState.ACTIVE,
            Objective.status == ObjectiveStatus.APPROVED,
        )
        .order_by(col(KeyResult.number))
    )
    if owner_ids is not None:
        query = query.where(col(KeyResult.owner_id).in_(owner_ids))
    found: dict[int, list[KeyResult]] = defaultdict(list)
    for kr in session.exec(query):
        numbers = KrNumbers(
            kr.metric, kr.start_value, kr.target_value, kr.current_value, kr.direction
        )
        if raw_progress(numbers) < 1:
            found[kr.owner_id].append(kr)
    return found


def last_check_in(
    *, session: Session, workspace_id: int, person_ids: list[int] | None = None
) -> dict[int, datetime]:
    """Each person's latest check-in time (one grouped query)."""
    query = (
        select(CheckIn.person_id, sa.func.max(CheckIn.created_at))
        .where(CheckIn.workspace_id == workspace_id)
        .group_by(col(CheckIn.person_id))
    )
    if person_ids is not None:
        query = query.where(col(CheckIn.person_id).in_(person_ids))
    result: dict[int, datetime] = {}
    for person_id, at in session.exec(query):
        if at is not None:
            result[int(person_id)] = at
    return result


def prompts_since(
    *, session: Session, workspace_id: int, since: datetime
) -> dict[int, list[datetime]]:
    """When each person was prompted to check in since `since`, newest first."""
    query = (
        select(OutboxMessage.person_id, OutboxMessage.created_at)
        .where(
            OutboxMessage.workspace_id == workspace_id,
            OutboxMessage.kind == "checkin_prompt",
            col(OutboxMessage.created_at) >= since,
        )
        .order_by(col(OutboxMessage.created_at).desc())
    )
    found: dict[int, list[datetime]] = defaultdict(list)
    for person_id, at in session.exec(query):
        found[int(person_id)].append(at)
    return found
