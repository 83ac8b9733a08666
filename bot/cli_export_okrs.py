"""`okrbot export okrs --cycle C --format csv|xlsx`: a cycle's OKRs for HR, one row per KR."""

from __future__ import annotations

from pathlib import Path
from typing import Annotated

import typer

from bot.cli import ConfigOption, WorkspaceOption, export_app, fail, friendly_errors, t

EXIT_REFUSED = 2


@export_app.command("okrs")
def export_okrs(
    cycle: Annotated[str, typer.Option("--cycle", help="Cycle name, e.g. 2026-Q4.")],
    file_format: Annotated[str, typer.Option("--format", help="csv or xlsx.")] = "csv",
    output: Annotated[Path | None, typer.Option("--output", help="File to write.")] = None,
    include_private: Annotated[
        bool,
        typer.Option(
            "--include-private",
            help="Also export private objectives (left out by default).",
        ),
    ] = False,
    workspace: WorkspaceOption = None,
    config: ConfigOption = None,
) -> None:
    """OKRs of a cycle for HR: owner, department, objective, KR, start/target/current, progress,
    confidence, status, last check-in and scores. Private objectives only with --include-private.
    The export is audit-logged. Exit code 2 when the cycle or format is unknown."""
    with friendly_errors():
        from bot.cli_kpi import opened, workspace_for
        from storage.db import session_scope
        from storage.models import Platform
        from storage.okr_export import cycle_names, okr_rows, write_table
        from storage.repos import audit, okrs

        if file_format not in {"csv", "xlsx"}:
            raise fail(t("okr_export.bad_format", format=file_format), EXIT_REFUSED)
        name = cycle.strip().upper()
        target = output or Path(f"okrs-{name}.{file_format}")
        with opened(config) as runtime, session_scope(runtime.engine) as session:
            ws = workspace_for(session, runtime, workspace)
            assert ws.id is not None
            found = okrs.cycle_by_name(session=session, workspace_id=ws.id, name=name)
            if found is None:
                known = cycle_names(session=session, workspace_id=ws.id)
                message = t(
                    "okr_export.no_cycle",
                    cycle=cycle,
                    workspace=ws.slug,
                    known=", ".join(known) or "—",
                )
                raise fail(message, EXIT_REFUSED)
            table = okr_rows(
                session=session, workspace=ws, cycle=found, include_private=include_private
            )
            write_table(table.rows, target, file_format)
            audit.record(
                session=session,
                workspace_id=ws.id,
                actor_id=None,
                platform=Platform.CLI,
                action="export_okrs",
                entity_type="cycle",
                entity_id=found.id,
                entity_ref=found.name,
                after={
                    "file": str(target),
                    "rows": len(table.rows),
                    "include_private": include_private,
                },
            )
    typer.echo(
        t("okr_export.exported", file=target, objectives=table.objectives, rows=len(table.rows))
    )
    if table.private_left_out:
        typer.echo(t("okr_export.private_left_out", count=table.private_left_out))
