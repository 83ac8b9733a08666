"""Correction requests for readings of closed KPI periods."""

from __future__ import annotations

from datetime import datetime

import sqlalchemy as sa
from sqlmodel import Session, col, select

from storage.models import CorrectionStatus, KpiCorrection


def get(*, session: Session, workspace_id: int, correction_id: int) -> KpiCorrection | None:
    """A correction of this workspace by id."""
    found = session.get(KpiCorrection, correction_id)
    return found if found is not None and found.workspace_id == workspace_id else None


def pending_same(*, session: Session, row: KpiCorrection) -> KpiCorrection | None:
    """A pending request by the same person for the same reading and value (a repeat)."""
    query = select(KpiCorrection).where(
        KpiCorrection.workspace_id == row.workspace_id,
        KpiCorrection.kpi_id == row.kpi_id,
        KpiCorrection.scope == row.scope,
        KpiCorrection.department_id == row.department_id,
        KpiCorrection.person_id == row.person_id,
        KpiCorrection.period == row.period,
        KpiCorrection.new_value == row.new_value,
        KpiCorrection.requested_by_id == row.requested_by_id,
        KpiCorrection.status == CorrectionStatus.PENDING,
    )
    return session.exec(query).first()


def decide(
    *, session: Session, row: KpiCorrection, status: CorrectionStatus, by: int, now: datetime
) -> bool:
    """Record the decision; False when the row was decided already (a double click, or two
    HR admins at once: the conditional update lets exactly one of them through)."""
    result = session.execute(
        sa.update(KpiCorrection)
        .where(
            col(KpiCorrection.id) == row.id,
            col(KpiCorrection.status) == CorrectionStatus.PENDING,
        )
        .values(status=status, decided_by_id=by, decided_at=now)
    )
    session.refresh(row)
    return bool(result.rowcount)  # type: ignore[attr-defined]
