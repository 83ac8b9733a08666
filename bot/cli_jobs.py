"""`okrbot jobs list|run NAME`: the scheduled jobs, their next run; run one now (idempotent)."""

from __future__ import annotations

from typing import Annotated

import typer

from bot.cli import ConfigOption, app, config_path, fail, friendly_errors, t

jobs_app = typer.Typer(help="Scheduled jobs: prompts, nudges, digests.", no_args_is_help=True)
app.add_typer(jobs_app, name="jobs")


@jobs_app.command("list")
def jobs_list(config: ConfigOption = None) -> None:
    """Each job with its next run (UTC, the earliest over people's time zones)."""
    with friendly_errors():
        from bot.runtime import open_runtime
        from bot.scheduler.registry import next_runs
        from storage.types import utcnow

        runtime = open_runtime(config_path(config))
        try:
            runs = next_runs(runtime.engine, runtime.config, utcnow())
        finally:
            runtime.engine.dispose()
        for name, at in runs.items():
            typer.echo(f"{name:<20} {at.isoformat() if at else 'off'}")


@jobs_app.command("run")
def jobs_run(
    name: Annotated[str, typer.Argument(help="checkin_prompt, checkin_nudge, kpi_pull, ...")],
    config: ConfigOption = None,
) -> None:
    """Run a job now for everyone, whatever the time of day; what was already queued this
    week is not queued again."""
    with friendly_errors():
        from bot.runtime import open_runtime
        from bot.scheduler.registry import JOBS
        from bot.scheduler.service import run_job

        if name not in JOBS:
            raise fail(t("jobs.no_such_job", name=name, jobs=", ".join(JOBS)))
        runtime = open_runtime(config_path(config))
        try:
            queued = run_job(runtime, name, force=True)
        finally:
            runtime.engine.dispose()
        typer.echo(t(f"jobs.ran.{JOBS[name].counts}", name=name, count=queued))
