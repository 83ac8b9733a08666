"""Explicit KR ↔ KPI links (`/okr link`), scoped by workspace."""

from __future__ import annotations

from collections.abc import Sequence

from sqlmodel import Session, col, select

from storage.models import KpiDefinition, KrKpiLink


def linked_kpis(*, session: Session, workspace_id: int, key_result_id: int) -> list[KpiDefinition]:
    """The KPIs a KR is linked with, by code."""
    return list(
        session.exec(
            select(KpiDefinition)
            .join(KrKpiLink, col(KrKpiLink.kpi_id) == KpiDefinition.id)
            .where(
                KrKpiLink.workspace_id == workspace_id,
                KrKpiLink.key_result_id == key_result_id,
            )
            .order_by(col(KpiDefinition.code))
        )
    )


def find(
    *, session: Session, workspace_id: int, key_result_id: int, kpi_id: int
) -> KrKpiLink | None:
    return session.exec(
        select(KrKpiLink).where(
            KrKpiLink.workspace_id == workspace_id,
            KrKpiLink.key_result_id == key_result_id,
            KrKpiLink.kpi_id == kpi_id,
        )
    ).first()


def link(
    *, session: Session, workspace_id: int, key_result_id: int, kpi_id: int, by: int | None
) -> bool:
    """Link them; False when they already were."""
    if find(session=session, workspace_id=workspace_id, key_result_id=key_result_id, kpi_id=kpi_id):
        return False
    session.add(
        KrKpiLink(
            workspace_id=workspace_id, key_result_id=key_result_id, kpi_id=kpi_id, created_by_id=by
        )
    )
    session.flush()
    return True


def unlink(*, session: Session, workspace_id: int, key_result_id: int, kpi_id: int) -> bool:
    """Remove the link; False when there was none."""
    row = find(
        session=session, workspace_id=workspace_id, key_result_id=key_result_id, kpi_id=kpi_id
    )
    if row is None:
        return False
    session.delete(row)
    session.flush()
    return True


def pairs(
    *, session: Session, workspace_id: int, key_result_ids: Sequence[int]
) -> set[tuple[int, int]]:
    """(key_result_id, kpi_id) of the links of these KRs (one query)."""
    if not key_result_ids:
        return set()
    rows = session.exec(
        select(KrKpiLink.key_result_id, KrKpiLink.kpi_id).where(
            KrKpiLink.workspace_id == workspace_id,
            col(KrKpiLink.key_result_id).in_(list(key_result_ids)),
        )
    )
    return {(int(kr), int(kpi)) for kr, kpi in rows}
