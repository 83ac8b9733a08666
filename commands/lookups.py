"""Things named by ids that come from outside: typed refs (`O-3`, `KR-7`), button values, form
fields. Route every such id through here.

Each lookup is scoped to the speaker's workspace, checked with `storage.access`, and answers
the same "not found" whether the thing does not exist or may not be seen: an id never tells
anyone that something they may not see exists. Ids arrive as text (a button's value) or as
numbers (the grammar's), so each lookup takes either.
"""

from __future__ import annotations

from commands.context import Context
from commands.types import CommandError
from storage.models import (
    ApprovalRequest,
    Broadcast,
    FlowRun,
    KeyResult,
    KpiAlert,
    KpiFeedback,
    Objective,
    Person,
)
from storage.repos import okrs

Ref = str | int


def parse_id(value: Ref) -> int | None:
    """The number an id names (`7`, `"7"`, `"#7"`), or None when it names none."""
    if isinstance(value, int):
        return value if value > 0 else None
    text = value.strip().removeprefix("#")
    return int(text) if text.isdigit() and len(text) <= 18 else None


def objective(ctx: Context, number: int, usage: str | None = None) -> Objective:
    """O-`number`, if the speaker may see it; else `error.unknown_objective`."""
    found = okrs.objective_by_number(
        session=ctx.session, workspace_id=ctx.workspace_id, number=number
    )
    if found is None or not ctx.access.can_view_objective(found):
        raise CommandError("error.unknown_objective", {"ref": f"O-{number}"}, usage=usage)
    return found


def objective_by_id(ctx: Context, objective_id: Ref, usage: str | None = None) -> Objective:
    """An objective named by its row id (a form's choice), if the speaker may see it; else
    `error.unknown_objective`."""
    row_id = parse_id(objective_id)
    found = ctx.session.get(Objective, row_id) if row_id else None
    if (
        found is None
        or found.workspace_id != ctx.workspace_id
        or not ctx.access.can_view_objective(found)
    ):
        raise CommandError("error.unknown_objective", {"ref": str(objective_id)}, usage=usage)
    return found


def key_result(ctx: Context, number: int, usage: str | None = None) -> tuple[KeyResult, Objective]:
    """KR-`number` with its objective, if the speaker may see it; else `error.unknown_kr`."""
    found = okrs.key_result_by_number(
        session=ctx.session, workspace_id=ctx.workspace_id, number=number
    )
    parent = ctx.session.get(Objective, found.objective_id) if found else None
    if found is None or parent is None or not ctx.access.can_view_key_result(found, parent):
        raise CommandError("error.unknown_kr", {"ref": f"KR-{number}"}, usage=usage)
    return found, parent


def key_result_by_id(ctx: Context, key_result_id: Ref) -> tuple[KeyResult, Objective]:
    """A KR named by its row id (a button's value, a flow run, a proposal), if the speaker may
    see it; else `error.unknown_kr`."""
    row_id = parse_id(key_result_id)
    found = ctx.session.get(KeyResult, row_id) if row_id else None
    parent = ctx.session.get(Objective, found.objective_id) if found else None
    if (
        found is None
        or parent is None
        or found.workspace_id != ctx.workspace_id
        or not ctx.access.can_view_key_result(found, parent)
    ):
        raise CommandError("error.unknown_kr", {"ref": str(key_result_id)})
    return found, parent


def approval(ctx: Context, value: Ref) -> ApprovalRequest:
    """The approval request a button names, if the speaker may see it; else
    `flows.approval.unknown`."""
    row_id = parse_id(value)
    found = ctx.session.get(ApprovalRequest, row_id) if row_id else None
    if (
        found is None
        or found.workspace_id != ctx.workspace_id
        or not ctx.access.can_view_approval(found)
    ):
        raise CommandError("flows.approval.unknown")
    return found


def alert(ctx: Context, value: Ref, usage: str | None = None) -> KpiAlert:
    """The KPI alert a button or `/kpi ack N` names, if the speaker may see it; else
    `kpi.alert.unknown`."""
    row_id = parse_id(value)
    found = ctx.session.get(KpiAlert, row_id) if row_id else None
    if (
        found is None
        or found.workspace_id != ctx.workspace_id
        or not ctx.access.can_view_alert(found)
    ):
        raise CommandError("kpi.alert.unknown", {"ref": str(value)}, usage=usage)
    return found


def feedback(ctx: Context, value: Ref, usage: str | None = None) -> KpiFeedback:
    """A KPI feedback note, for its author and its recipient; else `kpi.feedback.unknown`."""
    row_id = parse_id(value)
    found = ctx.session.get(KpiFeedback, row_id) if row_id else None
    if (
        found is None
        or found.workspace_id != ctx.workspace_id
        or ctx.person_id not in {found.author_id, found.recipient_id}
    ):
        raise CommandError("kpi.feedback.unknown", {"ref": str(value)}, usage=usage)
    return found


def broadcast(ctx: Context, value: Ref, usage: str | None = "hr.status") -> Broadcast:
    """An HR broadcast, for HR admins and admins; else `hr.status.unknown`."""
    row_id = parse_id(value)
    found = ctx.session.get(Broadcast, row_id) if row_id else None
    if found is None or found.workspace_id != ctx.workspace_id or not ctx.access.sees_all():
        raise CommandError("hr.status.unknown", {"ref": str(value)}, usage=usage)
    return found


def flow_run(ctx: Context, value: str) -> FlowRun:
    """The flow run a button's value (`id:version`) names, if it is the speaker's and still at
    that version; else `flows.stale` (`flows.expired_click` once it has expired)."""
    run_id, _, version = value.partition(":")
    row_id = parse_id(run_id)
    found = ctx.session.get(FlowRun, row_id) if row_id else None
    if (
        found is None
        or found.person_id != ctx.person_id
        or found.workspace_id != ctx.workspace_id
        or str(found.version) != version
    ):
        raise CommandError("flows.stale")
    if found.expires_at <= ctx.now:
        raise CommandError("flows.expired_click")
    return found


def person(ctx: Context, value: Ref, *, unknown: str = "error.unknown_person") -> Person:
    """An active person of the speaker's workspace a button names by row id; else `unknown`.
    What the speaker may do to them is the caller's own check."""
    row_id = parse_id(value)
    found = ctx.session.get(Person, row_id) if row_id else None
    if found is None or found.workspace_id != ctx.workspace_id or not found.active:
        raise CommandError(unknown, {"person": str(value)})
    return found
