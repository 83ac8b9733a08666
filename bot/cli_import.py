"""`okrbot import people FILE.csv`: load an org chart into a workspace."""

from __future__ import annotations

import re
import sys
from collections.abc import Callable
from contextlib import ExitStack
from pathlib import Path
from typing import TYPE_CHECKING, Annotated

import typer

from bot.cli import (
    ConfigOption,
    WorkspaceOption,
    config_path,
    fail,
    friendly_errors,
    import_app,
    left_out,
    t,
)

if TYPE_CHECKING:
    from storage.people_import import ImportReport

EXIT_REJECTED = 1
EXIT_REFUSED = 2
PROGRESS_MIN_ROWS = 1000
SLUG_RE = re.compile(r"^[a-z0-9][a-z0-9_-]{0,63}$")  # as company.workspace in app.yaml

FileArgument = Annotated[
    Path,
    typer.Argument(
        metavar="FILE",
        help="CSV or XLSX file with a header row: email,name,manager_email,department,title,"
        "timezone,locale,role,slack_user_id,feishu_open_id (email and name required; role is "
        "employee, manager, hr_admin or admin, empty keeps the current one).",
    ),
]


@import_app.command("people")
def import_people_command(
    file: FileArgument,
    workspace: WorkspaceOption = None,
    config: ConfigOption = None,
) -> None:
    """Load people from a CSV or XLSX file into a workspace, upserting by email.

    Departments are created by name; a manager may come anywhere in the file.

    Rows with problems are listed and skipped; the other rows load.

    \b
    Exit codes:
      0  every row loaded
      1  some rows were rejected (the others loaded)
      2  nothing loaded: manager cycle, unreadable file, or config/schema problem
    """
    with friendly_errors():
        from bot.company_setup import apply_config, apply_people_settings
        from bot.runtime import open_runtime
        from storage.db import session_scope
        from storage.models import Platform
        from storage.people_import import ImportFileError, import_people
        from storage.repos import workspaces

        runtime = open_runtime(config_path(config))
        company = runtime.config.company
        slug = workspace or company.workspace
        if not SLUG_RE.match(slug):
            raise fail(t("import.bad_workspace", workspace=slug), EXIT_REFUSED)
        with session_scope(runtime.engine) as session, _Progress() as progress:
            ws = workspaces.ensure(
                session=session,
                slug=slug,
                name=company.name,
                platform=Platform.CONSOLE,
                external_id=slug,
                timezone=company.timezone,
                language=company.language,
            )
            assert ws.id is not None
            if slug == company.workspace:
                # The company's workspace gets app.yaml's cycles and KPIs from its first day.
                apply_config(session=session, workspace=ws, config=runtime.config)
            try:
                report = import_people(
                    session=session, workspace_id=ws.id, path=file, on_progress=progress
                )
            except ImportFileError as error:
                message = t(f"import.file.{error.reason}", file=file, **error.params)
                raise fail(message, EXIT_REFUSED) from None
            if slug == company.workspace and report.cycle is None:
                apply_people_settings(session=session, workspace=ws, config=runtime.config)
            if report.cycle is not None:
                # Raising inside the session rolls back the workspace created above too.
                cycle = " → ".join([*report.cycle, report.cycle[0]])
                raise fail(t("import.cycle", file=file.name, cycle=cycle), EXIT_REFUSED)
        _print_report(report, file=file, workspace=slug)
    if report.rejected:
        raise typer.Exit(EXIT_REJECTED)


def _print_report(report: ImportReport, *, file: Path, workspace: str) -> None:
    from storage.people_import import KNOWN_COLUMNS

    typer.echo(
        t(
            "import.summary",
            file=file.name,
            workspace=workspace,
            created=report.created,
            updated=report.updated,
            unchanged=report.unchanged,
            rejected=len(report.rejected),
        )
    )
    left_out(report.ignored_columns, KNOWN_COLUMNS)
    for row in report.rejected:
        reason = t(f"import.reason.{row.reason}", **row.params)
        key = "import.rejected_row" if row.email else "import.rejected_row_no_email"
        typer.echo(t(key, line=row.line, email=row.email, reason=reason))


class _Progress:
    """A progress bar on stderr for large files, drawn only when stderr is a terminal."""

    def __init__(self) -> None:
        self._stack = ExitStack()
        self._update: Callable[[int], None] | None = None
        self._shown = 0

    def __enter__(self) -> _Progress:
        return self

    def __exit__(self, *exc: object) -> None:
        self._stack.close()

    def __call__(self, done: int, total: int) -> None:
        if self._update is None:
            if total < PROGRESS_MIN_ROWS or not sys.stderr.isatty():
                return
            bar = typer.progressbar(length=total, label=t("import.progress"), file=sys.stderr)
            self._update = self._stack.enter_context(bar).update
        self._update(done - self._shown)
        self._shown = done
