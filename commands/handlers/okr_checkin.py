"""`/okr checkin` (打卡): the guided check-in, typed or started from the check-in prompt's
"Start check-in" button."""

from __future__ import annotations

import re

from commands.actions import Action, register
from commands.context import Context
from commands.types import CommandError, OkrCheckin
from digests.message import Message
from flows import checkin, engine
from storage.models import KeyResult
from storage.repos import schedule

START_ACTION = "checkin.start"
ANSWER_ACTION = "checkin.answer"
_KR_REF = re.compile(r"^(?:kr-?)?(\d{1,9})$", re.IGNORECASE)


def active_key_results(ctx: Context) -> list[KeyResult]:
    """The requester's KRs in active cycles on open objectives (those the prompt asks about)."""
    found = schedule.active_key_results(
        session=ctx.session, workspace_id=ctx.workspace_id, owner_ids=[ctx.person_id]
    )
    return found.get(ctx.person_id, [])


def start(ctx: Context, only: set[int] | None = None) -> Message:
    """Begin the walk-through over the requester's active KRs (only those numbered, if given)."""
    krs = active_key_results(ctx)
    chosen = [kr for kr in krs if only is None or kr.number in only] or krs
    if not chosen:
        return ctx.render("flow_note", text=ctx.t("guided.nothing"))
    return engine.begin(ctx, checkin.CHECKIN, checkin.start_data(chosen))


def okr_checkin(command: OkrCheckin, ctx: Context) -> Message:
    """`/okr checkin`: walk through every active KR of the requester."""
    return start(ctx)


@register(START_ACTION)
def on_start_click(action: Action, ctx: Context) -> Message:
    """The prompt's "Start check-in" button: its value names the prompt's KRs (`KR-1 KR-4`);
    those still active are walked through (all active KRs when none of them is)."""
    numbers = {int(m[1]) for ref in action.value.split() if (m := _KR_REF.match(ref))}
    return start(ctx, numbers or None)


@register(ANSWER_ACTION)
def on_answer_click(action: Action, ctx: Context) -> Message:
    """A button of a check-in question (No change, a confidence, No note): the same as typing
    its answer, for the run and step it was shown at (a second click is refused)."""
    token, _, answer = action.value.partition("|")
    run = engine.run_of_token(ctx, token)
    waiting = engine.current(ctx)
    if run.flow != checkin.FLOW_NAME or waiting is None or waiting.id != run.id:
        raise CommandError("flows.stale")
    reply = engine.answer(ctx, answer)
    if reply is None:
        raise CommandError("flows.stale")
    return reply
