"""`/okr list`, `/okr show`, `/okr update`."""

from __future__ import annotations

from datetime import datetime

from sqlmodel import col, select

from commands import lookups, mentions
from commands.context import Context
from commands.handlers.okr_lineage import carry_lines
from commands.operations import checkin_batch, checkins
from commands.operations.kr_history import adjustment_notes
from commands.types import CommandError, OkrList, OkrShow, OkrUpdate, OkrUpdateMany
from commands.views import format_kr_value, objective_view
from digests.message import Message
from storage.models import (
    CheckIn,
    Cycle,
    CycleState,
    KeyResult,
    Objective,
    ObjectiveStatus,
    Person,
)
from storage.repos import okrs


def resolve_person(ctx: Context, mention: str | None) -> Person:
    """The person a mention names (the requester when None); CommandError when unclear."""
    if mention is None:
        return ctx.person
    return mentions.one_person(ctx, mention, usage="okr.list")


def _owners(ctx: Context, ids: set[int]) -> dict[int, Person]:
    if not ids:
        return {}
    rows = ctx.session.exec(
        select(Person).where(Person.workspace_id == ctx.workspace_id, col(Person.id).in_(ids))
    )
    return {p.id: p for p in rows if p.id is not None}


def okr_list(command: OkrList, ctx: Context) -> Message:
    """The cycle's objectives and KRs of a person (the requester by default)."""
    subject = resolve_person(ctx, command.person)
    assert subject.id is not None
    if command.cycle is not None:
        cycle = okrs.cycle_by_name(
            session=ctx.session, workspace_id=ctx.workspace_id, name=command.cycle
        )
        if cycle is None:
            known = ctx.session.exec(
                select(Cycle.name).where(Cycle.workspace_id == ctx.workspace_id)
            )
            params = {"name": command.cycle, "known": ", ".join(sorted(known)) or "—"}
            raise CommandError("cycles.unknown", params, usage="okr.list")
    else:
        cycle = okrs.current_cycle(
            session=ctx.session, workspace_id=ctx.workspace_id, today=ctx.today
        )
    if cycle is None:
        return ctx.render("okr_list", cycle=None, person=subject.name, objectives=[], is_self=True)
    objectives = [
        o
        for o in okrs.objectives_of_person(
            session=ctx.session,
            workspace_id=ctx.workspace_id,
            cycle_id=cycle.id or 0,
            person_id=subject.id,
        )
        if ctx.access.can_view_objective(o)
    ]
    krs = okrs.key_results_by_objective(
        session=ctx.session,
        workspace_id=ctx.workspace_id,
        objective_ids=[o.id for o in objectives if o.id is not None],
    )
    owners = _owners(ctx, {kr.owner_id for group in krs.values() for kr in group})
    views = [objective_view(o, krs.get(o.id or 0, []), owners) for o in objectives]
    return ctx.render(
        "okr_list",
        cycle=cycle.name,
        person=subject.name,
        objectives=views,
        is_self=subject.id == ctx.person_id,
        in_review=[] if command.cycle else _in_review(ctx, subject.id, cycle.id),
        closed=cycle.state is CycleState.CLOSED,
    )


def _in_review(ctx: Context, person_id: int, shown_cycle_id: int | None) -> list[str]:
    """Cycles in review (other than the one shown) where the person has objectives to score:
    what needs them now besides the current cycle."""
    found = ctx.session.exec(
        select(Cycle.name)
        .join(Objective, col(Objective.cycle_id) == col(Cycle.id))
        .where(
            Cycle.workspace_id == ctx.workspace_id,
            Cycle.state == CycleState.REVIEW,
            col(Cycle.id) != shown_cycle_id,
            Objective.owner_person_id == person_id,
            Objective.status == ObjectiveStatus.APPROVED,
        )
        .distinct()
    )
    return sorted(found)


def _latest_notes(
    ctx: Context, krs: list[KeyResult], limit: int = 3
) -> list[tuple[datetime, str, str]]:
    """The newest check-in notes on these KRs (when, `KR-n`, note), in one query."""
    refs = {kr.id: f"KR-{kr.number}" for kr in krs if kr.id is not None}
    if not refs:
        return []
    query = (
        select(CheckIn.created_at, CheckIn.key_result_id, CheckIn.note)
        .where(
            CheckIn.workspace_id == ctx.workspace_id,
            col(CheckIn.key_result_id).in_(list(refs)),
            col(CheckIn.note).is_not(None),
            CheckIn.note != "",
        )
        .order_by(col(CheckIn.created_at).desc(), col(CheckIn.id).desc())
        .limit(limit)
    )
    return [(when, refs[kr_id], note or "") for when, kr_id, note in ctx.session.exec(query)]


def okr_show(command: OkrShow, ctx: Context) -> Message:
    """One objective with its KRs, owner, alignment and latest notes (`KR-n`: its objective)."""
    if command.kr_number is not None:
        _, objective = lookups.key_result(ctx, command.kr_number, usage="okr.show")
    else:
        objective = lookups.objective(ctx, command.objective_number, usage="okr.show")
    assert objective.id is not None
    krs = okrs.key_results_by_objective(
        session=ctx.session, workspace_id=ctx.workspace_id, objective_ids=[objective.id]
    )[objective.id]
    owners = _owners(ctx, {kr.owner_id for kr in krs} | {objective.owner_person_id or 0})
    parent = (
        ctx.session.get(Objective, objective.parent_id) if objective.parent_id is not None else None
    )
    owner = owners.get(objective.owner_person_id or 0)
    return ctx.render(
        "okr_show",
        objective=objective_view(objective, krs, owners),
        owner=owner.name if owner else "",
        owner_type=objective.owner_type.value,
        parent=(
            {"ref": f"O-{parent.number}", "title": parent.title}
            if parent is not None and ctx.access.can_view_objective(parent)
            else None
        ),
        notes=[
            {"ref": ref, "note": note, "date": when.astimezone(ctx.timezone).strftime("%m-%d")}
            for when, ref, note in _latest_notes(ctx, krs)
        ],
        adjustments=adjustment_notes(ctx, krs),
        carried=carry_lines(ctx, objective),
    )


def update_reply(ctx: Context, done: checkins.CheckedIn, note: str | None) -> Message:
    """What a recorded check-in says: old -> new value and progress, the objective's too."""
    key_result = done.key_result
    return ctx.render(
        "okr_update",
        ref=f"KR-{key_result.number}",
        title=key_result.title,
        old_value=format_kr_value(key_result, done.old_value),
        new_value=format_kr_value(key_result, key_result.current_value),
        target=format_kr_value(key_result, key_result.target_value),
        old_percent=done.old_percent,
        new_percent=done.new_percent,
        confidence=key_result.confidence.value,
        note=note,
        objective_ref=f"O-{done.objective.number}",
        objective_title=done.objective.title,
        objective_old=done.objective_old,
        objective_new=done.objective_new,
    )


def okr_update(command: OkrUpdate, ctx: Context) -> Message:
    """Record a check-in on a KR and answer with old -> new progress."""
    key_result, _ = checkins.updatable(ctx, command.kr_number)
    note = checkins.without_unit(key_result, command.note)
    done = checkins.record(ctx, command.kr_number, command.value, command.confidence, note)
    return update_reply(ctx, done, note)


def okr_update_many(command: OkrUpdateMany, ctx: Context) -> Message:
    """Several KRs in one line: all recorded, or none (the first problem is the answer)."""
    entries = [
        checkin_batch.Entry(u.kr_number, u.value, u.confidence, u.note) for u in command.updates
    ]
    return checkin_batch.record_all(ctx, entries)
