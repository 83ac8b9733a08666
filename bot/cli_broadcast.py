"""`okrbot broadcast --audience … --message …`: the HR broadcast from the command line."""

from __future__ import annotations

from pathlib import Path
from typing import Annotated

import typer

from bot.cli import ConfigOption, WorkspaceOption, app, fail, friendly_errors, t


@app.command("broadcast")
def broadcast(
    audience: Annotated[
        str,
        typer.Option(
            "--audience",
            help="everyone, department:NAME[,NAME], role:ROLE, managers, no-checkin, no-okrs",
        ),
    ],
    message: Annotated[str, typer.Option("--message", help="The text everyone gets.")],
    workspace: WorkspaceOption = None,
    yes: Annotated[bool, typer.Option("--yes", help="Send without asking.")] = False,
    config: ConfigOption = None,
) -> None:
    """Preview the audience size, confirm, then queue one message a person (idempotent)."""
    with friendly_errors():
        from bot.cli_kpi import opened, workspace_for
        from commands.limits import checked
        from commands.operations import broadcasts as broadcast_ops
        from commands.types import CommandError
        from storage.db import session_scope
        from storage.repos import broadcasts
        from storage.types import utcnow

        spec = broadcast_ops.audience_from_text(audience)
        text = message.strip()
        if not text:
            raise fail(t("hr.broadcast.missing"))
        with opened(_path(config)) as runtime, session_scope(runtime.engine) as session:
            ws = workspace_for(session, runtime, workspace)
            assert ws.id is not None
            now = utcnow()
            try:
                checked(text, "broadcast")
                people = broadcast_ops.audience_of(
                    session=session, workspace_id=ws.id, spec=spec, now=now
                )
            except CommandError as error:
                raise fail(t(error.key, **error.params)) from None
            typer.echo(t("hr.cli.preview", count=len(people), audience=spec, workspace=ws.slug))
            if not yes and not typer.confirm(t("hr.cli.confirm"), default=False):
                typer.echo(t("hr.cli.aborted"))
                raise typer.Exit(1)
            row = broadcasts.draft(
                session=session,
                workspace_id=ws.id,
                created_by_id=None,
                audience=spec,
                text=text,
                size=len(people),
                now=now,
            )
            queued = broadcast_ops.send(
                session=session, workspace=ws, broadcast=row, now=now, sender=ws.name
            )
            done = "hr.broadcast.sent" if queued else "hr.broadcast.already_sent"
            typer.echo(t(done, ref=row.id, queued=queued))


def _path(config: Path | None) -> Path | None:
    from bot.cli import config_path

    return config_path(config)
