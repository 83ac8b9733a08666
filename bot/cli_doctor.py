"""`okrbot doctor`: what is missing before the first week, and how to fix it."""

from __future__ import annotations

import typer

from bot.cli import ConfigOption, app, friendly_errors, t
from bot.cli_kpi import opened

MARKS = {"ok": "✓", "warning": "!", "problem": "✗"}


@app.command("doctor")
def doctor(config: ConfigOption = None) -> None:
    """Check the set-up: config, database schema, each enabled platform's credentials and
    scopes, the Chinese chart font, the encryption key, admins and HR, people without a chat
    account, KPIs without targets, an active cycle. Exit 0 only when nothing is missing."""
    with friendly_errors():
        from bot.doctor import Verdict, run_checks

        with opened(config) as runtime:
            findings = run_checks(runtime)
        for finding in findings:
            line = t(f"doctor.{finding.key}.{finding.verdict.value}", **finding.params)
            typer.echo(f"{MARKS[finding.verdict.value]} {line}")
        problems = sum(f.verdict is Verdict.PROBLEM for f in findings)
        warnings = sum(f.verdict is Verdict.WARNING for f in findings)
        key = "doctor.summary.ready" if not problems and not warnings else "doctor.summary.missing"
        counted = {
            "problems": t("doctor.summary.problems", count=problems),
            "warnings": t("doctor.summary.warnings", count=warnings),
        }
        typer.echo(t(key, **counted))
    if problems or warnings:
        raise typer.Exit(1)
