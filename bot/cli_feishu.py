"""`okrbot sync feishu`: departments, members and leaders from the Feishu contact API."""

from __future__ import annotations

from typing import TYPE_CHECKING

import typer

from bot.cli import ConfigOption, WorkspaceOption, app, config_path, fail, friendly_errors

if TYPE_CHECKING:
    from bot.feishu.org_sync import SyncReport
    from bot.runtime import Runtime

sync_app = typer.Typer(help="Read the org chart from a platform.", no_args_is_help=True)
app.add_typer(sync_app, name="sync")


@sync_app.command("feishu")
def sync_feishu(workspace: WorkspaceOption = None, config: ConfigOption = None) -> None:
    """Departments, members and leaders from Feishu into people, departments and managers.
    Safe to re-run: rows are matched by Feishu department id and by email, updated in place."""
    with friendly_errors():
        from bot.runtime import open_runtime

        runtime = open_runtime(config_path(config))
        slug = workspace or runtime.config.company.workspace
        try:
            report = _sync(runtime, slug)
        finally:
            runtime.engine.dispose()
        typer.echo(
            f"Feishu sync into {slug}: departments {report.departments_created} new, "
            f"{report.departments_updated} changed; people {report.people_created} new, "
            f"{report.people_updated} changed; "
            f"{report.skipped_without_email} without an email skipped."
        )


def _sync(runtime: Runtime, slug: str) -> SyncReport:
    """Read the whole org chart from Feishu first, then write it in one transaction."""
    from bot.company_setup import ensure_company_workspace
    from bot.feishu.api import build_client
    from bot.feishu.contact import ContactError, departments, members
    from bot.feishu.credentials import credentials_from_env
    from bot.feishu.org_sync import apply_org
    from storage.db import session_scope
    from storage.repos import workspaces

    settings = runtime.config.feishu
    credentials = credentials_from_env(settings)
    if not credentials.app_id or not credentials.app_secret:
        raise fail(f"Set ${settings.app_id_env} and ${settings.app_secret_env} first.")
    client = build_client(credentials, settings.domain)
    try:
        found_departments = departments(client)
        found_users = members(client, [d.open_id for d in found_departments])
    except ContactError as error:
        raise fail(f"{error}. Check the app's contact permissions (docs/feishu.md).") from None
    with session_scope(runtime.engine) as session:
        target = workspaces.get_by_slug(session=session, slug=slug)
        if target is None and slug == runtime.config.company.workspace:
            target = ensure_company_workspace(session=session, config=runtime.config)
        if target is None:
            raise fail(f"No workspace {slug!r}.")
        return apply_org(
            session=session, workspace=target, departments=found_departments, users=found_users
        )
