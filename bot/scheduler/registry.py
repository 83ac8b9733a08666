"""The jobs, by name, with the weekly slots that trigger them (one cron trigger per zone)."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from datetime import UTC, datetime
from zoneinfo import ZoneInfo

from apscheduler.triggers.cron import CronTrigger
from sqlalchemy.engine import Engine
from sqlmodel import select

from bot.config import AppConfig
from bot.scheduler.checkins import checkin_prompts, escalations, nudges
from bot.scheduler.context import JobRun
from bot.scheduler.cycles_job import cycle_triggers, move_cycles
from bot.scheduler.digest_jobs import hr_digests, manager_digests
from bot.scheduler.flow_expiry_job import expire_flows, expiry_triggers
from bot.scheduler.kpi_pull_job import kpi_pulls, pull_triggers
from bot.scheduler.read_receipts_job import read_receipt_triggers, read_receipts
from bot.scheduler.retention_job import retention, retention_triggers
from storage.db import session_scope
from storage.models import Person, SchedulePreference, Workspace


@dataclass(frozen=True)
class JobSpec:
    name: str
    run: Callable[[JobRun], int]
    slots: Callable[[AppConfig], list[tuple[str, str]]]  # (day, HH:MM) in app.yaml
    # A job with its own schedule (not weekly in people's zones): trigger id -> trigger.
    custom: Callable[[AppConfig], dict[str, CronTrigger]] | None = None
    counts: str = "queued"  # what a run's number counts: the catalog's jobs.ran.<counts>


JOBS: dict[str, JobSpec] = {
    spec.name: spec
    for spec in (
        JobSpec("checkin_prompt", checkin_prompts, lambda c: [(c.checkins.day, c.checkins.time)]),
        JobSpec(
            "checkin_nudge",
            nudges,
            lambda c: [(c.checkins.nudge_day, c.checkins.time)] if c.checkins.nudge_day else [],
        ),
        JobSpec(
            "checkin_escalation",
            escalations,
            lambda c: (
                [(c.checkins.escalation_day, c.checkins.time)]
                if c.checkins.escalate_after_missed
                else []
            ),
        ),
        JobSpec(
            "manager_digest",
            manager_digests,
            lambda c: (
                [(c.digests.manager.day, c.digests.manager.time)]
                if c.digests.manager.enabled
                else []
            ),
        ),
        JobSpec(
            "hr_digest",
            hr_digests,
            lambda c: [(c.digests.hr.day, c.digests.hr.time)] if c.digests.hr.enabled else [],
        ),
        JobSpec("flow_expiry", expire_flows, lambda c: [], expiry_triggers, "flows_closed"),
        JobSpec("kpi_pull", kpi_pulls, lambda c: [], pull_triggers, "kpi_readings"),
        JobSpec("retention", retention, lambda c: [], retention_triggers, "rows_expired"),
        JobSpec("cycles", move_cycles, lambda c: [], cycle_triggers, "cycles_moved"),
        JobSpec(
            "read_receipts",
            read_receipts,
            lambda c: [],
            read_receipt_triggers,
            "read_receipts",
        ),
    )
}


def zones_and_custom_slots(engine: Engine) -> tuple[set[str], set[tuple[str, str]]]:
    """Every time zone people are in, and the check-in slots people chose themselves."""
    with session_scope(engine) as session:
        zones = {str(z) for z in session.exec(select(Person.timezone).distinct()) if z}
        zones |= {str(z) for z in session.exec(select(Workspace.timezone).distinct()) if z}
        custom = {
            (pref.checkin_day or "", pref.checkin_time or "")
            for pref in session.exec(select(SchedulePreference))
            if pref.checkin_day or pref.checkin_time
        }
    return zones or {"UTC"}, custom


def triggers(
    spec: JobSpec, config: AppConfig, zones: set[str], custom: set[tuple[str, str]]
) -> dict[str, CronTrigger]:
    """One cron trigger per (zone, day, time) of a job, keyed `name@zone@day@HH:MM` (a job
    with its own schedule has its own keys)."""
    if spec.custom is not None:
        return spec.custom(config)
    slots = set(spec.slots(config))
    if spec.name == "checkin_prompt":
        base_day, base_time = config.checkins.day, config.checkins.time
        slots |= {(day or base_day, at or base_time) for day, at in custom}
    found: dict[str, CronTrigger] = {}
    for zone in sorted(zones):
        for day, at in sorted(slots):
            hour, minute = at.split(":")
            found[f"{spec.name}@{zone}@{day}@{at}"] = CronTrigger(
                day_of_week=day, hour=int(hour), minute=int(minute), timezone=ZoneInfo(zone)
            )
    return found


def next_runs(engine: Engine, config: AppConfig, now: datetime) -> dict[str, datetime | None]:
    """Each job's next fire time (UTC), the earliest over its zones."""
    zones, custom = zones_and_custom_slots(engine)
    result: dict[str, datetime | None] = {}
    for name, spec in JOBS.items():
        times = [
            t.get_next_fire_time(None, now) for t in triggers(spec, config, zones, custom).values()
        ]
        found = [t for t in times if t is not None]
        result[name] = min(found).astimezone(UTC) if found else None
    return result
