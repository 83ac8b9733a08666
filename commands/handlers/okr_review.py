"""`/okr review [@person|team|department] [cycle]` (复盘): the cycle's review report.
(`/okr score O-n` and its buttons start the scoring flow, flows/scoring.py.)"""

from __future__ import annotations

from pathlib import Path

from sqlmodel import col, select

from commands.context import Context
from commands.handlers.okr import resolve_person
from commands.types import CommandError, OkrReview
from digests import review_report
from digests.message import Message
from storage.models import Cycle, Person
from storage.repos import people

CHAT_OBJECTIVES = 12  # a chat message stays readable (Slack cuts at 50 blocks); exports show all


def _cycle(ctx: Context, name: str | None) -> Cycle:
    if name is None:
        found = review_report.default_cycle(
            session=ctx.session, workspace_id=ctx.workspace_id, today=ctx.today
        )
        if found is None:
            raise CommandError("review.no_cycle")
        return found
    cycles = ctx.session.exec(select(Cycle).where(Cycle.workspace_id == ctx.workspace_id))
    match = next((c for c in cycles if c.name.lower() == name.lower()), None)
    if match is None:
        raise CommandError("review.unknown_cycle", {"cycle": name}, usage="okr.review")
    return match


def _scope(ctx: Context, command: OkrReview) -> tuple[str, list[int], list[int]]:
    """The report's title, the people in it and the departments whose objectives it shows."""
    if command.scope == "team":
        reports = people.reports_of(
            session=ctx.session, workspace_id=ctx.workspace_id, manager_id=ctx.person_id
        )
        if not reports:
            raise CommandError("review.no_reports", usage="okr.review")
        title = ctx.t("review.scope.team", name=ctx.person.name)
        return title, [p.id for p in reports if p.id is not None], []
    if command.scope == "department":
        department = (
            people.department_by_name(
                session=ctx.session, workspace_id=ctx.workspace_id, name=command.subject
            )
            if command.subject
            else people.department(
                session=ctx.session,
                workspace_id=ctx.workspace_id,
                department_id=ctx.person.department_id or 0,
            )
        )
        if department is None or department.id is None:
            subject = command.subject or ""
            raise CommandError("review.unknown_department", {"name": subject}, usage="okr.review")
        # A department's review covers the departments under it (a workshop of Production).
        departments = people.department_and_below(
            session=ctx.session, workspace_id=ctx.workspace_id, department_id=department.id
        )
        members = ctx.session.exec(
            select(Person.id).where(
                Person.workspace_id == ctx.workspace_id,
                col(Person.department_id).in_(departments),
                col(Person.active).is_(True),
            )
        )
        title = ctx.t("review.scope.department", name=department.name)
        return title, [i for i in members if i is not None], sorted(departments)
    try:
        person = resolve_person(ctx, command.subject)
    except CommandError as error:
        error.usage = "okr.review" if error.usage else None
        raise
    assert person.id is not None
    return person.name, [person.id], []


def okr_review(command: OkrReview, ctx: Context) -> Message:
    """The cycle's review report of a person (me by default), my team or a department."""
    cycle = _cycle(ctx, command.cycle)
    title, person_ids, department_ids = _scope(ctx, command)
    facts = review_report.load_facts(
        session=ctx.session,
        workspace_id=ctx.workspace_id,
        cycle=cycle,
        person_ids=person_ids,
        department_ids=department_ids,
        visible=lambda objective: ctx.access.can_view_objective(objective),
        locale=ctx.locale,
        title=title,
    )
    facts.limit = CHAT_OBJECTIVES
    return review_report.render_report(facts, chart=_chart(facts))


def _chart(facts: review_report.ReviewFacts) -> Path | None:
    """The sparklines as a PNG (cached by content); None when there is nothing to draw."""
    from digests.charts.files import cached_chart
    from digests.charts.review_sparklines import MAX_ROWS, draw_sparklines

    shown = facts.objectives[: facts.limit]
    series = [(f"KR-{line.kr.number}", line.shares()) for o in shown for line in o.krs][:MAX_ROWS]
    if not series:
        return None
    title = facts.t("review.report.title", title=facts.title, cycle=facts.cycle.name)
    return cached_chart(
        "review", (title, series), lambda path: draw_sparklines(series, title=title, path=path)
    )
