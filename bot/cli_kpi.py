"""KPI commands: `okrbot kpi token create`, `okrbot import kpi`, `okrbot kpi pull`,
`okrbot export assessment`."""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import TYPE_CHECKING, Annotated

import typer

from bot.cli import (
    ConfigOption,
    WorkspaceOption,
    app,
    config_path,
    export_app,
    fail,
    friendly_errors,
    import_app,
    left_out,
    t,
)

if TYPE_CHECKING:
    from sqlmodel import Session

    from bot.runtime import Runtime
    from storage.models import Workspace

EXIT_REJECTED = 1
EXIT_REFUSED = 2

kpi_app = typer.Typer(help="KPI data feeds: API tokens and SQL pulls.", no_args_is_help=True)
token_app = typer.Typer(help="Tokens for POST /api/v1/kpi/readings.", no_args_is_help=True)
kpi_app.add_typer(token_app, name="token")
app.add_typer(kpi_app, name="kpi")


@contextmanager
def opened(config: Path | None) -> Iterator[Runtime]:
    """The runtime for one command; its connections are closed afterwards."""
    from bot.runtime import open_runtime

    runtime = open_runtime(config_path(config))
    try:
        yield runtime
    finally:
        runtime.engine.dispose()


def workspace_for(session: Session, runtime: Runtime, slug: str | None) -> Workspace:
    """The workspace a CLI command works on: `--workspace`, else `company.workspace`, else the
    database's only workspace (so `okrbot demo` then `okrbot export …` just works); a clear
    exit naming the known workspaces otherwise."""
    from storage.repos import workspaces

    name = slug or runtime.config.company.workspace
    found = workspaces.get_by_slug(session=session, slug=name)
    if found is not None:
        return found
    known = workspaces.list_all(session=session)
    if slug is None and len(known) == 1:
        return known[0]
    if not known:
        raise fail(t("kpi.cli.no_workspace", workspace=name), EXIT_REFUSED)
    slugs = ", ".join(sorted(w.slug for w in known))
    raise fail(t("kpi.cli.unknown_workspace", workspace=name, known=slugs), EXIT_REFUSED)


@token_app.command("create")
def token_create(
    name: Annotated[str, typer.Option("--name", help="What will use it, e.g. mes-line-3.")] = "api",
    workspace: WorkspaceOption = None,
    config: ConfigOption = None,
) -> None:
    """Mint an API token for a workspace; it is shown once (only its hash is stored)."""
    with friendly_errors():
        from storage.db import session_scope
        from storage.repos import kpi_tokens

        with opened(config) as runtime, session_scope(runtime.engine) as session:
            ws = workspace_for(session, runtime, workspace)
            row, token = kpi_tokens.create(session=session, workspace_id=ws.id or 0, name=name)
            typer.echo(t("kpi.cli.token_created", name=row.name, workspace=ws.slug))
            typer.echo(token)


@token_app.command("list")
def token_list(workspace: WorkspaceOption = None, config: ConfigOption = None) -> None:
    """The workspace's API tokens: name, prefix, created, revoked (never the token)."""
    with friendly_errors():
        from storage.db import session_scope
        from storage.repos import kpi_tokens

        with opened(config) as runtime, session_scope(runtime.engine) as session:
            ws = workspace_for(session, runtime, workspace)
            rows = kpi_tokens.listed(session=session, workspace_id=ws.id or 0)
            if not rows:
                typer.echo(t("kpi.cli.no_tokens", workspace=ws.slug))
            for row in rows:
                revoked = row.revoked_at.isoformat() if row.revoked_at else "-"
                typer.echo(
                    f"{row.name:<24} {row.prefix:<14} {row.created_at.isoformat()}  {revoked}"
                )


@token_app.command("revoke")
def token_revoke(
    name_or_prefix: Annotated[
        str, typer.Argument(metavar="NAME|PREFIX", help="The token's name or its first characters.")
    ],
    workspace: WorkspaceOption = None,
    config: ConfigOption = None,
) -> None:
    """Revoke a KPI API token at once (by its name or the prefix `okrbot kpi token list` shows);
    audit-logged."""
    with friendly_errors():
        from storage.db import session_scope
        from storage.models import Platform
        from storage.repos import audit, kpi_tokens
        from storage.types import utcnow

        with opened(config) as runtime, session_scope(runtime.engine) as session:
            ws = workspace_for(session, runtime, workspace)
            count = kpi_tokens.revoke(
                session=session,
                workspace_id=ws.id or 0,
                name_or_prefix=name_or_prefix,
                now=utcnow(),
            )
            if not count:
                raise fail(
                    t("kpi.cli.no_such_token", token=name_or_prefix, workspace=ws.slug),
                    EXIT_REFUSED,
                )
            audit.record(
                session=session,
                workspace_id=ws.id or 0,
                actor_id=None,
                platform=Platform.CLI,
                action="kpi_token_revoke",
                entity_type="kpi_api_token",
                entity_id=None,
                entity_ref=name_or_prefix[:64],
                after={"count": count},
            )
            typer.echo(
                t("kpi.cli.token_revoked", count=count, token=name_or_prefix, workspace=ws.slug)
            )


@import_app.command("kpi")
def import_kpi(
    file: Annotated[
        Path, typer.Argument(metavar="FILE", help="CSV or XLSX: id,kpi,scope,period,value.")
    ],
    workspace: WorkspaceOption = None,
    config: ConfigOption = None,
) -> None:
    """Load KPI readings from CSV or Excel. Bad rows are listed and skipped.

    \b
    scope: company, department:NAME or person:EMAIL; id optional (re-import is safe).
    Exit codes: 0 all rows loaded, 1 some rows rejected, 2 nothing read.
    """
    with friendly_errors():
        from commands.operations.kpi_intake import explain, ingest
        from storage.db import session_scope
        from storage.kpi_files import COLUMNS, KpiFileError, read_rows
        from storage.models import ReadingSource

        try:
            records = read_rows(file)
        except KpiFileError as error:
            message = t(f"kpi.cli.file.{error.reason}", file=file, **error.params)
            raise fail(message, EXIT_REFUSED) from None
        with opened(config) as runtime, session_scope(runtime.engine) as session:
            ws = workspace_for(session, runtime, workspace)
            numbered = records.rows
            report = ingest(
                [row for _, row in numbered],
                session=session,
                workspace=ws,
                source=ReadingSource.IMPORT,
                need_id=True,
                alert_channel=runtime.config.kpi_alerts.channel,
            )
        typer.echo(
            t(
                "kpi.cli.imported",
                file=file.name,
                created=len(report.written),
                duplicates=report.duplicates,
                rejected=len(report.rejected),
                alerts=report.alerts,
            )
        )
        left_out(records.ignored, COLUMNS)
        for rejection in report.rejected:
            line = numbered[rejection.index][0]
            typer.echo(t("kpi.cli.rejected_row", line=line, reason=explain(rejection)))
    if report.rejected:
        raise typer.Exit(EXIT_REJECTED)


@import_app.command("kpi-targets")
def import_kpi_targets(
    file: Annotated[
        Path,
        typer.Argument(
            metavar="FILE", help="CSV or XLSX: code,scope,target,warning,critical,period."
        ),
    ],
    workspace: WorkspaceOption = None,
    config: ConfigOption = None,
) -> None:
    """Set KPI targets from CSV or Excel, as /kpi target does. Bad rows are listed by line
    and skipped.

    \b
    scope: company, department:NAME or person:EMAIL; warning, critical and period optional
    (no period: every period). Importing again changes only what differs.
    Exit codes: 0 every row set, 1 some rows rejected, 2 nothing read.
    """
    with friendly_errors():
        from storage.db import session_scope
        from storage.kpi_files import KpiFileError
        from storage.kpi_target_import import COLUMNS as TARGET_COLUMNS
        from storage.kpi_target_import import import_targets

        with opened(config) as runtime, session_scope(runtime.engine) as session:
            ws = workspace_for(session, runtime, workspace)
            try:
                report = import_targets(session=session, workspace_id=ws.id or 0, path=file)
            except KpiFileError as error:
                message = t(f"kpi.cli.file.{error.reason}", file=file, **error.params)
                raise fail(message, EXIT_REFUSED) from None
        typer.echo(
            t(
                "kpi.cli.targets_imported",
                file=file.name,
                created=report.created,
                changed=report.changed,
                unchanged=report.unchanged,
                rejected=len(report.rejected),
            )
        )
        left_out(report.ignored_columns, TARGET_COLUMNS)
        for problem in report.rejected:
            reason = t(f"kpi.target.error.{problem.reason}", **problem.params)
            typer.echo(t("kpi.cli.rejected_row", line=problem.line, reason=reason))
        for problem in report.flagged:
            typer.echo(t("kpi.cli.target_flagged", line=problem.line, **problem.params))
    if report.rejected:
        raise typer.Exit(EXIT_REJECTED)


@export_app.command("assessment")
def export_assessment(
    period: Annotated[str, typer.Option("--period", help="Period label, e.g. 2026-11 or 2026-Q4.")],
    file_format: Annotated[str, typer.Option("--format", help="csv or xlsx.")] = "csv",
    output: Annotated[Path | None, typer.Option("--output", help="File to write.")] = None,
    workspace: WorkspaceOption = None,
    config: ConfigOption = None,
) -> None:
    """KPI assessment for HR: completion per KPI, weighted score and pay band per person."""
    with friendly_errors():
        from commands.operations.kpi_export import assessment_rows, write_table
        from commands.operations.kpi_settings import KpiSettings
        from storage import periods
        from storage.db import session_scope

        if file_format not in {"csv", "xlsx"}:
            raise fail(t("kpi.cli.bad_format", format=file_format), EXIT_REFUSED)
        if not periods.is_valid(period):
            raise fail(t("kpi.reject.bad_period", period=period), EXIT_REFUSED)
        label = periods.normalise(period)
        target = output or Path(f"assessment-{label}.{file_format}")
        with opened(config) as runtime, session_scope(runtime.engine) as session:
            ws = workspace_for(session, runtime, workspace)
            rows = assessment_rows(
                session=session,
                workspace_id=ws.id or 0,
                period=label,
                settings=KpiSettings.of(runtime.config),
            )
        write_table(rows, target, file_format)
        people_count = len({row["email"] for row in rows})
        typer.echo(t("kpi.cli.exported", file=target, people=people_count, rows=len(rows)))


@kpi_app.command("pull")
def pull(
    source: Annotated[str | None, typer.Option("--source", help="Only this source.")] = None,
    workspace: WorkspaceOption = None,
    config: ConfigOption = None,
) -> None:
    """Run the SQL pulls of kpi_sources in app.yaml now (the scheduler runs them too)."""
    with friendly_errors():
        from commands.operations.kpi_pull import pull_sources

        with opened(config) as runtime:
            if not runtime.config.kpi_sources:
                raise fail(t("kpi.cli.no_sources"), EXIT_REFUSED)
            results = pull_sources(
                engine=runtime.engine, config=runtime.config, workspace=workspace, only=source
            )
    failed = False
    for result in results:
        if result.error:
            failed = True
            typer.echo(t("kpi.cli.pull_failed", source=result.source, error=result.error))
            continue
        typer.echo(
            t(
                "kpi.cli.pulled",
                source=result.source,
                rows=result.rows,
                created=result.created,
                duplicates=result.duplicates,
                rejected=len(result.problems),
                alerts=result.alerts,
            )
        )
        for problem in result.problems:
            typer.echo(f"  {problem}")
    if failed or any(r.problems for r in results):
        raise typer.Exit(EXIT_REJECTED)
