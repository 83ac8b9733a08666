"""Scoring an objective at the end of a cycle (复盘), question by question.

The owner scores each KR 0.0-1.0 (a suggestion from progress is offered; `ok` takes it), then
writes what worked, what did not and the next steps; the manager is sent the result with an
"Add manager review" button. The manager's run of the same flow scores each KR (the owner's
score is offered) and ends with a comment; the owner is told. Nothing is saved before the last
answer, so cancel keeps nothing.
"""

from __future__ import annotations

import math
import unicodedata
from typing import Any

from commands.context import Context
from commands.operations import review_store
from commands.types import CommandError
from commands.views import format_kr_value, kr_numbers
from digests.message import Message
from flows import engine
from flows.engine import KEEP_WORDS, Flow, Handle, Prompt, State, Step, register
from storage.models import KeyResult, Objective, Person
from storage.progress import percent, progress

ACCEPT_WORDS = frozenset(
    {"ok", "okay", "yes", "y", "accept", "好", "好的", "可以", "行", "是", "确认"}
)
SKIP_WORDS = frozenset({"-", "skip", "none", "no", "跳过", "无", "没有"})
MAX_NOTE = 4000
OWNER, MANAGER = "owner", "manager"


def suggest(kr: KeyResult) -> float:
    """A score from progress, to one decimal, halves up: progress 0.72 -> 0.7, 0.65 -> 0.7."""
    return math.floor(progress(kr_numbers(kr)) * 10 + 0.5 + 1e-9) / 10


def parse_score(text: str) -> float | None:
    """A score typed as 0.7, .7, 0,7 or ０.７; None when it is not a number from 0 to 1."""
    cleaned = unicodedata.normalize("NFKC", text).strip().replace(",", ".").replace("。", ".")
    try:
        value = float(cleaned)
    except ValueError:
        return None
    if not math.isfinite(value) or not 0.0 <= value <= 1.0:
        return None
    return round(value, 2)


def start_data(
    ctx: Context, objective: Objective, krs: list[KeyResult], owner: Person, role: str
) -> dict[str, Any]:
    """What the questions need, read once: each KR's figures, suggestion and earlier scores."""
    assert objective.id is not None
    scores = review_store.scores_of(ctx, [kr.id or 0 for kr in krs])
    review = review_store.review_of(ctx, objective.id)
    items = []
    for kr in krs:
        saved = scores.get(kr.id or 0)
        owner_score = saved.owner_score if saved else None
        manager_score = saved.manager_score if saved else None
        suggested = suggest(kr)
        if role == MANAGER and owner_score is not None:
            suggested = owner_score
        items.append(
            {
                "id": kr.id,
                "ref": f"KR-{kr.number}",
                "title": kr.title,
                "current": format_kr_value(kr, kr.current_value),
                "target": format_kr_value(kr, kr.target_value),
                "percent": percent(progress(kr_numbers(kr))),
                "weight": kr.weight,
                "suggested": suggested,
                "owner_score": owner_score,
                "saved": owner_score if role == OWNER else manager_score,
            }
        )
    notes = {
        "worked": review.worked if review else None,
        "did_not": review.did_not if review else None,
        "next_steps": review.next_steps if review else None,
        "comment": review.manager_comment if review else None,
    }
    return {
        "role": role,
        "objective_id": objective.id,
        "ref": f"O-{objective.number}",
        "title": objective.title,
        "owner": owner.name,
        "owner_id": owner.id,
        "krs": items,
        "index": 0,
        "scores": [],
        "saved_notes": notes,
    }


def _kr(data: dict[str, Any]) -> dict[str, Any]:
    return dict(data["krs"][int(data.get("index", 0))])


def _score_text(value: float) -> str:
    return f"{value:.2f}".rstrip("0").rstrip(".") if value not in (0, 1) else f"{value:.1f}"


def prompt_score(ctx: Context, data: dict[str, Any]) -> Message:
    """Ask for the score of the current KR, with its figures and the suggestion."""
    kr = _kr(data)
    return ctx.render(
        "review_score_prompt",
        role=data["role"],
        n=int(data.get("index", 0)) + 1,
        total=len(data["krs"]),
        kr=kr,
        owner=data["owner"],
        suggested=_score_text(kr["suggested"]),
        owner_score=None if kr["owner_score"] is None else _score_text(kr["owner_score"]),
        saved=None if kr["saved"] is None else _score_text(kr["saved"]),
    )


def handle_score(ctx: Context, data: dict[str, Any], text: str) -> Step:
    """Take `ok` (the suggestion), `keep` (the earlier score) or a number 0-1; else re-ask."""
    kr = _kr(data)
    word = unicodedata.normalize("NFKC", text).strip().lower()
    score: float | None
    if word in ACCEPT_WORDS:
        score = kr["suggested"]
    elif word in KEEP_WORDS and kr["saved"] is not None:
        score = kr["saved"]
    else:
        score = parse_score(text)
    if score is None:
        raise CommandError(
            "review.score.bad",
            {"text": text, "ref": kr["ref"], "suggested": _score_text(kr["suggested"])},
        )
    scores = [*data.get("scores", []), score]
    index = int(data.get("index", 0)) + 1
    following = {**data, "scores": scores, "index": index}
    if index < len(data["krs"]):
        return Step("score", following)
    return Step("worked" if data["role"] == OWNER else "comment", following)


def _note_prompt(field: str) -> Prompt:
    def prompt(ctx: Context, data: dict[str, Any]) -> Message:
        saved = (data.get("saved_notes") or {}).get(field)
        return ctx.render(
            "flow_prompt",
            question=ctx.t(f"review.ask.{field}", ref=data["ref"], owner=data["owner"]),
            hint=ctx.t("review.ask.keep_hint" if saved else "review.ask.skip_hint", current=saved),
        )

    return prompt


def _note_answer(data: dict[str, Any], field: str, text: str) -> str | None:
    word = unicodedata.normalize("NFKC", text).strip().lower()
    saved = (data.get("saved_notes") or {}).get(field)
    if word in KEEP_WORDS and saved:
        return str(saved)
    if word in SKIP_WORDS or not text.strip():
        return None
    if len(text) > MAX_NOTE:
        raise CommandError("review.note_too_long", {"max": MAX_NOTE})
    return text.strip()


def _note_handler(field: str, following: str | None) -> Handle:
    def handle(ctx: Context, data: dict[str, Any], text: str) -> Step:
        notes = {**data.get("notes", {}), field: _note_answer(data, field, text)}
        answered = {**data, "notes": notes}
        if following is not None:
            return Step(following, answered)
        return Step(None, answered, review_store.save(ctx, answered))

    return handle


REVIEW = register(
    Flow(
        name="okr_review",
        start="score",
        states={
            "score": State(prompt_score, handle_score),
            "worked": State(_note_prompt("worked"), _note_handler("worked", "did_not")),
            "did_not": State(_note_prompt("did_not"), _note_handler("did_not", "next_steps")),
            "next_steps": State(_note_prompt("next_steps"), _note_handler("next_steps", None)),
            "comment": State(_note_prompt("comment"), _note_handler("comment", None)),
        },
    )
)


def begin(ctx: Context, objective: Objective, krs: list[KeyResult], owner: Person) -> Message:
    """Start scoring `objective`: as its owner, or as the manager adding their review."""
    role = OWNER if owner.id == ctx.person_id else MANAGER
    return engine.begin(ctx, REVIEW, start_data(ctx, objective, krs, owner, role))
