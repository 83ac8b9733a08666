"""Which approval request a typed `/okr approve|changes|reject O-n|KR-n` decides.

Buttons name their request; typed text names an objective or a KR. `KR-n` is that KR's
pending adjustment; `O-n` is the objective's one pending request, and when it has several
(two KRs of it under adjustment, say) the person is shown them instead of a guess.
"""

from __future__ import annotations

from sqlmodel import col, select

from commands import lookups
from commands.context import Context
from commands.operations import adjustments, approvals
from commands.types import CommandError
from storage.models import ApprovalKind, ApprovalRequest, ApprovalStatus, Objective


def for_kr(ctx: Context, number: int, usage: str) -> ApprovalRequest:
    """The newest pending adjustment of KR-`number`; a clear CommandError if there is none."""
    ref = f"KR-{number}"
    kr, _ = lookups.key_result(ctx, number, usage)
    waiting = adjustments.pending_for(ctx, kr)
    if not waiting:
        raise CommandError("flows.approval.nothing_pending", {"ref": ref})
    return max(waiting, key=lambda request: request.id or 0)


def all_pending(ctx: Context, objective: Objective) -> list[ApprovalRequest]:
    """Every request waiting on this objective, oldest first."""
    query = select(ApprovalRequest).where(
        ApprovalRequest.workspace_id == ctx.workspace_id,
        ApprovalRequest.objective_id == objective.id,
        ApprovalRequest.status == ApprovalStatus.PENDING,
    )
    return list(ctx.session.exec(query.order_by(col(ApprovalRequest.id))))


def for_objective(ctx: Context, objective: Objective, decision: str) -> ApprovalRequest:
    """The objective's one pending request; a CommandError listing them when there are more."""
    ref = f"O-{objective.number}"
    waiting = all_pending(ctx, objective)
    if len(waiting) > 1:
        owner = approvals.owner_of(ctx, objective)
        if owner is not None and not ctx.access.can_decide(owner):  # as for one request
            raise CommandError("flows.approval.not_allowed", {"ref": ref, "owner": owner.name})
        raise CommandError("flows.decide.ambiguous", _choices(ctx, ref, waiting, decision))
    request = waiting[0] if waiting else approvals.pending_or_lazy(ctx, objective)
    if request is None:
        raise CommandError("flows.approval.nothing_pending", {"ref": ref})
    return request


def _kr_ref(request: ApprovalRequest) -> str | None:
    if request.kind is not ApprovalKind.ADJUSTMENT:
        return None
    return str(adjustments.proposal_json(request).get("ref") or "") or None


def _choices(
    ctx: Context, ref: str, waiting: list[ApprovalRequest], decision: str
) -> dict[str, object]:
    """The parameters of the "several requests" answer: what waits, and what to type."""
    verb = ctx.t(f"flows.decide.verb.{decision}")
    refs = [_kr_ref(request) for request in waiting]
    items = [
        ctx.t("flows.decide.item.adjustment", ref=kr_ref)
        if kr_ref
        else ctx.t("flows.decide.item.objective")
        for kr_ref in refs
    ]
    commands = [ctx.t("flows.decide.command", verb=verb, ref=kr_ref) for kr_ref in refs if kr_ref]
    hint = ctx.t("flows.decide.or").join(commands)
    if None in refs:
        hint += ctx.t("flows.decide.objective_buttons")
    return {
        "ref": ref,
        "count": len(waiting),
        "items": ctx.t("flows.decide.sep").join(items),
        "hint": hint,
    }
