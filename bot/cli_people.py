"""`okrbot people role EMAIL ROLE`: make someone an HR admin or an admin (or back)."""

from __future__ import annotations

from typing import Annotated

import typer

from bot.cli import ConfigOption, WorkspaceOption, app, fail, friendly_errors, t
from bot.cli_kpi import EXIT_REFUSED, opened, workspace_for

people_app = typer.Typer(help="People and their roles.", no_args_is_help=True)
app.add_typer(people_app, name="people")


@people_app.command("role")
def people_role(
    email: Annotated[str, typer.Argument(metavar="EMAIL", help="The person's email.")],
    role: Annotated[
        str, typer.Argument(metavar="ROLE", help="employee, manager, hr_admin or admin.")
    ],
    workspace: WorkspaceOption = None,
    config: ConfigOption = None,
) -> None:
    """Give a person a role: employee, manager, hr_admin (HR tools: /hr, cycles, KPI
    definitions and targets) or admin (all of that, and roles in chat). Audit-logged."""
    with friendly_errors():
        from storage.db import session_scope
        from storage.models import Platform
        from storage.repos import people
        from storage.roles import change_role, parse_role

        wanted = parse_role(role)
        if wanted is None:
            raise fail(t("people.cli.bad_role", role=role), EXIT_REFUSED)
        with opened(config) as runtime, session_scope(runtime.engine) as session:
            ws = workspace_for(session, runtime, workspace)
            assert ws.id is not None
            person = people.get_by_email(session=session, workspace_id=ws.id, email=email)
            if person is None:
                raise fail(t("people.cli.no_person", email=email, workspace=ws.slug), EXIT_REFUSED)
            changed = change_role(
                session=session, person=person, role=wanted, actor_id=None, platform=Platform.CLI
            )
            key = "people.cli.changed" if changed else "people.cli.unchanged"
            typer.echo(t(key, name=person.name, email=person.email, role=wanted.value))
