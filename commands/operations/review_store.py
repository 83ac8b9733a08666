"""Saving a finished scoring run: KR scores, the retrospective notes, the audit row, and the
notification to the other side (the manager after the owner, the owner after the manager)."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from sqlmodel import col, select

from commands.context import Context
from commands.notify import notify
from digests.i18n import reader_locale
from digests.message import Message
from digests.render import render
from storage.models import KeyResultScore, ObjectiveReview, Person
from storage.progress import weighted_progress
from storage.repos import audit, people


def scores_of(ctx: Context, key_result_ids: Sequence[int]) -> dict[int, KeyResultScore]:
    """The stored scores of some KRs, keyed by KR id."""
    if not key_result_ids:
        return {}
    query = select(KeyResultScore).where(
        KeyResultScore.workspace_id == ctx.workspace_id,
        col(KeyResultScore.key_result_id).in_(list(key_result_ids)),
    )
    return {row.key_result_id: row for row in ctx.session.exec(query)}


def review_of(ctx: Context, objective_id: int) -> ObjectiveReview | None:
    """The objective's retrospective, if one was written."""
    query = select(ObjectiveReview).where(
        ObjectiveReview.workspace_id == ctx.workspace_id,
        ObjectiveReview.objective_id == objective_id,
    )
    return ctx.session.exec(query).first()


def mean_score(scores: Sequence[float], weights: Sequence[float]) -> float:
    """The objective's score: the weighted mean of its KR scores, two decimals."""
    return round(weighted_progress(zip(scores, weights, strict=True)), 2)


def _store_scores(ctx: Context, data: dict[str, Any]) -> None:
    krs = data["krs"]
    saved = scores_of(ctx, [kr["id"] for kr in krs])
    for kr, score in zip(krs, data["scores"], strict=True):
        row = saved.get(kr["id"]) or KeyResultScore(
            workspace_id=ctx.workspace_id, key_result_id=kr["id"]
        )
        if data["role"] == "owner":
            row.owner_score = score
        else:
            row.manager_score = score
        row.updated_at = ctx.now
        ctx.session.add(row)


def _store_notes(ctx: Context, data: dict[str, Any]) -> None:
    review = review_of(ctx, data["objective_id"]) or ObjectiveReview(
        workspace_id=ctx.workspace_id, objective_id=data["objective_id"]
    )
    notes = data.get("notes", {})
    if data["role"] == "owner":
        review.worked = notes.get("worked")
        review.did_not = notes.get("did_not")
        review.next_steps = notes.get("next_steps")
    else:
        review.manager_comment = notes.get("comment")
    review.updated_at = ctx.now
    ctx.session.add(review)


def _summary(data: dict[str, Any]) -> dict[str, Any]:
    lines = [
        {"ref": kr["ref"], "title": kr["title"], "score": score}
        for kr, score in zip(data["krs"], data["scores"], strict=True)
    ]
    weights = [float(kr.get("weight", 1.0)) for kr in data["krs"]]
    return {
        "ref": data["ref"],
        "title": data["title"],
        "owner": data["owner"],
        "lines": lines,
        "mean": mean_score(data["scores"], weights),
        "notes": data.get("notes", {}),
    }


def save(ctx: Context, data: dict[str, Any]) -> Message:
    """Store the run's answers and tell the other side; returns the reply to the requester."""
    _store_scores(ctx, data)
    _store_notes(ctx, data)
    ctx.session.flush()
    role = data["role"]
    audit.record(
        session=ctx.session,
        workspace_id=ctx.workspace_id,
        actor_id=ctx.person_id,
        platform=ctx.platform,
        action=f"okr_score_{role}",
        entity_type="objective",
        entity_id=data["objective_id"],
        entity_ref=data["ref"],
        after={"scores": data["scores"], **data.get("notes", {})},
    )
    summary = _summary(data)
    stamp = int(ctx.now.timestamp())
    told: Person | None = None
    if role == "owner":
        manager_id = ctx.person.manager_id
        told = (
            people.get(session=ctx.session, workspace_id=ctx.workspace_id, person_id=manager_id)
            if manager_id
            else None
        )
        if told is not None and told.id is not None:
            notify(
                ctx,
                person_id=told.id,
                message=render(
                    "review_manager_request",
                    locale=reader_locale(told, ctx.workspace),
                    review=summary,
                    number=data["ref"][2:],
                ),
                dedupe_key=f"review:{data['objective_id']}:owner:{stamp}",
                kind="review_request",
            )
    else:
        told = people.get(
            session=ctx.session, workspace_id=ctx.workspace_id, person_id=data["owner_id"]
        )
        if told is not None and told.id is not None and told.id != ctx.person_id:
            notify(
                ctx,
                person_id=told.id,
                message=render(
                    "review_manager_done",
                    locale=reader_locale(told, ctx.workspace),
                    review=summary,
                    by=ctx.person.name,
                ),
                dedupe_key=f"review:{data['objective_id']}:manager:{stamp}",
                kind="review_done",
            )
    return ctx.render("review_saved", role=role, review=summary, told=told.name if told else "")
