"""Approval of objectives and KR adjustments: submit to the manager, decide once, tell the owner."""

from __future__ import annotations

import json
from typing import Any

import sqlalchemy as sa
from sqlmodel import col, select

from commands.context import Context
from commands.limits import checked
from commands.notify import notify
from commands.operations import objective_versions
from commands.types import CommandError
from commands.views import objective_view
from digests.i18n import reader_locale, translate
from digests.message import Message
from digests.render import render
from storage import delegations
from storage.access import Access
from storage.models import (
    ApprovalKind,
    ApprovalRequest,
    ApprovalStatus,
    Objective,
    ObjectiveStatus,
    Person,
)
from storage.repos import audit, okrs, people

DECISIONS = {
    "approve": ApprovalStatus.APPROVED,
    "changes": ApprovalStatus.CHANGES_REQUESTED,
    "reject": ApprovalStatus.REJECTED,
}
OBJECTIVE_STATUS = {
    ApprovalStatus.APPROVED: ObjectiveStatus.APPROVED,
    ApprovalStatus.CHANGES_REQUESTED: ObjectiveStatus.CHANGES_REQUESTED,
    ApprovalStatus.REJECTED: ObjectiveStatus.REJECTED,
}


def pending(ctx: Context, objective: Objective) -> ApprovalRequest | None:
    """The request waiting on this objective, if any."""
    query = select(ApprovalRequest).where(
        ApprovalRequest.workspace_id == ctx.workspace_id,
        ApprovalRequest.objective_id == objective.id,
        ApprovalRequest.status == ApprovalStatus.PENDING,
    )
    return ctx.session.exec(query.order_by(col(ApprovalRequest.id).desc())).first()


def owner_of(ctx: Context, objective: Objective) -> Person | None:
    """The person an objective belongs to (its creator for department/company objectives)."""
    person_id = objective.owner_person_id or objective.created_by_id
    if person_id is None:
        return None
    return people.get(session=ctx.session, workspace_id=ctx.workspace_id, person_id=person_id)


def submit(
    ctx: Context,
    objective: Objective,
    *,
    kind: ApprovalKind = ApprovalKind.OBJECTIVE,
    proposal: dict[str, Any] | None = None,
    reason: str | None = None,
    key_result_id: int | None = None,
) -> ApprovalRequest:
    """Ask the owner's manager to decide; an earlier pending request of that kind is withdrawn
    (an adjustment names its KR: `key_result_id`)."""
    owner = owner_of(ctx, objective) or ctx.person
    if kind is ApprovalKind.OBJECTIVE and proposal is None:
        proposal = objective_versions.proposal(ctx, objective)  # the diff on a resubmission
    if kind is not ApprovalKind.ADJUSTMENT:  # adjustments withdraw per KR (adjustments.request)
        ctx.session.execute(
            sa.update(ApprovalRequest)
            .where(
                col(ApprovalRequest.objective_id) == objective.id,
                col(ApprovalRequest.kind) == kind,
                col(ApprovalRequest.status) == ApprovalStatus.PENDING,
            )
            .values(status=ApprovalStatus.WITHDRAWN)
        )
    request = ApprovalRequest(
        workspace_id=ctx.workspace_id,
        objective_id=objective.id or 0,
        kind=kind,
        key_result_id=key_result_id,
        requester_id=owner.id or ctx.person_id,
        approver_id=owner.manager_id,
        proposal=json.dumps(proposal or {}, ensure_ascii=False),
        reason=reason,
        created_at=ctx.now,
    )
    ctx.session.add(request)
    if kind is ApprovalKind.OBJECTIVE:
        objective.status = ObjectiveStatus.PENDING
        ctx.session.add(objective)
    ctx.session.flush()
    approver = (
        people.get(session=ctx.session, workspace_id=ctx.workspace_id, person_id=owner.manager_id)
        if owner.manager_id
        else None
    )
    if approver is not None and approver.id is not None:
        notify(
            ctx,
            person_id=approver.id,
            message=request_message(
                ctx, request, objective, owner, reader_locale(approver, ctx.workspace)
            ),
            dedupe_key=f"approval:{request.id}:request",
            kind="approval_request",
        )
        # A delegate decides too while the manager is away: they get the request as well.
        for delegate in delegations.delegates_of(ctx.session, approver, ctx.today):
            if delegate.id is None or delegate.id == owner.id:
                continue
            notify(
                ctx,
                person_id=delegate.id,
                message=request_message(
                    ctx, request, objective, owner, reader_locale(delegate, ctx.workspace)
                ),
                dedupe_key=f"approval:{request.id}:request:{delegate.id}",
                kind="approval_request",
            )
    return request


def _parent_for(ctx: Context, objective: Objective, *, reader_id: int | None) -> Objective | None:
    """The objective `objective` aligns to, only when it is of the same workspace and the reader
    of the request may see it (a private parent stays private)."""
    parent = ctx.session.get(Objective, objective.parent_id) if objective.parent_id else None
    reader = (
        people.get(session=ctx.session, workspace_id=ctx.workspace_id, person_id=reader_id)
        if reader_id
        else None
    )
    if parent is None or reader is None or parent.workspace_id != objective.workspace_id:
        return None
    return parent if Access(ctx.session, reader).can_view_objective(parent) else None


def request_message(
    ctx: Context, request: ApprovalRequest, objective: Objective, owner: Person, locale: str
) -> Message:
    """The approval request a manager sees: the full OKR (or the diff) and the three buttons."""
    assert objective.id is not None
    krs = okrs.key_results_by_objective(
        session=ctx.session, workspace_id=ctx.workspace_id, objective_ids=[objective.id]
    ).get(objective.id, [])
    parent = _parent_for(ctx, objective, reader_id=request.approver_id)
    proposal = json.loads(request.proposal or "{}")
    return render(
        "flow_approval_request",
        locale=locale,
        request_id=request.id,
        kind=request.kind.value,
        owner=owner.name,
        objective=objective_view(objective, krs),
        parent=f"O-{parent.number} {parent.title}" if parent else None,
        changes=proposal.get("diff", []),
        reason=request.reason,
        adjusted=_adjusted(request, proposal),
        since=proposal.get("since", []),
        replaces=proposal.get("replaces", []),
        resubmitted=bool(proposal.get("resubmitted")),
    )


def _adjusted(request: ApprovalRequest, proposal: dict[str, Any]) -> dict[str, str] | None:
    """The KR an adjustment changes (its ref and title before the change), else None."""
    if request.kind is not ApprovalKind.ADJUSTMENT:
        return None
    return {"ref": str(proposal.get("ref", "")), "title": str(proposal.get("old_title", ""))}


def decide(ctx: Context, request: ApprovalRequest, decision: str, comment: str | None) -> Message:
    """Record the decision once; refuse people who may not decide; tell the owner."""
    objective = ctx.session.get(Objective, request.objective_id)
    owner = people.get(
        session=ctx.session, workspace_id=ctx.workspace_id, person_id=request.requester_id
    )
    if objective is None or owner is None or request.workspace_id != ctx.workspace_id:
        raise CommandError("flows.approval.unknown")
    ref, title = f"O-{objective.number}", objective.title
    proposal = json.loads(request.proposal or "{}")
    adjusted = _adjusted(request, proposal)
    if adjusted is not None:
        ref, title = adjusted["ref"] or ref, adjusted["title"] or title
    if not ctx.access.can_decide(owner):
        raise CommandError("flows.approval.not_allowed", {"ref": ref, "owner": owner.name})
    status = DECISIONS[decision]
    comment = (comment or "").strip() or None
    if comment:
        checked(comment, "comment")
    if status is ApprovalStatus.CHANGES_REQUESTED and comment is None:
        raise CommandError("flows.approval.comment_needed", {"ref": ref})
    moved = ctx.session.execute(
        sa.update(ApprovalRequest)
        .where(
            col(ApprovalRequest.id) == request.id,
            col(ApprovalRequest.status) == ApprovalStatus.PENDING,
        )
        .values(status=status, comment=comment, decided_by_id=ctx.person_id, decided_at=ctx.now)
    )
    if not moved.rowcount:  # type: ignore[attr-defined]
        ctx.session.refresh(request)
        return ctx.render("flow_already_decided", ref=ref, status=request.status.value)
    if request.kind is ApprovalKind.OBJECTIVE:
        objective.status = OBJECTIVE_STATUS[status]
        ctx.session.add(objective)
    elif status is ApprovalStatus.APPROVED:
        from commands.operations.adjustments import apply_proposal

        apply_proposal(ctx, request)
    audit.record(
        session=ctx.session,
        workspace_id=ctx.workspace_id,
        actor_id=ctx.person_id,
        platform=ctx.platform,
        action=f"approval_{decision}",
        entity_type="objective" if adjusted is None else "key_result",
        entity_id=objective.id if adjusted is None else request.key_result_id,
        entity_ref=ref,
        before={"status": ApprovalStatus.PENDING.value},
        after={"status": status.value, "comment": comment}
        | ({"changes": proposal.get("diff", [])} if adjusted is not None else {}),
    )
    if owner.id is not None:
        notify(
            ctx,
            person_id=owner.id,
            message=render(
                "flow_decision",
                locale=reader_locale(owner, ctx.workspace),
                ref=ref,
                title=title,
                kind=request.kind.value,
                status=status.value,
                by=_decided_by(ctx, request, owner),
                comment=comment,
                changes=proposal.get("diff", []),
            ),
            dedupe_key=f"approval:{request.id}:decision",
            kind="approval_decision",
        )
    return ctx.render(
        "flow_decided",
        ref=ref,
        title=title,
        owner=owner.name,
        status=status.value,
        comment=comment,
    )


def _decided_by(ctx: Context, request: ApprovalRequest, owner: Person) -> str:
    """The decider's name; "Li Na for Lara Lead" when a delegate decided for the approver."""
    if request.approver_id in (None, ctx.person_id):
        return ctx.person.name
    approver = people.get(
        session=ctx.session, workspace_id=ctx.workspace_id, person_id=request.approver_id
    )
    if approver is None or not ctx.access.is_delegate_of(approver.id):
        return ctx.person.name
    locale = reader_locale(owner, ctx.workspace)
    return translate(locale, "delegate.for_whom", by=ctx.person.name, approver=approver.name)


def pending_or_lazy(ctx: Context, objective: Objective) -> ApprovalRequest | None:
    """The pending request of an objective; one is made for a PENDING objective that has none
    (objectives imported or seeded as pending)."""
    request = pending(ctx, objective)
    if request is not None or objective.status is not ObjectiveStatus.PENDING:
        return request
    owner = owner_of(ctx, objective)
    if owner is None or owner.id is None:
        return None
    request = ApprovalRequest(
        workspace_id=ctx.workspace_id,
        objective_id=objective.id or 0,
        requester_id=owner.id,
        approver_id=owner.manager_id,
        created_at=ctx.now,
    )
    ctx.session.add(request)
    ctx.session.flush()
    return request


def latest_comment(ctx: Context, objective: Objective) -> str | None:
    """The comment of the objective's latest decision (what the manager asked to change)."""
    query = (
        select(ApprovalRequest.comment)
        .where(
            ApprovalRequest.workspace_id == ctx.workspace_id,
            ApprovalRequest.objective_id == objective.id,
            col(ApprovalRequest.decided_at).is_not(None),
        )
        .order_by(col(ApprovalRequest.id).desc())
    )
    return ctx.session.exec(query).first()
