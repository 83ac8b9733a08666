"""`/okr team`: a manager's direct reports — who has and has not checked in this week (with a
one-click *Nudge*, one reminder per person per week), each report's objectives by status
(progress for approved ones; drafts and pending ones named as such), and the approvals waiting
for the manager. Also the managers' part of the Slack Home tab."""

from __future__ import annotations

from collections import Counter
from typing import Any

from sqlmodel import select

from commands.actions import Action
from commands.context import Context
from commands.operations import team_week
from commands.types import CommandError, OkrTeam
from commands.views import objective_view
from digests.message import Message
from storage.models import ApprovalRequest, ApprovalStatus, ObjectiveStatus, Person
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
    ctx: Context, person: Person, cycle_id: int | None, pending: int, week: team_week.ReportWeek
) -> dict[str, Any]:
    assert person.id is not None
    objectives: list[dict[str, Any]] = []
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
    approved = ObjectiveStatus.APPROVED.value
    checked = "done" if week.checked_in else "missing"
    if not week.due:
        checked = "nothing_due"
    return {
        "id": person.id,
        "name": person.name,
        "objectives": [o for o in objectives if o["status"] == approved],
        "others": [o for o in objectives if o["status"] != approved],
        "pending": pending,
        "week": checked,
        "nudged": week.nudged,
    }


def team_message(ctx: Context, *, note: str | None = None) -> Message:
    """The team view (with `note` on top: what a click just did)."""
    reports = people.reports_of(
        session=ctx.session, workspace_id=ctx.workspace_id, manager_id=ctx.person_id
    )
    reports = [p for p in reports if p.active]
    if not reports:
        raise CommandError("team.no_reports", usage="okr.team")
    cycle = okrs.current_cycle(session=ctx.session, workspace_id=ctx.workspace_id, today=ctx.today)
    pending = pending_approvals(ctx)
    weeks = team_week.team_week(ctx, reports)
    rows = [
        _report_view(
            ctx,
            person,
            cycle.id if cycle else None,
            pending.get(person.id or 0, 0),
            weeks[person.id or 0],
        )
        for person in reports
    ]
    return ctx.render(
        "okr_team",
        cycle=cycle.name if cycle else None,
        reports=rows,
        pending=sum(pending.values()),
        note=note,
    )


def okr_team(command: OkrTeam, ctx: Context) -> Message:
    """Each direct report's week and objectives, and the approvals waiting."""
    return team_message(ctx)


def nudge(action: Action, ctx: Context) -> Message:
    """The *Nudge* button: remind one direct report to check in (once a week), then show the
    team again with the reminder noted."""
    person, sent = team_week.nudge(ctx, action.value)
    key = "team.nudge.sent" if sent else "team.nudge.already"
    return team_message(ctx, note=ctx.t(key, name=person.name))
