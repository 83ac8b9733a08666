"""Carrying unfinished objectives into a later cycle.

A carried objective is a copy in the target cycle holding only its unfinished KRs, each with
its current value as the new baseline (start = current) and the same target. An
`objective_carry` row links it to the original; that row's unique `from_objective_id` makes a
second carry of the same objective find the first copy instead of making another.
"""

from __future__ import annotations

from dataclasses import dataclass

import sqlalchemy as sa
from sqlmodel import Session, col, select

from storage.models import (
    Cycle,
    CycleState,
    KeyResult,
    Objective,
    ObjectiveCarry,
    ObjectiveStatus,
)
from storage.progress import KrNumbers, progress
from storage.repos import okrs

# A pending objective has an approval request in its own cycle: it is decided there, not copied.
CARRIED_STATUSES = (ObjectiveStatus.APPROVED,)


@dataclass(frozen=True)
class Carried:
    """The outcome for one objective: its copy, and whether this call made it."""

    source: Objective
    copy: Objective
    created: bool
    key_results: int


def _unfinished(kr: KeyResult) -> bool:
    numbers = KrNumbers(kr.metric, kr.start_value, kr.target_value, kr.current_value, kr.direction)
    return progress(numbers) < 1.0


def unfinished_key_results(*, session: Session, objective: Objective) -> list[KeyResult]:
    """The objective's KRs that have not reached their target."""
    assert objective.id is not None
    krs = okrs.key_results_by_objective(
        session=session, workspace_id=objective.workspace_id, objective_ids=[objective.id]
    )[objective.id]
    return [kr for kr in krs if _unfinished(kr)]


def is_unfinished(*, session: Session, objective: Objective) -> bool:
    """Approved, with at least one KR short of its target."""
    return objective.status in CARRIED_STATUSES and bool(
        unfinished_key_results(session=session, objective=objective)
    )


def existing_copy(*, session: Session, objective: Objective) -> Objective | None:
    """Where this objective was carried before, if it was."""
    query = select(ObjectiveCarry).where(
        ObjectiveCarry.workspace_id == objective.workspace_id,
        ObjectiveCarry.from_objective_id == objective.id,
    )
    link = session.exec(query).first()
    return session.get(Objective, link.to_objective_id) if link is not None else None


def next_cycle(*, session: Session, cycle: Cycle) -> Cycle | None:
    """The first cycle that starts after `cycle` starts and is not closed."""
    query = (
        select(Cycle)
        .where(
            Cycle.workspace_id == cycle.workspace_id,
            col(Cycle.start_date) > cycle.start_date,
            Cycle.state != CycleState.CLOSED,
        )
        .order_by(col(Cycle.start_date))
    )
    return session.exec(query).first()


def carry(*, session: Session, objective: Objective, target: Cycle, actor_id: int) -> Carried:
    """Copy `objective` into `target` (or return the earlier copy). The caller checks that it
    is unfinished and that `target` is a later cycle."""
    found = existing_copy(session=session, objective=objective)
    if found is not None:
        return Carried(objective, found, created=False, key_results=0)
    assert objective.id is not None
    assert target.id is not None
    krs = unfinished_key_results(session=session, objective=objective)
    try:
        with session.begin_nested():
            copy = _copy(session=session, objective=objective, target=target, actor_id=actor_id)
            assert copy.id is not None
            for kr in krs:
                _copy_key_result(session=session, kr=kr, objective_id=copy.id)
            session.add(
                ObjectiveCarry(
                    workspace_id=objective.workspace_id,
                    from_objective_id=objective.id,
                    to_objective_id=copy.id,
                )
            )
            session.flush()
    except sa.exc.IntegrityError:  # carried at the same moment by another request
        again = existing_copy(session=session, objective=objective)
        assert again is not None
        return Carried(objective, again, created=False, key_results=0)
    _relink_children(session=session, original=objective, copy=copy)
    return Carried(objective, copy, created=True, key_results=len(krs))


def _copy(*, session: Session, objective: Objective, target: Cycle, actor_id: int) -> Objective:
    parent = None
    if objective.parent_id is not None:
        original_parent = session.get(Objective, objective.parent_id)
        if original_parent is not None:
            parent = existing_copy(session=session, objective=original_parent)
    copy = Objective(
        workspace_id=objective.workspace_id,
        number=okrs.next_number(
            session=session, workspace_id=objective.workspace_id, model=Objective
        ),
        cycle_id=target.id or 0,
        title=objective.title,
        description=objective.description,
        owner_type=objective.owner_type,
        owner_person_id=objective.owner_person_id,
        owner_department_id=objective.owner_department_id,
        parent_id=parent.id if parent is not None else None,
        status=objective.status,
        visibility=objective.visibility,
        created_by_id=actor_id,
    )
    session.add(copy)
    session.flush()
    return copy


def _copy_key_result(*, session: Session, kr: KeyResult, objective_id: int) -> KeyResult:
    copy = KeyResult(
        workspace_id=kr.workspace_id,
        number=okrs.next_number(session=session, workspace_id=kr.workspace_id, model=KeyResult),
        objective_id=objective_id,
        title=kr.title,
        metric=kr.metric,
        start_value=kr.current_value,
        target_value=kr.target_value,
        current_value=kr.current_value,
        direction=kr.direction,
        unit=kr.unit,
        weight=kr.weight,
        confidence=kr.confidence,
        owner_id=kr.owner_id,
    )
    session.add(copy)
    session.flush()
    return copy


def _relink_children(*, session: Session, original: Objective, copy: Objective) -> None:
    """Copies made earlier of objectives aligned to `original` now align to its copy."""
    children = select(Objective.id).where(
        Objective.workspace_id == original.workspace_id, Objective.parent_id == original.id
    )
    query = select(ObjectiveCarry).where(
        ObjectiveCarry.workspace_id == original.workspace_id,
        col(ObjectiveCarry.from_objective_id).in_(children),
    )
    for link in session.exec(query):
        child_copy = session.get(Objective, link.to_objective_id)
        if child_copy is not None and child_copy.parent_id is None:
            child_copy.parent_id = copy.id
            session.add(child_copy)
    session.flush()
