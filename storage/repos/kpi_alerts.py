"""KPI alert state and feedback rows."""

from __future__ import annotations

from sqlmodel import Session, col, select

from storage.models import AlertState, KpiAlert, KpiFeedback, KpiReading, KpiScope


def open_alert(
    *,
    session: Session,
    workspace_id: int,
    kpi_id: int,
    scope: KpiScope,
    department_id: int | None,
    person_id: int | None,
) -> KpiAlert | None:
    """The open alert of one scope of a KPI, if any (there is at most one)."""
    query = select(KpiAlert).where(
        KpiAlert.workspace_id == workspace_id,
        KpiAlert.kpi_id == kpi_id,
        KpiAlert.scope == scope,
        KpiAlert.department_id == department_id,
        KpiAlert.person_id == person_id,
        KpiAlert.state == AlertState.OPEN,
    )
    return session.exec(query).first()


def get(*, session: Session, workspace_id: int, alert_id: int) -> KpiAlert | None:
    """An alert of the workspace by id."""
    alert = session.get(KpiAlert, alert_id)
    return alert if alert is not None and alert.workspace_id == workspace_id else None


def has_later_reading(*, session: Session, reading: KpiReading) -> bool:
    """True when the scope already has a reading for a later period (this one is a back-fill)."""
    query = select(KpiReading.id).where(
        KpiReading.workspace_id == reading.workspace_id,
        KpiReading.kpi_id == reading.kpi_id,
        KpiReading.scope == reading.scope,
        KpiReading.department_id == reading.department_id,
        KpiReading.person_id == reading.person_id,
        col(KpiReading.period) > reading.period,
    )
    return session.exec(query.limit(1)).first() is not None


def feedback(*, session: Session, workspace_id: int, feedback_id: int) -> KpiFeedback | None:
    """A feedback note of the workspace by id."""
    row = session.get(KpiFeedback, feedback_id)
    return row if row is not None and row.workspace_id == workspace_id else None
