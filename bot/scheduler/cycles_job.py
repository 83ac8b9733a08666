"""The daily `cycles` job: cycles set up and moved on by the calendar (commands.operations.
cycle_moves) in every workspace, each on its own date.

A planned cycle starts on its first day, an active one goes into review the day after its last
(its owners invited to score, HR told); with `cycles: {cadence: …}` in app.yaml, every
workspace gets the cycles the cadence calls for. Idempotent, so the sweep re-runs it freely
and a workspace in another time zone is caught within `scheduler.sweep_minutes` of its midnight.
"""

from __future__ import annotations

from zoneinfo import ZoneInfo

from apscheduler.triggers.cron import CronTrigger
from sqlmodel import col, select

from bot.company_setup import cadence_rule
from bot.config import AppConfig, CycleCadenceConfig
from bot.scheduler.context import JobRun
from commands.operations import cycle_moves
from storage.db import session_scope
from storage.models import Workspace

DAILY_AT = (0, 5)  # company time: just after midnight, clear of the 01:00-03:00 DST hours


def cycle_triggers(config: AppConfig) -> dict[str, CronTrigger]:
    """Once a day, just after midnight in the company's time zone."""
    hour, minute = DAILY_AT
    zone = ZoneInfo(config.company.timezone)
    return {"cycles@daily": CronTrigger(hour=hour, minute=minute, timezone=zone)}


def move_cycles(run: JobRun) -> int:
    """Set up and move on cycles in every workspace; how many cycles were created or moved."""
    changed = 0
    with session_scope(run.engine) as session:
        for workspace in session.exec(select(Workspace).order_by(col(Workspace.id))).all():
            assert workspace.id is not None
            zone = ZoneInfo(workspace.timezone or run.config.company.timezone)
            today = run.now.astimezone(zone).date()
            if isinstance(run.config.cycles, CycleCadenceConfig):
                rule = cadence_rule(run.config.cycles)
                changed += len(
                    cycle_moves.set_up(
                        session=session, workspace_id=workspace.id, rule=rule, today=today
                    )
                )
            changed += len(cycle_moves.move_on(session=session, workspace=workspace, today=today))
    return changed
