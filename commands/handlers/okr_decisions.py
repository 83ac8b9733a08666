"""`/okr approve|changes|reject O-n|KR-n [comment]` and the Approve / Request changes / Reject
buttons: the manager's decision on an objective or a KR adjustment (the approvals operation)."""

from __future__ import annotations

from commands import lookups
from commands.actions import Action
from commands.context import Context
from commands.operations import approvals, typed_decision
from commands.types import OkrDecide
from digests.message import Message


def okr_decide(command: OkrDecide, ctx: Context) -> Message:
    """The typed twin of the buttons: `KR-n` decides its pending adjustment, `O-n` the
    objective's one pending request."""
    usage = f"okr.{command.decision}"
    if command.kr_number is not None:
        request = typed_decision.for_kr(ctx, command.kr_number, usage)
    else:
        objective = lookups.objective(ctx, command.objective_number or 0, usage)
        request = typed_decision.for_objective(ctx, objective, command.decision)
    return approvals.decide(ctx, request, command.decision, command.comment)


def _clicked(action: Action, ctx: Context, decision: str) -> Message:
    # Only those who may see the request learn it exists; decide() then says who may decide.
    request = lookups.approval(ctx, action.value)
    return approvals.decide(ctx, request, decision, action.form.get("comment"))


def on_approve(action: Action, ctx: Context) -> Message:
    """The Approve button of an approval request."""
    return _clicked(action, ctx, "approve")


def on_changes(action: Action, ctx: Context) -> Message:
    """The Request changes button (its form carries the comment)."""
    return _clicked(action, ctx, "changes")


def on_reject(action: Action, ctx: Context) -> Message:
    """The Reject button."""
    return _clicked(action, ctx, "reject")
