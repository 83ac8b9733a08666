"""The guided check-in (`/okr checkin`, 打卡, or the check-in prompt's "Start check-in" button):
one question per due KR, answered in one line — the value, then a confidence and a note if
there are any (`4 at-risk legal slow`), `same` for no change, `skip` to leave the KR out — so
three KRs take four messages. Everything is recorded at the end through the check-in batch
(the write path of `/okr update`), and a summary says what was recorded.

Answers are collected in the flow run and written only at the end, in one transaction: a
cancelled or expired check-in leaves nothing half-written, and an answer that is not
understood is asked again with the reason and changes nothing.
"""

from __future__ import annotations

from typing import Any

from commands import refs
from commands.actions import Action
from commands.context import Context
from commands.grammar_update import SKIP_WORDS, parse_parts
from commands.operations import checkin_batch, checkins
from commands.types import CommandError, OkrCheckin
from commands.views import format_kr_value
from digests.message import Message
from flows import engine
from flows.engine import Begin, Flow, State, Step
from storage.models import KeyResult, Platform
from storage.models.enums import Confidence
from storage.repos import schedule
from storage.text_limits import NOTE_MAX

FLOW_NAME = "okr_checkin"
START_ACTION = "checkin.start"
ANSWER_ACTION = "checkin.answer"
BUTTON_PLATFORMS = frozenset({Platform.SLACK, Platform.FEISHU})


def start_data(krs: list[KeyResult]) -> dict[str, Any]:
    """The run's first answers: which KRs to walk through, in order."""
    return {"krs": [kr.id for kr in krs if kr.id is not None], "index": 0, "answers": []}


def _key_result(ctx: Context, data: dict[str, Any]) -> KeyResult:
    kr = ctx.session.get(KeyResult, data["krs"][int(data["index"])])
    if kr is None or kr.workspace_id != ctx.workspace_id:
        raise CommandError("guided.kr_gone")
    return kr


def prompt_answer(ctx: Context, data: dict[str, Any]) -> Message:
    """`2/3 · KR-4 Cut quote turnaround — now 3.5 days, target 2 days, on track.`"""
    kr = _key_result(ctx, data)
    question = ctx.t(
        "guided.ask_answer",
        ref=f"KR-{kr.number}",
        title=kr.title,
        current=format_kr_value(kr, kr.current_value),
        target=format_kr_value(kr, kr.target_value),
        confidence=ctx.t(f"okr.confidence.{kr.confidence.value}"),
        n=int(data["index"]) + 1,
        total=len(data["krs"]),
    )
    token = data.get("_token", "")
    buttons = ctx.platform in BUTTON_PLATFORMS and token
    choices = [("guided.button.same", "same"), ("guided.button.skip", "skip")]
    return ctx.render(
        "checkin_guided_prompt",
        question=question,
        hint=ctx.t("guided.answer_hint"),
        token=token,
        choices=[{"label": ctx.t(label), "answer": a} for label, a in choices] if buttons else [],
    )


def _answer(ctx: Context, kr: KeyResult, text: str) -> dict[str, Any]:
    """One line read as this KR's check-in, or CommandError saying why it is not one."""
    ref = f"KR-{kr.number}"
    if text.strip().lower() in SKIP_WORDS:
        return {"number": kr.number, "skip": True}
    parts = parse_parts(text, ref=ref, allow_same=True)
    value = (
        None
        if parts.value is None
        else checkins.check_value_kind(kr, parts.value, adding_to=kr.current_value)
    )
    note = checkins.without_unit(kr, parts.note)
    if note and len(note) > NOTE_MAX:
        raise CommandError("guided.note_too_long", {"max": NOTE_MAX, "length": len(note)})
    confidence = parts.confidence.value if parts.confidence else None
    return {"number": kr.number, "value": value, "confidence": confidence, "note": note}


def handle_answer(ctx: Context, data: dict[str, Any], text: str) -> Step:
    kr = _key_result(ctx, data)
    try:
        answer = _answer(ctx, kr, text)
    except CommandError as error:
        reason = ctx.t(error.key, **error.params)
        retry = CommandError("guided.retry_answer", {"reason": reason, "ref": f"KR-{kr.number}"})
        raise retry from error
    following = {**data, "answers": [*data.get("answers", []), answer]}
    following["index"] = int(data["index"]) + 1
    if following["index"] < len(data["krs"]):
        return Step("value", following)
    return Step(None, following, record(ctx, following["answers"]))


def record(ctx: Context, answers: list[dict[str, Any]]) -> Message:
    """Record every answer but the skipped ones (the check-in batch), and summarise."""
    skipped = [f"KR-{a['number']}" for a in answers if a.get("skip")]
    entries = [
        checkin_batch.Entry(
            int(a["number"]),
            None if a["value"] is None else float(a["value"]),
            Confidence(a["confidence"]) if a.get("confidence") else None,
            a.get("note"),
        )
        for a in answers
        if not a.get("skip")
    ]
    if not entries:
        return ctx.render("flow_note", text=ctx.t("guided.all_skipped"))
    return checkin_batch.record_all(ctx, entries, skipped=skipped)


def due_key_results(ctx: Context) -> list[KeyResult]:
    """The requester's KRs a check-in asks about (storage.repos.schedule.due_key_results)."""
    found = schedule.due_key_results(
        session=ctx.session, workspace_id=ctx.workspace_id, owner_ids=[ctx.person_id]
    )
    return found.get(ctx.person_id, [])


def _start(ctx: Context, only: set[int] | None = None) -> Begin | Message:
    """Walk through the requester's active KRs (only those numbered, if any of them is)."""
    krs = due_key_results(ctx)
    chosen = [kr for kr in krs if only is None or kr.number in only] or krs
    if not chosen:
        return ctx.render("flow_note", text=ctx.t("guided.nothing"))
    return Begin(start_data(chosen))


def okr_checkin(command: OkrCheckin, ctx: Context) -> Begin | Message:
    """`/okr checkin`: walk through every active KR of the requester."""
    return _start(ctx)


def on_start_click(action: Action, ctx: Context) -> Begin | Message:
    """The prompt's "Start check-in" button: its value names the prompt's KRs (`KR-1 KR-4`);
    those still active are walked through (all active KRs when none of them is)."""
    numbers = {n for ref in action.value.split() if (n := refs.kr_number(ref)) is not None}
    return _start(ctx, numbers or None)


def on_answer_click(action: Action, ctx: Context) -> Message:
    """A button of a check-in question (Same, Skip): the same as typing its answer, for the
    run and step it was shown at (a second click is refused)."""
    token, _, answer = action.value.partition("|")
    run = engine.run_of_token(ctx, token)
    waiting = engine.current(ctx)
    if run.flow != FLOW_NAME or waiting is None or waiting.id != run.id:
        raise CommandError("flows.stale")
    reply = engine.answer(ctx, answer, lambda name: CHECKIN if name == FLOW_NAME else None)
    if reply is None:
        raise CommandError("flows.stale")
    return reply


CHECKIN = Flow(
    name=FLOW_NAME,
    start="value",
    states={"value": State(prompt_answer, handle_answer)},
    commands={OkrCheckin: okr_checkin},
    actions={START_ACTION: on_start_click, ANSWER_ACTION: on_answer_click},
)
