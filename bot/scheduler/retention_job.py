"""The daily retention job: app.yaml `retention` applied (storage.retention).

It is idempotent (old rows are simply gone or blank), so the sweep may run it as often as
it likes. With no `retention` key set it does nothing.
"""

from __future__ import annotations

from zoneinfo import ZoneInfo

from apscheduler.triggers.cron import CronTrigger

from bot.config import AppConfig
from bot.scheduler.context import JobRun
from storage.db import session_scope
from storage.retention import apply_retention

DAILY_AT = (4, 30)  # local company time: quiet, and clear of the 01:00-03:00 DST hours


def retention_triggers(config: AppConfig) -> dict[str, CronTrigger]:
    """Once a day, in the company's time zone."""
    hour, minute = DAILY_AT
    zone = ZoneInfo(config.company.timezone)
    return {"retention@daily": CronTrigger(hour=hour, minute=minute, timezone=zone)}


def outbox_days(config: AppConfig) -> int | None:
    """Days of delivery log kept: as configured, but never fewer than the check-in jobs look
    back on (escalations count the prompts of the last weeks; weekly keys stop re-sends)."""
    days = config.retention.delivery_log_days
    if days is None:
        return None
    return max(days, 7 * (config.checkins.escalate_after_missed + 1) + 1)


def retention(run: JobRun) -> int:
    """Blank old check-in notes, delete old delivery logs and event ids; rows changed."""
    keep = run.config.retention
    with session_scope(run.engine) as session:
        result = apply_retention(
            session=session,
            now=run.now,
            checkin_notes_days=keep.checkin_notes_days,
            delivery_log_days=outbox_days(run.config),
            processed_events_days=keep.processed_events_days,
        )
    return result.total
