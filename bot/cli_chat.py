"""`okrbot demo` and `okrbot chat`: the console chat, on the demo company or any database."""

from __future__ import annotations

import sys
from typing import Annotated, Any

import typer

from bot.cli import ConfigOption, WorkspaceOption, app, config_path, fail, friendly_errors

AsOption = Annotated[str, typer.Option("--as", help="Email of the person to chat as.")]
EchoOption = Annotated[
    bool,
    typer.Option(
        "--echo", help="With piped input, print each command after a '> ' prompt (a transcript)."
    ),
]


def _person_in(session: Any, *, email: str, workspace_slug: str | None) -> tuple[int, int]:
    """(workspace id, person id) for an email, or a clear error naming the choices."""
    from storage.repos import people, workspaces

    if workspace_slug is not None:
        workspace = workspaces.get_by_slug(session=session, slug=workspace_slug)
        if workspace is None or workspace.id is None:
            raise fail(f"There is no workspace '{workspace_slug}'.")
        person = people.get_by_email(session=session, workspace_id=workspace.id, email=email)
        if person is None or person.id is None:
            raise fail(
                f"No one with the email {email} in workspace '{workspace_slug}'. "
                "Load people with `okrbot import people FILE.csv`."
            )
        return workspace.id, person.id
    found = people.workspaces_with_email(session=session, email=email)
    if not found:
        raise fail(
            f"No one with the email {email} in this database. Load people with "
            "`okrbot import people FILE.csv`, or try the demo: `okrbot demo`."
        )
    if len(found) > 1:
        slugs = ", ".join(w.slug for w in found)
        raise fail(f"{email} is in several workspaces ({slugs}); choose one with --workspace.")
    workspace = found[0]
    assert workspace.id is not None
    person = people.get_by_email(session=session, workspace_id=workspace.id, email=email)
    assert person is not None
    assert person.id is not None
    return workspace.id, person.id


def _run_chat(runtime: Any, *, workspace_id: int, person_id: int, echo: bool = False) -> None:
    from bot.console import chat_loop
    from bot.core import Core

    chat_loop(
        Core(runtime.engine, settings=runtime.settings),
        workspace_id=workspace_id,
        person_id=person_id,
        stdin=sys.stdin,
        stdout=sys.stdout,
        interactive=sys.stdin.isatty(),
        echo=echo,
    )


def _welcome(engine: Any, *, person_id: int, demo: Any | None) -> str:
    from bot.text import render_text
    from digests.i18n import reader_locale
    from digests.render import render
    from storage.db import session_scope
    from storage.models import Department, Person, Workspace

    with session_scope(engine) as session:
        person = session.get(Person, person_id)
        assert person is not None
        workspace = session.get(Workspace, person.workspace_id)
        assert workspace is not None
        department = session.get(Department, person.department_id) if person.department_id else None
        locale = reader_locale(person, workspace)
        message = render(
            "console_welcome",
            locale=locale,
            demo=demo is not None,
            company=workspace.name,
            name=person.name,
            email=person.email,
            title=person.title or "",
            department=department.name if department else "",
            others=list(demo.try_also) if demo is not None else [],
            reviewed_cycle=demo.reviewed_cycle if demo is not None else None,
        )
    return render_text(message)


@app.command("demo")
def demo(
    as_email: Annotated[
        str | None, typer.Option("--as", help="Email of a demo person (default: ana@example.com).")
    ] = None,
    today: Annotated[
        str | None,
        typer.Option(
            "--today",
            help="Build the demo around this date, YYYY-MM-DD (default: today in the demo "
            "company's time zone); the chat then runs on that day.",
        ),
    ] = None,
    echo: EchoOption = False,
    config: ConfigOption = None,
) -> None:
    """Create (once) the demo company in the configured database and chat as one of its people."""
    with friendly_errors():
        from bot.demo_clock import demo_day
        from bot.demo_seed import seed_demo
        from bot.runtime import open_runtime
        from storage import migrate
        from storage.db import session_scope
        from storage.repos import people

        day = demo_day(today)
        runtime = open_runtime(config_path(config), require_current_schema=False)
        migrate.upgrade(runtime.engine)
        with session_scope(runtime.engine) as session:
            company = seed_demo(session=session, today=day)
            email = as_email or company.default_email
            person = people.get_by_email(
                session=session, workspace_id=company.workspace_id, email=email
            )
            if person is None or person.id is None:
                choices = ", ".join(entry.email for entry in company.try_also)
                raise fail(
                    f"{email} is not in the demo company. Try {company.default_email} or one of: "
                    f"{choices}."
                )
            person_id = person.id
        typer.echo(_welcome(runtime.engine, person_id=person_id, demo=company) + "\n")
        _run_chat(runtime, workspace_id=company.workspace_id, person_id=person_id, echo=echo)


@app.command("chat")
def chat(
    as_email: AsOption,
    workspace: WorkspaceOption = None,
    echo: EchoOption = False,
    config: ConfigOption = None,
) -> None:
    """Chat with the bot in the terminal as a person of the configured database.

    When input is not a terminal, reads one command per line and prints each reply.
    """
    with friendly_errors():
        from bot.runtime import open_runtime
        from storage.db import session_scope

        runtime = open_runtime(config_path(config))
        with session_scope(runtime.engine) as session:
            workspace_id, person_id = _person_in(session, email=as_email, workspace_slug=workspace)
        if sys.stdin.isatty():
            typer.echo(_welcome(runtime.engine, person_id=person_id, demo=None) + "\n")
        _run_chat(runtime, workspace_id=workspace_id, person_id=person_id, echo=echo)
