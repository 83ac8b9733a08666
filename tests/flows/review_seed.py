"""A cycle in review for scoring and report tests: Ana's O-2 with two KRs and known check-ins,
Bob's private O-3, Lara's team objective O-4 (Lara manages Ana and Bob; Hana is HR)."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, datetime

from sqlmodel import Session, select

from storage.models import (
    CheckIn,
    Confidence,
    Cycle,
    CycleState,
    Direction,
    KeyResult,
    Metric,
    Objective,
    Person,
    Visibility,
    Workspace,
)
from tests import factories

# KR-1 0 -> 5 accounts, check-ins 1, 2, 3.6: progress 0.2, 0.4, 0.72 (suggested 0.7).
# KR-2 7% -> 5% (weight 2), check-ins 6.5, 6: progress 0.25, 0.5 (suggested 0.5).
SPARK_KR1 = "▁▂▄▆"
SPARK_KR2 = "▁▃▅"


@dataclass
class Seeded:
    objective: Objective
    kr1: KeyResult
    kr2: KeyResult
    private: Objective
    lara_objective: Objective


def _check_ins(session: Session, kr: KeyResult, who: Person, values: list[float]) -> None:
    previous = kr.start_value
    for day, value in enumerate(values, start=1):
        session.add(
            CheckIn(
                workspace_id=kr.workspace_id,
                key_result_id=kr.id or 0,
                person_id=who.id or 0,
                value=value,
                previous_value=previous,
                confidence=Confidence.ON_TRACK,
                created_at=datetime(2026, 10, day * 7, 9, 0, tzinfo=UTC),
            )
        )
        previous = value
    kr.current_value = previous
    session.add(kr)


def seed(session: Session, ana: Person, bob: Person, lara: Person) -> Seeded:
    """Put the cycle of the flow team into review and give it objectives to score."""
    cycle = session.exec(select(Cycle)).one()
    cycle.state = CycleState.REVIEW
    session.add(cycle)
    space = session.get(Workspace, cycle.workspace_id)
    assert space is not None
    objective = factories.objective(session, space, cycle, ana, "Win the EV segment")
    kr1 = factories.key_result(session, objective, ana, "Sign EV accounts", start=0, target=5)
    kr1.unit = "accounts"
    kr2 = factories.key_result(
        session,
        objective,
        ana,
        "Cut scrap rate",
        start=7,
        target=5,
        metric=Metric.PERCENT,
        direction=Direction.DECREASE,
        weight=2,
    )
    _check_ins(session, kr1, ana, [1, 2, 3.6])
    _check_ins(session, kr2, ana, [6.5, 6])
    private = factories.objective(
        session, space, cycle, bob, "Secret hiring plan", visibility=Visibility.PRIVATE
    )
    factories.key_result(session, private, bob, "Hire two engineers", start=0, target=2)
    lara_objective = factories.objective(session, space, cycle, lara, "Grow the sales team")
    factories.key_result(session, lara_objective, lara, "Onboard people", start=0, target=4)
    session.commit()
    return Seeded(objective, kr1, kr2, private, lara_objective)
