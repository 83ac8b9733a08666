"""A person's KPI assessment for a period: their person-level targets, each KPI's value over
the period, the capped, weighted score and its pay band. `/kpi assess`, `/kpi tree` and
`okrbot export assessment` all compute it here."""

from __future__ import annotations

from dataclasses import dataclass

from sqlmodel import Session

from commands.operations.kpi_settings import KpiSettings
from storage import kpi_assessment
from storage.kpi_assessment import Line, Result
from storage.models import Aggregation, KpiDefinition, KpiTarget, Person
from storage.repos import kpis


@dataclass(frozen=True)
class Assessed:
    person: Person
    period: str
    result: Result
    kpis: dict[str, KpiDefinition]


def scope_value(
    session: Session, kpi: KpiDefinition, target: KpiTarget, period: str
) -> float | None:
    """The value of a target's scope over `period` (its readings aggregated), None without."""
    readings = kpis.readings_for_scope(
        session=session,
        workspace_id=target.workspace_id,
        kpi_id=kpi.id or 0,
        scope=target.scope,
        department_id=target.department_id,
        person_id=target.person_id,
        limit=400,
    )
    return kpi_assessment.period_value(readings, period, kpi.aggregation)


def assess(*, session: Session, person: Person, period: str, settings: KpiSettings) -> Assessed:
    """One person's assessment for a period, from their person-level KPI targets."""
    lines: list[Line] = []
    found: dict[str, KpiDefinition] = {}
    by_kpi: dict[int, list[KpiTarget]] = {}
    for own in kpis.person_targets(
        session=session, workspace_id=person.workspace_id, person_id=person.id or 0
    ):
        by_kpi.setdefault(own.kpi_id, []).append(own)
    for kpi_id, candidates in sorted(by_kpi.items()):
        target = kpis.target_for_period(candidates, period)
        kpi = session.get(KpiDefinition, kpi_id)
        if target is None or kpi is None:
            continue
        value = scope_value(session, kpi, target, period)
        goal = target.target
        if kpi.aggregation is Aggregation.SUM:
            goal *= kpi_assessment.periods_in(period, kpi.frequency)
        found[kpi.code] = kpi
        lines.append(
            kpi_assessment.line(
                code=kpi.code,
                direction=kpi.direction,
                value=value,
                target=goal,
                weight=target.weight,
                cap=settings.cap,
            )
        )
    return Assessed(person, period, kpi_assessment.score(lines, settings.bands), found)
