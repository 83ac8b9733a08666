"""`okrbot backup FILE [--workspace W]` and `okrbot restore FILE`: snapshots, either engine."""

from __future__ import annotations

from pathlib import Path
from typing import Annotated

import typer

from bot.cli import ConfigOption, app, config_path, fail, friendly_errors


@app.command("backup")
def backup(
    file: Annotated[Path, typer.Argument(help="Snapshot to write (a zip, e.g. okrbot.backup).")],
    workspace: Annotated[
        str | None,
        typer.Option("--workspace", help="Only this workspace (slug); default: all of them."),
    ] = None,
    config: ConfigOption = None,
) -> None:
    """Write a consistent, compressed snapshot of the database; safe while the bot runs."""
    with friendly_errors():
        from bot.runtime import open_runtime
        from storage.backup import BackupError, write_backup

        runtime = open_runtime(config_path(config))
        try:
            result = write_backup(runtime.engine, file, workspace=workspace)
        except BackupError as error:
            raise fail(str(error)) from None
        finally:
            runtime.engine.dispose()
        scope = f"workspace {workspace}" if workspace else "all workspaces"
        typer.echo(
            f"Backed up {scope}: {result.total_rows} rows in {len(result.rows)} tables, "
            f"schema {result.revision} -> {file} ({file.stat().st_size:,} bytes)."
        )


@app.command("restore")
def restore(
    file: Annotated[Path, typer.Argument(help="Snapshot written by `okrbot backup`.")],
    config: ConfigOption = None,
) -> None:
    """Restore a snapshot into the configured database, which must be empty (any engine)."""
    with friendly_errors():
        from bot.runtime import open_runtime
        from storage.backup import BackupError
        from storage.restore import restore_backup

        runtime = open_runtime(config_path(config), require_current_schema=False)
        try:
            result = restore_backup(runtime.engine, file)
        except BackupError as error:
            raise fail(str(error)) from None
        finally:
            runtime.engine.dispose()
        typer.echo(
            f"Restored {result.total_rows} rows in {len(result.rows)} tables "
            f"(snapshot schema {result.snapshot_revision}, now {result.revision})."
        )
