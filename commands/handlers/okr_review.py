"""`/okr score O-n` (评分) and `/okr review [@person|team|department] [cycle]` (复盘), and the
"Score" / "Add manager review" buttons."""

from __future__ import annotations

from pathlib import Path

from sqlmodel import col, select

from commands import lookups
from commands.actions import Action, register
from commands.context import Context
from commands.handlers.okr import resolve_person
from commands.operations import approvals
from commands.types import CommandError, OkrReview, OkrScore
from digests import review_report
from digests.message import Message
from flows import scoring
from storage.models import Cycle, CycleState, Objective, ObjectiveStatus, Person
from storage.repos import okrs, people

SCORABLE_STATUS = {ObjectiveStatus.APPROVED, ObjectiveStatus.ARCHIVED}
# Scoring is for the cycle in review; an active cycle may be scored on demand too.
SCORABLE_CYCLE = {CycleState.ACTIVE, CycleState.REVIEW}
CHAT_OBJECTIVES = 12  # a chat message stays readable (Slack cuts at 50 blocks); exports show all


def may_add_manager_review(ctx: Context, objective: Objective, owner: Person) -> bool:
    """The owner's management chain (can_score), their manager's delegate, or HR."""
    if owner.id == ctx.person_id:
        return False
    return ctx.access.can_score(objective) or ctx.access.can_decide(owner)


def start_scoring(ctx: Context, number: int) -> Message:
    """Begin the scoring flow of `O-number` as its owner or as the reviewing manager."""
    objective = lookups.objective(ctx, number, usage="okr.score")
    ref = f"O-{number}"
    owner = approvals.owner_of(ctx, objective)
    if owner is None:
        raise CommandError("review.no_owner", {"ref": ref})
    if owner.id != ctx.person_id and not may_add_manager_review(ctx, objective, owner):
        raise CommandError("review.not_allowed", {"ref": ref, "owner": owner.name})
    if objective.status not in SCORABLE_STATUS:
        raise CommandError("review.not_scorable", {"ref": ref, "status": objective.status.value})
    cycle = ctx.session.get(Cycle, objective.cycle_id)
    if cycle is None or cycle.state not in SCORABLE_CYCLE:
        state = cycle.state.value if cycle else "closed"
        name = cycle.name if cycle else "?"
        raise CommandError("review.cycle_not_open", {"ref": ref, "cycle": name, "state": state})
    assert objective.id is not None
    krs = okrs.key_results_by_objective(
        session=ctx.session, workspace_id=ctx.workspace_id, objective_ids=[objective.id]
    ).get(objective.id, [])
    if not krs:
        raise CommandError("review.no_krs", {"ref": ref})
    return scoring.begin(ctx, objective, krs, owner)


def okr_score(command: OkrScore, ctx: Context) -> Message:
    """`/okr score O-n`: the owner scores and reviews; a manager adds their score and comment."""
    return start_scoring(ctx, command.objective_number)


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
        members = ctx.session.exec(
            select(Person.id).where(
                Person.workspace_id == ctx.workspace_id,
                Person.department_id == department.id,
                col(Person.active).is_(True),
            )
        )
        title = ctx.t("review.scope.department", name=department.name)
        return title, [i for i in members if i is not None], [department.id]
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


@register("okr.score")
def on_score_click(action: Action, ctx: Context) -> Message:
    """The "Score O-n" button (an invitation to review)."""
    if not action.value.isdigit():
        raise CommandError("review.unknown_button")
    return start_scoring(ctx, int(action.value))


@register("okr.review.manager")
def on_manager_review_click(action: Action, ctx: Context) -> Message:
    """The "Add manager review" button of the owner-finished notification."""
    if not action.value.isdigit():
        raise CommandError("review.unknown_button")
    return start_scoring(ctx, int(action.value))
