"""The guided check-in (`/okr checkin`, 打卡, or the check-in prompt's "Start check-in" button):
each of the person's active KRs in turn — new value (or no change), confidence, optional
note — then everything is recorded at once through the check-in operation (the write path of
`/okr update`), and a summary says what was recorded.

Answers are collected in the flow run and written only at the end, in one transaction: a
cancelled or expired check-in leaves nothing half-written, and a bad answer changes nothing.
"""

from __future__ import annotations

from typing import Any

from commands import refs
from commands.actions import Action
from commands.context import Context
from commands.grammar import CONFIDENCE_ALIASES, normalise
from commands.operations import checkins
from commands.types import CommandError, OkrCheckin
from commands.values import parse_value
from commands.views import format_kr_value, kr_numbers, objective_percent
from commands.words import NO_CHANGE_WORDS, SKIP_WORDS
from digests.message import Message
from flows import engine
from flows.engine import Begin, Flow, State, Step
from storage.models import KeyResult, Objective, Platform
from storage.models.enums import Confidence
from storage.progress import percent, progress
from storage.repos import okrs, schedule
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


def _position(data: dict[str, Any]) -> dict[str, int]:
    return {"n": int(data["index"]) + 1, "total": len(data["krs"])}


def _ask(
    ctx: Context, data: dict[str, Any], question: str, hint: str, choices: list[tuple[str, str]]
) -> Message:
    """A question; on Slack and Feishu with buttons for the usual answers (label, answer)."""
    shown = [{"label": ctx.t(label), "answer": answer} for label, answer in choices]
    return ctx.render(
        "checkin_guided_prompt",
        question=question,
        hint=hint,
        token=data.get("_token", ""),
        choices=shown if ctx.platform in BUTTON_PLATFORMS and data.get("_token") else [],
    )


def prompt_value(ctx: Context, data: dict[str, Any]) -> Message:
    kr = _key_result(ctx, data)
    question = ctx.t(
        "guided.ask_value",
        ref=f"KR-{kr.number}",
        title=kr.title,
        current=format_kr_value(kr, kr.current_value),
        target=format_kr_value(kr, kr.target_value),
        **_position(data),
    )
    return _ask(
        ctx, data, question, ctx.t("guided.value_hint"), [("guided.button.no_change", "skip")]
    )


def _without_unit(kr: KeyResult, text: str) -> str:
    """`3 accounts` for a KR counted in accounts is `3`."""
    number, _, rest = text.strip().partition(" ")
    unit = normalise(kr.unit or "").strip()
    return number if rest.strip() and rest.strip() == unit else text


def handle_value(ctx: Context, data: dict[str, Any], text: str) -> Step:
    kr = _key_result(ctx, data)
    ref = f"KR-{kr.number}"
    if normalise(text) in NO_CHANGE_WORDS:
        return Step("confidence", {**data, "value": None})
    try:
        value = checkins.check_value_kind(kr, parse_value(_without_unit(kr, normalise(text))))
    except CommandError as error:
        reason = ctx.t(error.key, **error.params)
        raise CommandError("guided.retry_value", {"reason": reason, "ref": ref}) from error
    return Step("confidence", {**data, "value": value})


def prompt_confidence(ctx: Context, data: dict[str, Any]) -> Message:
    kr = _key_result(ctx, data)
    question = ctx.t(
        "guided.ask_confidence",
        ref=f"KR-{kr.number}",
        current=ctx.t(f"okr.confidence.{kr.confidence.value}"),
    )
    choices = [(f"checkin.confidence.{c.value}", c.value.replace("_", "-")) for c in Confidence]
    choices.append(("guided.button.keep", "keep"))
    return _ask(ctx, data, question, ctx.t("guided.confidence_hint"), choices)


def handle_confidence(ctx: Context, data: dict[str, Any], text: str) -> Step:
    word = normalise(text).strip()
    if word in NO_CHANGE_WORDS:
        return Step("note", {**data, "confidence": None})
    confidence = CONFIDENCE_ALIASES.get(word.replace(" ", "-"))
    if confidence is None:
        raise CommandError("guided.bad_confidence", {"text": text})
    return Step("note", {**data, "confidence": confidence.value})


def prompt_note(ctx: Context, data: dict[str, Any]) -> Message:
    kr = _key_result(ctx, data)
    question = ctx.t("guided.ask_note", ref=f"KR-{kr.number}")
    return _ask(ctx, data, question, ctx.t("guided.note_hint"), [("guided.button.no_note", "-")])


def handle_note(ctx: Context, data: dict[str, Any], text: str) -> Step:
    note: str | None = text.strip()
    if normalise(text).strip() in SKIP_WORDS or not note:
        note = None
    elif len(note) > NOTE_MAX:
        raise CommandError("guided.note_too_long", {"max": NOTE_MAX, "length": len(note)})
    kr = _key_result(ctx, data)
    answer = {
        "id": kr.id,
        "value": data.get("value"),
        "confidence": data.get("confidence"),
        "note": note,
    }
    rest = {k: v for k, v in data.items() if k not in ("value", "confidence")}
    following = {**rest, "answers": [*data.get("answers", []), answer]}
    following["index"] = int(data["index"]) + 1
    if following["index"] < len(data["krs"]):
        return Step("value", following)
    return Step(None, following, record(ctx, following["answers"]))


def _objectives(ctx: Context, krs: list[KeyResult]) -> dict[int, tuple[Objective, float]]:
    """The objectives these KRs belong to, with their progress now."""
    ids = sorted({kr.objective_id for kr in krs})
    siblings = okrs.key_results_by_objective(
        session=ctx.session, workspace_id=ctx.workspace_id, objective_ids=ids
    )
    found: dict[int, tuple[Objective, float]] = {}
    for objective_id in ids:
        objective = ctx.session.get(Objective, objective_id)
        if objective is not None:
            found[objective_id] = (objective, objective_percent(siblings.get(objective_id, [])))
    return found


def record(ctx: Context, answers: list[dict[str, Any]]) -> Message:
    """Record every answer (the check-in operation of `/okr update`), and summarise."""
    krs = [kr for a in answers if (kr := ctx.session.get(KeyResult, a["id"])) is not None]
    before = _objectives(ctx, krs)
    lines = []
    for answer, kr in zip(answers, krs, strict=False):
        old_value, old_percent = kr.current_value, percent(progress(kr_numbers(kr)))
        chosen = answer["confidence"]
        checkins.record(
            ctx,
            kr.number,
            None if answer["value"] is None else float(answer["value"]),
            Confidence(chosen) if chosen else None,
            answer["note"],
        )
        lines.append(
            {
                "ref": f"KR-{kr.number}",
                "title": kr.title,
                "changed": answer["value"] is not None,
                "old": format_kr_value(kr, old_value),
                "new": format_kr_value(kr, kr.current_value),
                "old_percent": old_percent,
                "percent": percent(progress(kr_numbers(kr))),
                "confidence": kr.confidence.value,
                "note": answer["note"],
            }
        )
    after = _objectives(ctx, krs)
    objectives = [
        {
            "ref": f"O-{objective.number}",
            "title": objective.title,
            "old": before[key][1],
            "new": after[key][1],
        }
        for key, (objective, _) in after.items()
        if key in before
    ]
    return ctx.render("checkin_guided_summary", krs=lines, objectives=objectives)


def active_key_results(ctx: Context) -> list[KeyResult]:
    """The requester's KRs in active cycles on open objectives (those the prompt asks about)."""
    found = schedule.active_key_results(
        session=ctx.session, workspace_id=ctx.workspace_id, owner_ids=[ctx.person_id]
    )
    return found.get(ctx.person_id, [])


def _start(ctx: Context, only: set[int] | None = None) -> Begin | Message:
    """Walk through the requester's active KRs (only those numbered, if any of them is)."""
    krs = active_key_results(ctx)
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
    """A button of a check-in question (No change, a confidence, No note): the same as typing
    its answer, for the run and step it was shown at (a second click is refused)."""
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
    states={
        "value": State(prompt_value, handle_value),
        "confidence": State(prompt_confidence, handle_confidence),
        "note": State(prompt_note, handle_note),
    },
    commands={OkrCheckin: okr_checkin},
    actions={START_ACTION: on_start_click, ANSWER_ACTION: on_answer_click},
)
