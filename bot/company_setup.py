"""Bring the configured company's workspace in line with app.yaml (cycles, KPI library)."""

from __future__ import annotations

from sqlmodel import Session, select

from bot.config import AppConfig
from storage.models import Cycle, KpiDefinition, Platform, Workspace
from storage.repos import workspaces


def ensure_company_workspace(*, session: Session, config: AppConfig) -> Workspace:
    """The workspace named by `company.workspace`, created when missing, with app.yaml applied."""
    company = config.company
    workspace = workspaces.ensure(
        session=session,
        slug=company.workspace,
        name=company.name,
        platform=Platform.CONSOLE,
        external_id=company.workspace,
        timezone=company.timezone,
        language=company.language,
    )
    apply_config(session=session, workspace=workspace, config=config)
    return workspace


def apply_config(*, session: Session, workspace: Workspace, config: AppConfig) -> None:
    """Upsert the configured cycles (by name) and KPI definitions (by code). Never deletes:
    a cycle or KPI removed from app.yaml keeps its history in the database."""
    assert workspace.id is not None
    cycles = {
        c.name: c for c in session.exec(select(Cycle).where(Cycle.workspace_id == workspace.id))
    }
    for wanted in config.cycles:
        cycle = cycles.get(wanted.name) or Cycle(
            workspace_id=workspace.id,
            name=wanted.name,
            start_date=wanted.start,
            end_date=wanted.end,
        )
        cycle.start_date, cycle.end_date, cycle.state = wanted.start, wanted.end, wanted.state
        session.add(cycle)
    kpis = {
        k.code: k
        for k in session.exec(
            select(KpiDefinition).where(KpiDefinition.workspace_id == workspace.id)
        )
    }
    for spec in config.kpis:
        kpi = kpis.get(spec.code) or KpiDefinition(
            workspace_id=workspace.id, code=spec.code, name=spec.name, direction=spec.direction
        )
        kpi.name, kpi.name_zh, kpi.unit = spec.name, spec.name_zh, spec.unit
        kpi.direction, kpi.frequency, kpi.aggregation = (
            spec.direction,
            spec.frequency,
            spec.aggregation,
        )
        session.add(kpi)
    session.flush()
