"""The guided check-in: each of the person's active KRs in turn — new value (or no change),
confidence, optional note — then everything is recorded at once through `/okr update`'s
write path, and a summary says what was recorded.

Answers are collected in the flow run and written only at the end, in one transaction: a
cancelled or expired check-in leaves nothing half-written, and a bad answer changes nothing.
"""

from __future__ import annotations

from typing import Any

from commands.context import Context
from commands.grammar import CONFIDENCE_ALIASES, normalise
from commands.handlers.okr import check_value_kind, okr_update
from commands.types import CommandError, OkrUpdate, Value, ValueKind
from commands.values import parse_value
from commands.views import format_kr_value, kr_numbers, objective_percent
from digests.message import Message
from flows.engine import Flow, State, Step, register
from storage.models import KeyResult, Objective, Platform
from storage.models.enums import Confidence
from storage.progress import percent, progress
from storage.repos import okrs
from storage.text_limits import NOTE_MAX

FLOW_NAME = "okr_checkin"
SKIP_WORDS = frozenset({"skip", "same", "no change", "nochange", "=", "不变", "没变", "跳过"})
KEEP_WORDS = frozenset({"keep", "same", "skip", "=", "不变", "保持", "跳过"})
NO_NOTE_WORDS = frozenset({"-", "skip", "none", "no", "n/a", "无", "没有", "跳过", "不用"})
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
    if normalise(text) in SKIP_WORDS:
        return Step("confidence", {**data, "value": None})
    try:
        value = check_value_kind(kr, parse_value(_without_unit(kr, normalise(text))))
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
    if word in KEEP_WORDS:
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
    if normalise(text).strip() in NO_NOTE_WORDS or not note:
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
    """Record every answer as `/okr update` would, and summarise what was recorded."""
    krs = [kr for a in answers if (kr := ctx.session.get(KeyResult, a["id"])) is not None]
    before = _objectives(ctx, krs)
    lines = []
    for answer, kr in zip(answers, krs, strict=False):
        old_value, old_percent = kr.current_value, percent(progress(kr_numbers(kr)))
        amount = kr.current_value if answer["value"] is None else float(answer["value"])
        chosen = answer["confidence"]
        okr_update(
            OkrUpdate(
                kr.number,
                Value(amount, ValueKind.PLAIN, text=str(amount)),
                Confidence(chosen) if chosen else None,
                answer["note"],
            ),
            ctx,
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


CHECKIN = register(
    Flow(
        name=FLOW_NAME,
        start="value",
        states={
            "value": State(prompt_value, handle_value),
            "confidence": State(prompt_confidence, handle_confidence),
            "note": State(prompt_note, handle_note),
        },
    )
)
