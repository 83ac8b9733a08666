"""`okrbot audit`: the audit log from the shell, as text or JSON."""

from __future__ import annotations

from datetime import date
from enum import StrEnum
from typing import Annotated

import typer

from bot.cli import ConfigOption, WorkspaceOption, app, fail, friendly_errors, t


class Format(StrEnum):
    TEXT = "text"
    JSON = "json"


def _day(value: str | None, option: str) -> date | None:
    if value is None:
        return None
    try:
        return date.fromisoformat(value)
    except ValueError:
        raise fail(t("audit.cli.bad_date", option=option, date=value)) from None


@app.command("audit")
def audit_log(
    person: Annotated[
        str | None, typer.Option("--person", help="Only changes made by this person (email).")
    ] = None,
    since: Annotated[
        str | None, typer.Option("--since", help="From this day (YYYY-MM-DD, company time zone).")
    ] = None,
    until: Annotated[
        str | None, typer.Option("--until", help="To this day, inclusive (YYYY-MM-DD).")
    ] = None,
    fmt: Annotated[Format, typer.Option("--format", help="text or json.")] = Format.TEXT,
    limit: Annotated[
        int, typer.Option("--limit", min=1, help="At most this many, newest first.")
    ] = 1000,
    workspace: WorkspaceOption = None,
    config: ConfigOption = None,
) -> None:
    """Who changed what (objectives, KRs, targets, approvals, KPI readings, settings), when and
    from where (slack, feishu, console, api, cli, import), newest first."""
    first, last = _day(since, "--since"), _day(until, "--until")
    if first and last and last < first:
        raise fail(t("audit.bad_range", since=first.isoformat(), until=last.isoformat()))
    with friendly_errors():
        import json
        from zoneinfo import ZoneInfo

        from bot.cli import config_path
        from bot.cli_kpi import opened, workspace_for
        from commands.operations.audit_entries import day_bounds, entries
        from storage.db import session_scope
        from storage.repos import people

        with opened(config_path(config)) as runtime, session_scope(runtime.engine) as session:
            ws = workspace_for(session, runtime, workspace)
            assert ws.id is not None
            actor_id: int | None = None
            if person is not None:
                found = people.find(session=session, workspace_id=ws.id, query=person)
                if len(found) != 1:
                    raise fail(t("audit.cli.unknown_person", person=person, workspace=ws.slug))
                actor_id = found[0].id
            start, end = day_bounds(first, last, ZoneInfo(ws.timezone))
            shown, total = entries(
                session=session,
                workspace_id=ws.id,
                actor_id=actor_id,
                since=start,
                until=end,
                limit=limit,
            )
        if fmt is Format.JSON:
            data = {"workspace": ws.slug, "total": total, "entries": [e.as_json() for e in shown]}
            typer.echo(json.dumps(data, ensure_ascii=False, indent=2))
            return
        for entry in shown:
            who = f"{entry.actor} <{entry.actor_email}>" if entry.actor else t("audit.system")
            line = f"{entry.at.isoformat(timespec='seconds')}  {who}  {entry.action} {entry.entity}"
            typer.echo(
                f"{line}  [{entry.source}]" + (f"  {entry.changes}" if entry.changes else "")
            )
        if not shown:
            typer.echo(t("audit.none"))
        elif total > len(shown):
            typer.echo(t("audit.cli.more", shown=len(shown), total=total), err=True)
