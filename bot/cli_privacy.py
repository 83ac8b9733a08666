"""`okrbot privacy export|erase --person EMAIL`: a person's data, and its anonymisation."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Annotated

import typer

from bot.cli import ConfigOption, app, config_path, fail, friendly_errors

privacy_app = typer.Typer(
    help="Data protection: what is stored about a person; erase it.", no_args_is_help=True
)
app.add_typer(privacy_app, name="privacy")

PersonOption = Annotated[
    str, typer.Option("--person", help="The person's email (every workspace they are in).")
]


@privacy_app.command("export")
def privacy_export(
    person: PersonOption,
    output: Annotated[
        Path | None, typer.Option("--output", "-o", help="Write the JSON here (default: stdout).")
    ] = None,
    config: ConfigOption = None,
) -> None:
    """Everything stored about a person, as JSON: profile, platform ids, OKRs, check-ins,
    KPIs, alerts, feedback, approvals, flows, messages and audit entries."""
    with friendly_errors():
        from bot.runtime import open_runtime
        from storage.db import session_scope
        from storage.privacy_export import export_person

        runtime = open_runtime(config_path(config))
        with session_scope(runtime.engine) as session:
            document = export_person(session=session, email=person)
        if not document["people"]:
            raise fail(f"No one with email {person!r}.")
        text = json.dumps(document, ensure_ascii=False, indent=2)
        if output is None:
            typer.echo(text)
        else:
            output.write_text(text + "\n", encoding="utf-8")
            typer.echo(f"Wrote {output}.")


@privacy_app.command("erase")
def privacy_erase(
    person: PersonOption,
    yes: Annotated[bool, typer.Option("--yes", help="Do not ask for confirmation.")] = False,
    config: ConfigOption = None,
) -> None:
    """Anonymise a person: name, email, platform ids and free text go; numbers stay.
    Cannot be undone (backups taken before still hold the data)."""
    with friendly_errors():
        from bot.runtime import open_runtime
        from storage.db import session_scope
        from storage.privacy import erase_person
        from storage.privacy_export import people_with_email

        runtime = open_runtime(config_path(config))
        with session_scope(runtime.engine) as session:
            found = people_with_email(session=session, email=person)
            if not found:
                raise fail(f"No one with email {person!r}.")
            names = ", ".join(f"{p.name} (workspace {p.workspace_id})" for p in found)
            if not yes and not typer.confirm(
                f"Erase {names}? Names, email, platform ids and notes are replaced for good."
            ):
                raise fail("Nothing erased.", code=1)
            erased = erase_person(session=session, email=person)
        from digests.charts.files import clear_charts

        clear_charts()
        for erasure in erased:
            rows = sum(erasure.changed.values())
            typer.echo(
                f"Erased: now {erasure.pseudonym} in workspace {erasure.workspace_id} "
                f"({rows} rows changed)."
            )
