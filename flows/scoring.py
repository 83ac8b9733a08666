"""Scoring an objective at the end of a cycle (复盘), question by question.

Started by `/okr score O-n` (评分), the "Score O-n" button of a review invitation, or the
manager's "Add manager review" button. The owner scores each KR 0.0-1.0 (a suggestion from
progress is offered; `ok` takes it), then
writes what worked, what did not and the next steps; the manager is sent the result with an
"Add manager review" button. The manager's run of the same flow scores each KR (the owner's
score is offered) and ends with a comment; the owner is told. Nothing is saved before the last
answer, so cancel keeps nothing.
"""

from __future__ import annotations

import math
import unicodedata
from typing import Any

from commands import lookups
from commands.actions import Action
from commands.context import Context
from commands.operations import approvals, review_store
from commands.types import CommandError, OkrScore
from commands.views import format_kr_value, kr_numbers
from commands.words import ACCEPT_WORDS, KEEP_WORDS, SKIP_WORDS
from digests.i18n import Phrase
from digests.message import Message
from flows.engine import Begin, Flow, Handle, Prompt, State, Step
from storage.models import Cycle, CycleState, KeyResult, Objective, ObjectiveStatus, Person
from storage.progress import percent, progress
from storage.repos import okrs
from storage.text_limits import COMMENT_MAX

SCORABLE_STATUS = {ObjectiveStatus.APPROVED, ObjectiveStatus.ARCHIVED}
# Scoring is for the cycle in review; an active cycle may be scored on demand too.
SCORABLE_CYCLE = {CycleState.ACTIVE, CycleState.REVIEW}
MAX_NOTE = COMMENT_MAX  # a review's notes (storage/text_limits.py)
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


def may_add_manager_review(ctx: Context, objective: Objective, owner: Person) -> bool:
    """The owner's management chain (can_score), their manager's delegate, or HR."""
    if owner.id == ctx.person_id:
        return False
    return ctx.access.can_score(objective) or ctx.access.can_decide(owner)


def start_scoring(ctx: Context, number: int) -> Begin:
    """Score `O-number` as its owner or as the reviewing manager."""
    objective = lookups.objective(ctx, number, usage="okr.score")
    ref = f"O-{number}"
    owner = approvals.owner_of(ctx, objective)
    if owner is None:
        raise CommandError("review.no_owner", {"ref": ref})
    if owner.id != ctx.person_id and not may_add_manager_review(ctx, objective, owner):
        raise CommandError("review.not_allowed", {"ref": ref, "owner": owner.name})
    if objective.status not in SCORABLE_STATUS:
        status = Phrase.of(f"okr.status.{objective.status.value}")
        raise CommandError("review.not_scorable", {"ref": ref, "status": status})
    cycle = ctx.session.get(Cycle, objective.cycle_id)
    if cycle is None or cycle.state not in SCORABLE_CYCLE:
        state = Phrase.of(f"cycles.state.{cycle.state.value if cycle else 'closed'}")
        name = cycle.name if cycle else "?"
        raise CommandError("review.cycle_not_open", {"ref": ref, "cycle": name, "state": state})
    assert objective.id is not None
    krs = okrs.key_results_by_objective(
        session=ctx.session, workspace_id=ctx.workspace_id, objective_ids=[objective.id]
    ).get(objective.id, [])
    if not krs:
        raise CommandError("review.no_krs", {"ref": ref})
    role = OWNER if owner.id == ctx.person_id else MANAGER
    return Begin(start_data(ctx, objective, krs, owner, role))


def okr_score(command: OkrScore, ctx: Context) -> Begin:
    """`/okr score O-n`: the owner scores and reviews; a manager adds their score and comment."""
    return start_scoring(ctx, command.objective_number)


def on_score_click(action: Action, ctx: Context) -> Begin:
    """The "Score O-n" button (an invitation to review) and "Add manager review"."""
    number = lookups.parse_id(action.value)
    if number is None:
        raise CommandError("review.unknown_button")
    return start_scoring(ctx, number)


REVIEW = Flow(
    name="okr_review",
    start="score",
    states={
        "score": State(prompt_score, handle_score),
        "worked": State(_note_prompt("worked"), _note_handler("worked", "did_not")),
        "did_not": State(_note_prompt("did_not"), _note_handler("did_not", "next_steps")),
        "next_steps": State(_note_prompt("next_steps"), _note_handler("next_steps", None)),
        "comment": State(_note_prompt("comment"), _note_handler("comment", None)),
    },
    commands={OkrScore: okr_score},
    actions={"okr.score": on_score_click, "okr.review.manager": on_score_click},
)
