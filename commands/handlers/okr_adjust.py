"""`/okr adjust KR-n` (调整): propose a new target or a replacement KR with a reason, for the
manager to approve — in one line (`/okr adjust KR-3 8 the order doubled`) or step by step."""

from __future__ import annotations

from sqlmodel import col, select

from commands.actions import Action, register
from commands.context import Context
from commands.operations import adjustments
from commands.types import CommandError, OkrAdjust
from digests.message import Message
from flows import adjust_flow, engine
from storage.models import ApprovalKind, ApprovalRequest, ApprovalStatus

START_ACTION = "okr.adjust.start"


def _last_comment(ctx: Context, kr_id: int) -> str | None:
    """What the manager asked, when the latest decided adjustment of this KR was sent back."""
    query = (
        select(ApprovalRequest)
        .where(
            ApprovalRequest.workspace_id == ctx.workspace_id,
            ApprovalRequest.kind == ApprovalKind.ADJUSTMENT,
            col(ApprovalRequest.decided_at).is_not(None),
        )
        .order_by(col(ApprovalRequest.id).desc())
    )
    for request in ctx.session.exec(query):
        if adjustments.proposal_json(request).get("key_result_id") == kr_id:
            changes = request.status is ApprovalStatus.CHANGES_REQUESTED
            return request.comment if changes else None
    return None


def okr_adjust(command: OkrAdjust, ctx: Context) -> Message:
    """One line when target and reason are given; otherwise the questions one by one."""
    kr = adjustments.adjustable(ctx, command.kr_number)
    if command.target is None:
        comment = _last_comment(ctx, kr.id or 0)
        return engine.begin(ctx, adjust_flow.ADJUST, {"kr_id": kr.id, "comment": comment})
    try:
        spec = adjustments.new_target(kr, command.target)
    except CommandError as error:
        error.usage = error.usage or "okr.adjust"
        raise
    proposal = adjustments.proposal_of(kr, spec)
    return adjust_flow.send(ctx, kr, proposal, adjust_flow.check_reason(command.reason))


@register(START_ACTION)
def on_propose_again(action: Action, ctx: Context) -> Message:
    """The "Propose again" button of a changes-requested adjustment."""
    if not action.value.isdigit():
        raise CommandError("error.unknown_action")
    return okr_adjust(OkrAdjust(int(action.value)), ctx)
