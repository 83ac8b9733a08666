"""What every job run gets: the engine, the settings, the time, and whether it was forced."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Protocol

from sqlalchemy.engine import Engine

from bot.config import AppConfig
from bot.scheduler.slots import Slot
from storage.models import Person, SchedulePreference, Workspace


@dataclass(frozen=True)
class JobRun:
    """One run of a job. `force` (okrbot jobs run) ignores the time of day, not the keys."""

    engine: Engine
    config: AppConfig
    now: datetime
    force: bool = False

    @property
    def catch_up(self) -> timedelta:
        return timedelta(hours=self.config.checkins.catch_up_hours)

    @property
    def working_days(self) -> tuple[str, ...]:
        return tuple(self.config.checkins.working_days)

    def due(self, slot: Slot) -> bool:
        """Whether a person's slot is due now (always, when forced, unless no working day)."""
        if self.force:
            return slot.occurrence(self.now, self.working_days) is not None
        return slot.is_due(self.now, catch_up=self.catch_up, working_days=self.working_days)


class _Zoned(Protocol):
    @property
    def timezone(self) -> str | None: ...


def zone_of(person: _Zoned, workspace: Workspace) -> str:
    return person.timezone or workspace.timezone or "UTC"


def checkin_slot(
    run: JobRun, person: Person, workspace: Workspace, pref: SchedulePreference | None
) -> Slot:
    """The person's check-in slot: their own day and time when chosen, else app.yaml's."""
    day = (pref.checkin_day if pref else None) or run.config.checkins.day
    at = (pref.checkin_time if pref else None) or run.config.checkins.time
    return Slot(day=day, at=at, zone=zone_of(person, workspace))


def paused(
    run: JobRun, person: Person, workspace: Workspace, pref: SchedulePreference | None
) -> bool:
    """True while the person paused prompts (`/okr pause until DATE`)."""
    if pref is None or pref.paused_until is None:
        return False
    from bot.scheduler.slots import local_date

    return local_date(run.now, zone_of(person, workspace)) < pref.paused_until
