"""`/okr team`: a manager's direct reports with each objective's progress and confidence, and
the approvals waiting for the manager (also the managers' part of the Slack Home tab)."""

from __future__ import annotations

from collections import Counter

from sqlmodel import select

from commands.context import Context
from commands.types import CommandError, OkrTeam
from commands.views import objective_view
from digests.message import Message
from storage.models import ApprovalRequest, ApprovalStatus, Person
from storage.repos import okrs, people


def pending_approvals(ctx: Context) -> Counter[int]:
    """Approval requests waiting for the requester's decision, counted per requester."""
    query = select(ApprovalRequest.requester_id).where(
        ApprovalRequest.workspace_id == ctx.workspace_id,
        ApprovalRequest.approver_id == ctx.person_id,
        ApprovalRequest.status == ApprovalStatus.PENDING,
    )
    return Counter(ctx.session.exec(query))


def _report_view(
    ctx: Context, person: Person, cycle_id: int | None, pending: int
) -> dict[str, object]:
    assert person.id is not None
    objectives = []
    if cycle_id is not None:
        found = okrs.objectives_of_person(
            session=ctx.session,
            workspace_id=ctx.workspace_id,
            cycle_id=cycle_id,
            person_id=person.id,
        )
        visible = [o for o in found if ctx.access.can_view_objective(o)]
        krs = okrs.key_results_by_objective(
            session=ctx.session,
            workspace_id=ctx.workspace_id,
            objective_ids=[o.id for o in visible if o.id is not None],
        )
        objectives = [objective_view(o, krs.get(o.id or 0, [])) for o in visible]
    return {"name": person.name, "objectives": objectives, "pending": pending}


def okr_team(command: OkrTeam, ctx: Context) -> Message:
    """Each direct report's objectives (progress, confidence) and pending approvals."""
    reports = people.reports_of(
        session=ctx.session, workspace_id=ctx.workspace_id, manager_id=ctx.person_id
    )
    if not reports:
        raise CommandError("team.no_reports", usage="okr.team")
    cycle = okrs.current_cycle(session=ctx.session, workspace_id=ctx.workspace_id, today=ctx.today)
    pending = pending_approvals(ctx)
    rows = [
        _report_view(ctx, person, cycle.id if cycle else None, pending.get(person.id or 0, 0))
        for person in reports
    ]
    return ctx.render(
        "okr_team",
        cycle=cycle.name if cycle else None,
        reports=rows,
        pending=sum(pending.values()),
    )
