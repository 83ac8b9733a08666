"""The scheduled KPI pull: each `kpi_sources` entry of app.yaml at its own `schedule`, in the
company's time zone, through the one validation and write path (`pull_sources`).

Pulls are idempotent by the reading's id (source, scope, period, value), so the sweep's
catch-up run after the cron run, a takeover by another replica or `okrbot jobs run kpi_pull`
import nothing twice.
"""

from __future__ import annotations

import logging
from datetime import timedelta
from zoneinfo import ZoneInfo

from apscheduler.triggers.cron import CronTrigger

from bot.config import AppConfig, KpiSourceConfig
from bot.scheduler.context import JobRun

log = logging.getLogger("okrbot.scheduler")


def source_trigger(source: KpiSourceConfig, timezone: str) -> CronTrigger:
    """The cron trigger of one source: hourly at :MM, daily, weekly or monthly at HH:MM."""
    plan = source.schedule
    hour, minute = (int(part) for part in plan.time.split(":"))
    zone = ZoneInfo(timezone)
    if plan.every == "hour":
        return CronTrigger(minute=minute, timezone=zone)
    if plan.every == "week":
        return CronTrigger(day_of_week=plan.day, hour=hour, minute=minute, timezone=zone)
    if plan.every == "month":
        return CronTrigger(day=plan.day_of_month, hour=hour, minute=minute, timezone=zone)
    return CronTrigger(hour=hour, minute=minute, timezone=zone)


def pull_triggers(config: AppConfig) -> dict[str, CronTrigger]:
    """One trigger per source, keyed `kpi_pull@NAME`."""
    return {
        f"kpi_pull@{source.name}": source_trigger(source, config.company.timezone)
        for source in config.kpi_sources
    }


def due_sources(run: JobRun) -> list[str]:
    """Every source when forced; else those with a scheduled time in the last sweep interval
    (the cron run at that time, or the sweep's catch-up right after a restart)."""
    if run.force:
        return [source.name for source in run.config.kpi_sources]
    since = run.now - timedelta(minutes=run.config.scheduler.sweep_minutes)
    due = []
    for source in run.config.kpi_sources:
        trigger = source_trigger(source, run.config.company.timezone)
        at = trigger.get_next_fire_time(None, since)
        if at is not None and at <= run.now:
            due.append(source.name)
    return due


def kpi_pulls(run: JobRun) -> int:
    """Pull the due sources; how many new readings were written."""
    from commands.operations.kpi_pull import pull_sources

    written = 0
    for name in due_sources(run):
        for result in pull_sources(engine=run.engine, config=run.config, only=name):
            written += result.created
            if result.error:
                log.warning("kpi pull failed", extra={"source": name, "error": result.error})
            elif result.problems:
                log.warning(
                    "kpi pull rejected rows",
                    extra={"source": name, "problems": result.problems[:10]},
                )
    return written
