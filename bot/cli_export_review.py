"""`okrbot export review --cycle C [--person EMAIL|--department NAME] --format csv|xlsx|md`:
the cycle's review report (复盘) for HR — one row per KR in CSV/Excel, the report in Markdown."""

from __future__ import annotations

from pathlib import Path
from typing import Annotated

import typer

from bot.cli import ConfigOption, WorkspaceOption, export_app, fail, friendly_errors, t

EXIT_REFUSED = 2
FORMATS = ("csv", "xlsx", "md")


@export_app.command("review")
def export_review(
    cycle: Annotated[str, typer.Option("--cycle", help="Cycle name, e.g. 2026-Q4.")],
    person: Annotated[
        str | None, typer.Option("--person", help="Only this person (email).")
    ] = None,
    department: Annotated[
        str | None, typer.Option("--department", help="Only this department (name).")
    ] = None,
    file_format: Annotated[str, typer.Option("--format", help="csv, xlsx or md.")] = "csv",
    output: Annotated[Path | None, typer.Option("--output", help="File to write.")] = None,
    locale: Annotated[str, typer.Option("--locale", help="Language of md: en or zh-CN.")] = "en",
    include_private: Annotated[
        bool, typer.Option("--include-private", help="Also export private objectives.")
    ] = False,
    workspace: WorkspaceOption = None,
    config: ConfigOption = None,
) -> None:
    """A cycle's review for HR: per KR the final value against target, progress, owner and
    manager scores, a sparkline and the notes. Private objectives only with --include-private.
    The export is audit-logged. Exit code 2 when the cycle, person, department or format is
    unknown."""
    with friendly_errors():
        from sqlmodel import select

        from bot.cli_kpi import opened, workspace_for
        from digests import review_export, review_report
        from digests.i18n import normalise_locale, translate
        from storage.db import session_scope
        from storage.models import Cycle, Person, Platform, Visibility
        from storage.repos import audit, people

        if file_format not in FORMATS:
            raise fail(t("review.cli.bad_format", format=file_format), EXIT_REFUSED)
        if person and department:
            raise fail(t("review.cli.both_filters"), EXIT_REFUSED)
        with opened(config) as runtime, session_scope(runtime.engine) as session:
            ws = workspace_for(session, runtime, workspace)
            assert ws.id is not None
            cycles = session.exec(select(Cycle).where(Cycle.workspace_id == ws.id))
            found = next((c for c in cycles if c.name.lower() == cycle.strip().lower()), None)
            if found is None:
                raise fail(t("review.cli.unknown_cycle", cycle=cycle, workspace=ws.slug), 2)
            department_ids: list[int] = []
            if person:
                subject = people.get_by_email(session=session, workspace_id=ws.id, email=person)
                if subject is None or subject.id is None:
                    raise fail(t("review.cli.unknown_person", email=person, workspace=ws.slug), 2)
                title, person_ids = subject.name, [subject.id]
            elif department:
                unit = people.department_by_name(
                    session=session, workspace_id=ws.id, name=department
                )
                if unit is None or unit.id is None:
                    message = t("review.cli.unknown_department", name=department, workspace=ws.slug)
                    raise fail(message, EXIT_REFUSED)
                query = select(Person.id).where(
                    Person.workspace_id == ws.id, Person.department_id == unit.id
                )
                person_ids = [i for i in session.exec(query) if i is not None]
                department_ids = [unit.id]
                title = unit.name
            else:
                query = select(Person.id).where(Person.workspace_id == ws.id)
                person_ids = [i for i in session.exec(query) if i is not None]
                title = translate(normalise_locale(locale), "review.cli.everyone")
            facts = review_report.load_facts(
                session=session,
                workspace_id=ws.id,
                cycle=found,
                person_ids=person_ids,
                department_ids=department_ids,
                visible=lambda o: include_private or o.visibility is not Visibility.PRIVATE,
                locale=normalise_locale(locale),
                title=title,
            )
            rows = review_export.kr_rows(facts)
            slug = (person or department or "all").replace("@", "_at_").replace(" ", "_")
            target = output or Path(f"review-{found.name}-{slug}.{file_format}")
            if file_format == "md":
                target.write_text(review_export.markdown(facts), encoding="utf-8")
            else:
                review_export.write_table(rows, target, file_format)
            audit.record(
                session=session,
                workspace_id=ws.id,
                actor_id=None,
                platform=Platform.CLI,
                action="export_review",
                entity_type="cycle",
                entity_id=found.id,
                entity_ref=found.name,
                after={
                    "file": str(target),
                    "rows": len(rows),
                    "person": person,
                    "department": department,
                    "include_private": include_private,
                },
            )
            objectives = len(facts.objectives)
    typer.echo(t("review.cli.exported", file=target, objectives=objectives, rows=len(rows)))
