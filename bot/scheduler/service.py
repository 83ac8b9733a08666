"""The scheduler `okrbot serve` runs: APScheduler in the leader replica only.

Jobs are rebuilt from app.yaml and okrbot's tables (never a shared job store) whenever this
process becomes the leader, and refreshed by the sweep, which also re-runs every job: jobs
are idempotent by key, so the sweep only catches up what downtime or a misfire left out.
"""

from __future__ import annotations

import logging
import threading
from collections.abc import Callable

from apscheduler.events import (
    EVENT_JOB_ERROR,
    EVENT_JOB_EXECUTED,
    EVENT_JOB_MISSED,
    JobExecutionEvent,
)
from apscheduler.schedulers.background import BackgroundScheduler
from apscheduler.triggers.date import DateTrigger
from apscheduler.triggers.interval import IntervalTrigger

from bot import metrics
from bot.runtime import Runtime
from bot.scheduler.context import JobRun
from bot.scheduler.leader import LeaderLock
from bot.scheduler.registry import JOBS, triggers, zones_and_custom_slots
from storage.types import utcnow

log = logging.getLogger("okrbot.scheduler")


def run_job(runtime: Runtime, name: str, *, force: bool = False) -> int:
    """Run one job now; how many messages it queued (0 when all were already queued)."""
    return JOBS[name].run(JobRun(runtime.engine, runtime.config, utcnow(), force=force))


def sweep(runtime: Runtime) -> None:
    for name in JOBS:
        try:
            run_job(runtime, name)
        except Exception:
            log.exception("job failed", extra={"job": name})


def install_jobs(
    scheduler: BackgroundScheduler,
    runtime: Runtime,
    run: Callable[[Runtime, str], object] = run_job,
) -> None:
    """(Re)build the cron jobs: one per job, zone and slot, each run through `run`."""
    config = runtime.config
    zones, custom = zones_and_custom_slots(runtime.engine)
    wanted: set[str] = {"sweep"}
    for name, spec in JOBS.items():
        for job_id, trigger in triggers(spec, config, zones, custom).items():
            wanted.add(job_id)
            scheduler.add_job(run, trigger, args=(runtime, name), id=job_id, replace_existing=True)
    for job in scheduler.get_jobs():
        if job.id not in wanted:
            job.remove()


JOB_EVENTS = EVENT_JOB_EXECUTED | EVENT_JOB_ERROR | EVENT_JOB_MISSED


def count_job_event(runtime: Runtime) -> Callable[[JobExecutionEvent], None]:
    """An APScheduler listener counting runs (ok/error) and missed runs per job name."""

    def listener(event: JobExecutionEvent) -> None:
        observed = metrics.recorder(runtime.engine)
        if observed is None:
            return
        job = metrics.job_name(event.job_id)
        if event.code == EVENT_JOB_MISSED:
            observed.jobs_missed.labels(job).inc()
        else:
            outcome = "error" if event.exception is not None else "ok"
            observed.jobs_run.labels(job, outcome).inc()

    return listener


def _set_leader(runtime: Runtime, value: int) -> None:
    observed = metrics.recorder(runtime.engine)
    if observed is not None:
        observed.leader.set(value)


class SchedulerService:
    """Polls for leadership; the leader runs APScheduler, followers wait to take over."""

    name = "scheduler"

    def __init__(self, runtime: Runtime) -> None:
        self.runtime = runtime
        self.lock = LeaderLock(runtime.engine)
        self._stop = threading.Event()
        self._thread: threading.Thread | None = None
        self.scheduler: BackgroundScheduler | None = None

    def _lead(self) -> None:
        config = self.runtime.config.scheduler
        scheduler = BackgroundScheduler(
            timezone="UTC",
            job_defaults={
                "coalesce": True,
                "misfire_grace_time": config.misfire_grace_seconds,
                "max_instances": 1,
            },
        )

        def refresh_and_sweep() -> None:
            if not self.still_leading():
                return
            install_jobs(scheduler, self.runtime, self.run_if_leading)
            sweep(self.runtime)

        install_jobs(scheduler, self.runtime, self.run_if_leading)
        # APScheduler fires on the machine's time; what is due is decided inside each job from
        # okrbot's clock (`JobRun.now`), so the sweep also catches up a clock moved by a test.
        scheduler.add_job(
            refresh_and_sweep, IntervalTrigger(minutes=config.sweep_minutes), id="sweep"
        )
        # ... and at once after a restart or takeover (a date trigger with no date fires now).
        scheduler.add_job(refresh_and_sweep, DateTrigger(), id="sweep@now")
        scheduler.add_listener(count_job_event(self.runtime), JOB_EVENTS)
        scheduler.start()
        self.scheduler = scheduler
        _set_leader(self.runtime, 1)
        log.info("scheduler: leading")

    def still_leading(self) -> bool:
        """Ask the lock's own connection before a job runs; on a lost connection step down at
        once (stop the schedules) rather than at the next poll, so two replicas never run
        jobs at the same time."""
        if self.lock.holds():
            return True
        self._follow()
        return False

    def run_if_leading(self, runtime: Runtime, name: str) -> int | None:
        """A scheduled job's run: only while this replica still holds the lock."""
        if not self.still_leading():
            log.warning("job skipped: not leading", extra={"job": name})
            return None
        return run_job(runtime, name)

    def _follow(self) -> None:
        if self.scheduler is not None:
            self.scheduler.shutdown(wait=False)
            self.scheduler = None
            _set_leader(self.runtime, 0)
            log.info("scheduler: lost the lead")

    def loop(self) -> None:
        while not self._stop.is_set():
            if self.lock.poll():
                if self.scheduler is None:
                    self._lead()
            else:
                self._follow()
            self._stop.wait(self.runtime.config.scheduler.leader_poll_seconds)
        self._follow()
        self.lock.release()

    def start(self) -> None:
        self._thread = threading.Thread(target=self.loop, name="scheduler", daemon=True)
        self._thread.start()

    def stop(self) -> None:
        self._stop.set()
        if self._thread is not None:
            self._thread.join(timeout=10)
