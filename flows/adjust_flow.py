"""`/okr adjust KR-n` step by step — what should change, why, confirm — and the submission
to the manager (or, for someone without a manager, the change applied at once, versioned)."""

from __future__ import annotations

import json
from typing import Any

from commands.context import Context
from commands.grammar import normalise
from commands.grammar_checkin import MAX_REASON
from commands.operations import adjustments, approvals
from commands.types import CommandError
from digests.message import Message
from flows import engine
from flows.engine import SUBMIT_WORDS, Flow, State, Step, register
from storage.models import ApprovalKind, ApprovalRequest, ApprovalStatus, KeyResult, Objective
from storage.repos import audit, people

FLOW_NAME = "okr_adjust"
MIN_REASON = 3


def _kr(ctx: Context, data: dict[str, Any]) -> KeyResult:
    kr = ctx.session.get(KeyResult, data["kr_id"])
    if kr is None or kr.workspace_id != ctx.workspace_id:
        raise CommandError("guided.kr_gone")
    return adjustments.adjustable(ctx, kr.number)


def _current(ctx: Context, kr: KeyResult) -> dict[str, str]:
    spec = adjustments.definition(kr)
    return {
        "ref": f"KR-{kr.number}",
        "title": kr.title,
        "start": adjustments.show_value(spec, kr.start_value),
        "target": adjustments.show_value(spec, kr.target_value),
    }


def prompt_change(ctx: Context, data: dict[str, Any]) -> Message:
    kr = _kr(ctx, data)
    question = ctx.render(
        "flow_prompt",
        question=ctx.t("adjust.ask_change", **_current(ctx, kr)),
        hint=ctx.t("adjust.change_hint"),
    )
    if not data.get("comment"):
        return question
    note = ctx.render("flow_note", text=ctx.t("adjust.comment", comment=data["comment"]))
    return engine.combine(note, question)


def handle_change(ctx: Context, data: dict[str, Any], text: str) -> Step:
    kr = _kr(ctx, data)
    proposal = adjustments.proposal_of(kr, adjustments.parse_change(kr, normalise_value(text)))
    return Step("reason", {**data, "proposal": proposal})


def normalise_value(text: str) -> str:
    """Full-width digits and dashes as ASCII for a bare value; a replacement line as typed."""
    return text.strip() if "|" in text else normalise(text).strip()


def prompt_reason(ctx: Context, data: dict[str, Any]) -> Message:
    return ctx.render(
        "flow_prompt", question=ctx.t("adjust.ask_reason"), hint=ctx.t("adjust.reason_hint")
    )


def check_reason(text: str | None) -> str:
    """The reason, trimmed; CommandError when it is missing or too short or long."""
    reason = (text or "").strip()
    if len(reason) < MIN_REASON or len(reason) > MAX_REASON:
        raise CommandError("adjust.reason_needed", {"max": MAX_REASON})
    return reason


def handle_reason(ctx: Context, data: dict[str, Any], text: str) -> Step:
    return Step("confirm", {**data, "reason": check_reason(text)})


def _manager_name(ctx: Context, objective: Objective) -> str | None:
    owner = approvals.owner_of(ctx, objective) or ctx.person
    if owner.manager_id is None:
        return None
    boss = people.get(
        session=ctx.session, workspace_id=ctx.workspace_id, person_id=owner.manager_id
    )
    return boss.name if boss else None


def prompt_confirm(ctx: Context, data: dict[str, Any]) -> Message:
    kr = _kr(ctx, data)
    objective = ctx.session.get(Objective, kr.objective_id)
    assert objective is not None
    return ctx.render(
        "adjust_confirm",
        ref=f"KR-{kr.number}",
        title=kr.title,
        changes=data["proposal"]["diff"],
        reason=data["reason"],
        manager=_manager_name(ctx, objective),
    )


def handle_confirm(ctx: Context, data: dict[str, Any], text: str) -> Step:
    if normalise(text).strip() not in SUBMIT_WORDS:
        raise CommandError("adjust.confirm_hint")
    kr = _kr(ctx, data)
    # Re-checked against the KR as it is now: it may have changed since the diff was shown.
    spec = {k: data["proposal"][k] for k in (*adjustments.FIELDS, "replace")}
    fresh = adjustments.proposal_of(kr, spec)
    return Step(None, data, send(ctx, kr, fresh, data["reason"]))


def send(ctx: Context, kr: KeyResult, proposal: dict[str, Any], reason: str) -> Message:
    """Send the change to the owner's manager; with no manager to ask, apply it at once."""
    objective = ctx.session.get(Objective, kr.objective_id)
    assert objective is not None
    for earlier in adjustments.pending_for(ctx, kr):
        earlier.status = ApprovalStatus.WITHDRAWN
        ctx.session.add(earlier)
    ctx.session.flush()
    manager = _manager_name(ctx, objective)
    ref = f"KR-{kr.number}"
    if manager is not None:
        approvals.submit(
            ctx, objective, kind=ApprovalKind.ADJUSTMENT, proposal=proposal, reason=reason
        )
        return ctx.render("adjust_sent", ref=ref, title=kr.title, manager=manager)
    request = ApprovalRequest(
        workspace_id=ctx.workspace_id,
        objective_id=objective.id or 0,
        kind=ApprovalKind.ADJUSTMENT,
        requester_id=ctx.person_id,
        status=ApprovalStatus.APPROVED,
        proposal=json.dumps(proposal, ensure_ascii=False),
        reason=reason,
        decided_by_id=ctx.person_id,
        decided_at=ctx.now,
        created_at=ctx.now,
    )
    ctx.session.add(request)
    ctx.session.flush()
    adjustments.apply_proposal(ctx, request)
    audit.record(
        session=ctx.session,
        workspace_id=ctx.workspace_id,
        actor_id=ctx.person_id,
        platform=ctx.platform,
        action="kr_adjusted",
        entity_type="key_result",
        entity_id=kr.id,
        entity_ref=ref,
        before={c["field"]: c["old"] for c in proposal["diff"]},
        after={c["field"]: c["new"] for c in proposal["diff"]},
    )
    return ctx.render("adjust_applied", ref=ref, changes=proposal["diff"], reason=reason)


ADJUST = register(
    Flow(
        name=FLOW_NAME,
        start="change",
        states={
            "change": State(prompt_change, handle_change),
            "reason": State(prompt_reason, handle_reason),
            "confirm": State(prompt_confirm, handle_confirm),
        },
    )
)
