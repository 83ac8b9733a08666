"""`/okr new`, `/okr edit`, approve / request changes / reject (typed or clicked), flow answers."""

from __future__ import annotations

from commands import lookups
from commands.actions import Action, register
from commands.context import Context
from commands.operations import approvals, drafts, typed_decision
from commands.types import CommandError, FlowCancel, OkrDecide, OkrEdit, OkrNew
from digests.message import Message
from flows import engine, okr_form
from flows.okr_new import NEW_OKR
from storage.models import ObjectiveStatus, OwnerType, Platform

FORM_PLATFORMS = {Platform.SLACK, Platform.FEISHU}
REOPENABLE = {ObjectiveStatus.DRAFT, ObjectiveStatus.CHANGES_REQUESTED, ObjectiveStatus.REJECTED}


def _start(ctx: Context, data: dict[str, object]) -> Message:
    if ctx.platform in FORM_PLATFORMS:
        return okr_form.open_form(ctx, dict(data))
    return engine.begin(ctx, NEW_OKR, dict(data))


def okr_new(command: OkrNew, ctx: Context) -> Message:
    """Draft a new objective: a form on Slack/Feishu, questions one by one elsewhere."""
    owner_type = OwnerType(command.scope)
    if not ctx.access.can_create_objective(owner_type):
        raise CommandError(f"flows.new.not_allowed.{owner_type.value}", usage="okr.new")
    drafts.require_cycle(ctx)
    return _start(ctx, {"owner_type": owner_type.value})


def okr_edit(command: OkrEdit, ctx: Context) -> Message:
    """Reopen one's draft (after "request changes") with the manager's comment shown."""
    objective = lookups.objective(ctx, command.objective_number, "okr.edit")
    ref = f"O-{objective.number}"
    if objective.owner_person_id != ctx.person_id and objective.created_by_id != ctx.person_id:
        raise CommandError("flows.edit.not_yours", {"ref": ref})
    if objective.status not in REOPENABLE:
        raise CommandError("flows.edit.not_open", {"ref": ref, "status": objective.status.value})
    data = drafts.draft_of(ctx, objective)
    data["comment"] = approvals.latest_comment(ctx, objective)
    data["old_krs"], data["krs"] = data["krs"], []
    if ctx.platform in FORM_PLATFORMS:
        data["krs"] = data.pop("old_krs")
    return _start(ctx, data)


def okr_decide(command: OkrDecide, ctx: Context) -> Message:
    """`/okr approve|changes|reject O-n|KR-n [comment]`: the typed twin of the buttons."""
    usage = f"okr.{command.decision}"
    if command.kr_number is not None:
        request = typed_decision.for_kr(ctx, command.kr_number, usage)
    else:
        objective = lookups.objective(ctx, command.objective_number or 0, usage)
        request = typed_decision.for_objective(ctx, objective, command.decision)
    return approvals.decide(ctx, request, command.decision, command.comment)


def flow_cancel(command: FlowCancel, ctx: Context) -> Message:
    """`/okr cancel`: leave the current flow."""
    return engine.cancel(ctx)


def _decide_click(decision: str) -> None:
    @register(f"okr.{decision}")
    def on_click(action: Action, ctx: Context) -> Message:
        # decide() refuses with who may decide, as before.
        request = lookups.approval(ctx, action.value, visible=False)
        return approvals.decide(ctx, request, decision, action.form.get("comment"))


for _decision in approvals.DECISIONS:
    _decide_click(_decision)


@register("okr.edit")
def on_edit_click(action: Action, ctx: Context) -> Message:
    """The "Rework it" button of a changes-requested notice."""
    if not action.value.isdigit():
        raise CommandError("flows.approval.unknown")
    return okr_edit(OkrEdit(int(action.value)), ctx)
