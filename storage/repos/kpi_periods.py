"""Closed KPI periods: once HR closes one (pay bands settled), its readings change only by HR."""

from __future__ import annotations

from datetime import datetime

import sqlalchemy as sa
from sqlmodel import Session, col, select

from storage import periods
from storage.models import KpiPeriodClose


def closed_labels(*, session: Session, workspace_id: int) -> list[str]:
    """The workspace's closed period labels."""
    query = select(KpiPeriodClose.period).where(KpiPeriodClose.workspace_id == workspace_id)
    return list(session.exec(query.order_by(col(KpiPeriodClose.period))))


def closing(labels: list[str], period: str) -> str | None:
    """The closed label that covers `period` (a reading's), if any."""
    return next((c for c in labels if periods.contains(c, period)), None)


def close(*, session: Session, workspace_id: int, period: str, by: int, now: datetime) -> bool:
    """Close a period; False when it was closed already."""
    if period in closed_labels(session=session, workspace_id=workspace_id):
        return False
    session.add(
        KpiPeriodClose(workspace_id=workspace_id, period=period, closed_by_id=by, closed_at=now)
    )
    session.flush()
    return True


def reopen(*, session: Session, workspace_id: int, period: str) -> bool:
    """Open a closed period again; False when it was not closed."""
    result = session.execute(
        sa.delete(KpiPeriodClose).where(
            col(KpiPeriodClose.workspace_id) == workspace_id,
            col(KpiPeriodClose.period) == period,
        )
    )
    return bool(result.rowcount)  # type: ignore[attr-defined]
