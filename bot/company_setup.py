"""Bring the configured company's workspace in line with app.yaml (cycles, KPI library)."""

from __future__ import annotations

import logging
from zoneinfo import ZoneInfo

from sqlalchemy.engine import Engine
from sqlalchemy.exc import IntegrityError
from sqlmodel import Session, select

from bot.config import AppConfig, CycleCadenceConfig, CycleConfig
from commands.operations import cycle_moves
from storage import clock
from storage.db import session_scope
from storage.kpi_target_rules import TargetError
from storage.kpi_targets import TargetSpec, set_target
from storage.models import Cycle, KpiDefinition, Platform, Role, Workspace
from storage.models.enums import CycleState
from storage.repos import people, workspaces
from storage.roles import change_role


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


log = logging.getLogger("okrbot")

_STATE_ORDER = (CycleState.PLANNING, CycleState.ACTIVE, CycleState.REVIEW, CycleState.CLOSED)


def apply_to_company_workspace(*, engine: Engine, config: AppConfig) -> None:
    """Apply app.yaml to every workspace (every CLI start and `serve`): the company's in full,
    every other one (a second Slack team, another Feishu tenant) where it has nothing of its
    own (see `apply_config`).

    Replicas starting together may race to insert the same cycle or KPI; the loser's
    transaction is rolled back and the winner's rows are the same.
    """
    try:
        with session_scope(engine) as session:
            for workspace in workspaces.list_all(session=session):
                apply_config(
                    session=session,
                    workspace=workspace,
                    config=config,
                    own_first=workspace.slug != config.company.workspace,
                )
    except IntegrityError:
        pass


def cadence_rule(config: CycleCadenceConfig) -> cycle_moves.CadenceRule:
    """app.yaml's `cycles: {cadence: …}` as the rule the calendar follows."""
    return cycle_moves.CadenceRule(config.cadence, config.first_month, config.plan_ahead)


def _apply_dated_cycles(
    *, session: Session, workspace: Workspace, wanted_cycles: list[CycleConfig]
) -> None:
    """Upsert dated cycles by name; their state only moves forward."""
    assert workspace.id is not None
    cycles = {
        c.name: c for c in session.exec(select(Cycle).where(Cycle.workspace_id == workspace.id))
    }
    for wanted in wanted_cycles:
        cycle = cycles.get(wanted.name) or Cycle(
            workspace_id=workspace.id,
            name=wanted.name,
            start_date=wanted.start,
            end_date=wanted.end,
            state=wanted.state,
        )
        cycle.start_date, cycle.end_date = wanted.start, wanted.end
        # Admins move cycles on in chat (/okr cycle close); app.yaml may move one on too,
        # but re-reading it at start-up must never move a cycle back.
        if _STATE_ORDER.index(wanted.state) > _STATE_ORDER.index(cycle.state):
            cycle.state = wanted.state
        session.add(cycle)


def apply_config(
    *, session: Session, workspace: Workspace, config: AppConfig, own_first: bool = False
) -> None:
    """Upsert the configured cycles (by name) and KPI definitions (by code). Never deletes:
    a cycle or KPI removed from app.yaml keeps its history in the database.

    `own_first` (every workspace but the company's): a workspace's own settings win — a KPI
    it defined itself is left as it is, and dated cycles are added only while it has no
    cycle app.yaml does not name.
    """
    assert workspace.id is not None
    if own_first and _has_own_cycles(session, workspace, config):
        _apply_kpis(session=session, workspace=workspace, config=config, own_first=own_first)
        return
    if isinstance(config.cycles, CycleCadenceConfig):
        today = clock.today(ZoneInfo(workspace.timezone or config.company.timezone))
        cycle_moves.set_up(
            session=session,
            workspace_id=workspace.id,
            rule=cadence_rule(config.cycles),
            today=today,
        )
    else:
        _apply_dated_cycles(session=session, workspace=workspace, wanted_cycles=config.cycles)
    _apply_kpis(session=session, workspace=workspace, config=config, own_first=own_first)
    if not own_first:
        apply_people_settings(session=session, workspace=workspace, config=config)


def apply_people_settings(*, session: Session, workspace: Workspace, config: AppConfig) -> None:
    """What app.yaml says about the company's people: its admins and its KPI targets. Applied
    at every start and again after `okrbot import people` (a department or person named
    before it is imported is set then)."""
    grant_configured_admins(session=session, workspace=workspace, config=config)
    apply_kpi_targets(session=session, workspace=workspace, config=config)


def apply_kpi_targets(*, session: Session, workspace: Workspace, config: AppConfig) -> int:
    """`kpis[].targets` through the same rule as /kpi target; how many changed. A target
    naming someone not imported yet waits for the import; a flagged one is logged."""
    assert workspace.id is not None
    changed = 0
    for kpi in config.kpis:
        for wanted in kpi.targets:
            spec = TargetSpec(
                code=kpi.code,
                scope=wanted.scope,
                target=wanted.target,
                warning=wanted.warning,
                critical=wanted.critical,
                period=wanted.period,
            )
            try:
                with session.begin_nested():
                    done = set_target(
                        session=session,
                        workspace_id=workspace.id,
                        spec=spec,
                        actor_id=None,
                        platform=Platform.CLI,
                    )
            except TargetError as error:
                log.info("kpi target not applied", extra={"kpi": kpi.code, "why": error.reason})
                continue
            changed += int(done.changed)
            if done.unsupported is not None and done.changed:
                log.warning(
                    "kpi target does not support its parent",
                    extra={"kpi": kpi.code, "scope": wanted.scope},
                )
    return changed


def grant_configured_admins(*, session: Session, workspace: Workspace, config: AppConfig) -> int:
    """`company.admins`: each listed person of the workspace becomes an admin (audit-logged);
    how many changed. Someone not imported yet is made admin by the next start or import."""
    assert workspace.id is not None
    changed = 0
    for email in config.company.admins:
        person = people.get_by_email(session=session, workspace_id=workspace.id, email=email)
        if person is not None and change_role(
            session=session, person=person, role=Role.ADMIN, actor_id=None, platform=Platform.CLI
        ):
            changed += 1
    return changed


def _has_own_cycles(session: Session, workspace: Workspace, config: AppConfig) -> bool:
    """A cycle app.yaml's dated list does not name (a cadence names no fixed cycles)."""
    if isinstance(config.cycles, CycleCadenceConfig):
        return False
    named = {c.name for c in config.cycles}
    found = session.exec(select(Cycle.name).where(Cycle.workspace_id == workspace.id))
    return any(name not in named for name in found)


def _apply_kpis(
    *, session: Session, workspace: Workspace, config: AppConfig, own_first: bool
) -> None:
    assert workspace.id is not None
    kpis = {
        k.code: k
        for k in session.exec(
            select(KpiDefinition).where(KpiDefinition.workspace_id == workspace.id)
        )
    }
    for spec in config.kpis:
        if own_first and spec.code in kpis:
            continue
        kpi = kpis.get(spec.code) or KpiDefinition(
            workspace_id=workspace.id, code=spec.code, name=spec.name, direction=spec.direction
        )
        kpi.name, kpi.name_zh, kpi.unit = spec.name, spec.name_zh, spec.unit
        kpi.min_value, kpi.max_value = spec.min, spec.max
        kpi.direction, kpi.frequency, kpi.aggregation = (
            spec.direction,
            spec.frequency,
            spec.aggregation,
        )
        session.add(kpi)
    session.flush()
