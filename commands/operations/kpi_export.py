"""The assessment as a table for HR: one row per person and KPI, the score on each row."""

from __future__ import annotations

import math
from pathlib import Path
from typing import Any

from sqlmodel import Session, col, select

from commands.operations.assessments import assess
from commands.operations.kpi_settings import KpiSettings
from storage import table_files
from storage.models import Department, KpiScope, KpiTarget, Person

COLUMNS = (
    "email",
    "name",
    "department",
    "period",
    "kpi",
    "actual",
    "target",
    "weight",
    "completion_pct",
    "counted_pct",
    "score_pct",
    "band",
)


def _r(value: float | None) -> float | None:
    """Rounded for the sheet; a perfect result (nothing left to reduce) has no finite rate."""
    return None if value is None or math.isinf(value) else round(value, 2)


def assessment_rows(
    *, session: Session, workspace_id: int, period: str, settings: KpiSettings
) -> list[dict[str, Any]]:
    """Every person with a personal KPI target, assessed for `period` (pay bands, cap)."""
    person_ids = select(KpiTarget.person_id).where(
        KpiTarget.workspace_id == workspace_id, KpiTarget.scope == KpiScope.PERSON
    )
    query = (
        select(Person)
        .where(Person.workspace_id == workspace_id, col(Person.id).in_(person_ids))
        .order_by(col(Person.email))
    )
    rows: list[dict[str, Any]] = []
    for person in session.exec(query):
        department = session.get(Department, person.department_id) if person.department_id else None
        assessed = assess(session=session, person=person, period=period, settings=settings)
        for item in assessed.result.lines:
            rows.append(
                {
                    "email": person.email,
                    "name": person.name,
                    "department": department.name if department else "",
                    "period": period,
                    "kpi": item.code,
                    "actual": item.value,
                    "target": item.target,
                    "weight": item.weight,
                    "completion_pct": _r(item.completion),
                    "counted_pct": _r(item.capped),
                    "score_pct": _r(assessed.result.score),
                    "band": assessed.result.band or "",
                }
            )
    return rows


def write_table(rows: list[dict[str, Any]], path: Path, file_format: str) -> Path:
    """Write the rows as CSV or XLSX under the COLUMNS header."""
    return table_files.write_table(
        rows, path, file_format, columns=COLUMNS, sheet_title="assessment"
    )
