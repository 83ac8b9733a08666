"""`/okr adjust KR-n` (调整): propose a new target or a replacement KR with a reason, for the
manager to approve — in one line (`/okr adjust KR-3 8 the order doubled`, no flow) or step by
step: what should change, why, confirm. The sending itself is the adjustment operation."""

from __future__ import annotations

from typing import Any

from commands import lookups
from commands.actions import Action
from commands.context import Context
from commands.operations import adjustments
from commands.types import CommandError, OkrAdjust
from commands.words import SUBMIT_WORDS, normalise
from digests.message import Message
from flows import engine
from flows.engine import Begin, Flow, State, Step
from storage.models import KeyResult, Objective

FLOW_NAME = "okr_adjust"
START_ACTION = "okr.adjust.start"


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


def handle_reason(ctx: Context, data: dict[str, Any], text: str) -> Step:
    return Step("confirm", {**data, "reason": adjustments.check_reason(text)})


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
        manager=adjustments.manager_name(ctx, objective),
    )


def handle_confirm(ctx: Context, data: dict[str, Any], text: str) -> Step:
    if normalise(text).strip() not in SUBMIT_WORDS:
        raise CommandError("adjust.confirm_hint")
    kr = _kr(ctx, data)
    # Re-checked against the KR as it is now: it may have changed since the diff was shown.
    spec = {k: data["proposal"][k] for k in (*adjustments.FIELDS, "replace")}
    fresh = adjustments.proposal_of(kr, spec)
    return Step(None, data, adjustments.request(ctx, kr, fresh, data["reason"]))


def okr_adjust(command: OkrAdjust, ctx: Context) -> Begin | Message:
    """One line when target and reason are given; otherwise the questions one by one."""
    kr = adjustments.adjustable(ctx, command.kr_number)
    if command.target is None:
        comment = adjustments.last_comment(ctx, kr)
        return Begin({"kr_id": kr.id, "comment": comment})
    try:
        spec = adjustments.new_target(kr, command.target, command.title)
    except CommandError as error:
        error.usage = error.usage or "okr.adjust"
        raise
    proposal = adjustments.proposal_of(kr, spec)
    return adjustments.request(ctx, kr, proposal, adjustments.check_reason(command.reason))


def on_propose_again(action: Action, ctx: Context) -> Begin | Message:
    """The "Propose again" button of a changes-requested adjustment."""
    number = lookups.parse_id(action.value)
    if number is None:
        raise CommandError("error.unknown_action")
    return okr_adjust(OkrAdjust(number), ctx)


ADJUST = Flow(
    name=FLOW_NAME,
    start="change",
    states={
        "change": State(prompt_change, handle_change),
        "reason": State(prompt_reason, handle_reason),
        "confirm": State(prompt_confirm, handle_confirm),
    },
    commands={OkrAdjust: okr_adjust},
    actions={START_ACTION: on_propose_again},
)
