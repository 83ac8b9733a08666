"""`okrbot export review --cycle C [--person EMAIL|--department NAME] --format csv|xlsx|md`:
the cycle's review report (复盘) for HR — one row per KR in CSV/Excel, the report in Markdown."""

from __future__ import annotations

import csv
from pathlib import Path
from typing import TYPE_CHECKING, Annotated, Any

import typer

from bot.cli import ConfigOption, WorkspaceOption, export_app, fail, friendly_errors

if TYPE_CHECKING:
    from digests.review_report import ReviewFacts

EXIT_REFUSED = 2
FORMATS = ("csv", "xlsx", "md")


def t(key: str, /, **params: Any) -> str:
    """A CLI message (English)."""
    from digests.i18n import translate

    return translate("en", key, **params)


def write_table(rows: list[dict[str, Any]], path: Path, file_format: str) -> Path:
    """CSV (UTF-8 with BOM, so Excel reads Chinese) or XLSX, with the report's columns."""
    from digests.review_report import COLUMNS

    if file_format == "csv":
        with path.open("w", encoding="utf-8-sig", newline="") as handle:
            writer = csv.DictWriter(handle, fieldnames=COLUMNS)
            writer.writeheader()
            writer.writerows(rows)
        return path
    from openpyxl import Workbook

    book = Workbook()
    sheet = book.active
    sheet.title = "review"
    sheet.append(list(COLUMNS))
    for row in rows:
        sheet.append([row[c] for c in COLUMNS])
    book.save(path)
    return path


def _cell(text: str) -> str:
    return text.replace("|", "\\|").replace("\n", " ")


def markdown(facts: ReviewFacts) -> str:
    """The report's sections as Markdown: a table of KRs per objective, notes as a list; a
    section of another kind as its title and lines."""
    from digests.review_report import sections_for

    tr = facts.t
    out = [f"# {tr('review.report.title', title=facts.title, cycle=facts.cycle.name)}", ""]
    for section in sections_for(facts):
        if section["kind"] == "summary":
            done = {k: section[k] for k in ("owner_scored", "manager_scored")}
            total = section["key_results"]
            out += [
                f"- {tr('review.report.objectives')}: {section['objectives']}",
                f"- {tr('review.report.owner_scored')}: "
                + tr("review.report.of", done=done["owner_scored"], total=total),
                f"- {tr('review.report.manager_scored')}: "
                + tr("review.report.of", done=done["manager_scored"], total=total),
                "",
            ]
        elif section["kind"] == "objectives":
            for o in section["items"]:
                owner = f" · {o['owner']}" if o["owner"] else ""
                scores = tr(
                    "review.report.scores", owner=o["owner_score"], manager=o["manager_score"]
                )
                out += [f"## {o['ref']} {_cell(o['title'])}{owner}", ""]
                out += [f"{tr('review.report.overall')}: {o['percent']}% · {scores}", ""]
                head = [
                    tr("review.cli.md_kr"),
                    tr("review.cli.md_final"),
                    tr("review.cli.md_progress"),
                    tr("review.cli.md_owner"),
                    tr("review.cli.md_manager"),
                    tr("review.cli.md_trend"),
                ]
                out += ["| " + " | ".join(head) + " |", "|" + "---|" * len(head)]
                for kr in o["key_results"]:
                    cells = [
                        f"{kr['ref']} {kr['title']}",
                        f"{kr['final']} / {kr['target']}",
                        f"{kr['percent']}%",
                        kr["owner_score"],
                        kr["manager_score"],
                        kr["sparkline"],
                    ]
                    out.append("| " + " | ".join(_cell(str(c)) for c in cells) + " |")
                out.append("")
                for key in ("worked", "did_not", "next_steps", "comment"):
                    if o[key]:
                        out.append(f"- {tr('review.note.' + key, text=_cell(o[key]))}")
                out.append("")
        else:
            if section.get("title"):
                out += [f"## {section['title']}", ""]
            out += [f"- {line}" for line in section.get("lines", [])]
            out.append("")
    return "\n".join(out).rstrip() + "\n"


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
        from digests import review_report
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
            rows = review_report.kr_rows(facts)
            slug = (person or department or "all").replace("@", "_at_").replace(" ", "_")
            target = output or Path(f"review-{found.name}-{slug}.{file_format}")
            if file_format == "md":
                target.write_text(markdown(facts), encoding="utf-8")
            else:
                write_table(rows, target, file_format)
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
