"""`/okr list`, `/okr show`, `/okr update`."""

from __future__ import annotations

from datetime import datetime

from sqlmodel import col, select

from commands import lookups
from commands.context import Context
from commands.handlers.okr_lineage import carry_lines
from commands.operations.kr_history import adjustment_notes
from commands.types import CommandError, OkrList, OkrShow, OkrUpdate, Value, ValueKind
from commands.views import format_kr_value, kr_numbers, objective_percent, objective_view
from digests.message import Message
from storage.models import (
    CheckIn,
    Cycle,
    CycleState,
    KeyResult,
    Metric,
    Objective,
    ObjectiveStatus,
    Person,
)
from storage.progress import percent, progress
from storage.repos import audit, okrs, people


def resolve_person(ctx: Context, mention: str | None) -> Person:
    """The person a mention names (the requester when None); CommandError when unclear."""
    if mention is None:
        return ctx.person
    found = people.find(session=ctx.session, workspace_id=ctx.workspace_id, query=mention)
    if not found:
        raise CommandError("error.unknown_person", {"person": mention}, usage="okr.list")
    if len(found) > 1:
        names = ", ".join(f"{p.name} <{p.email}>" for p in found[:5])
        raise CommandError("error.ambiguous_person", {"person": mention, "names": names})
    return found[0]


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
    cycle = okrs.current_cycle(session=ctx.session, workspace_id=ctx.workspace_id, today=ctx.today)
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
    )


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
    """One objective with its KRs, owner, alignment and latest notes."""
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


def check_value_kind(key_result: KeyResult, value: Value) -> float:
    """The number to store for this KR, or CommandError when the value is of the wrong kind."""
    ref = f"KR-{key_result.number}"
    metric = key_result.metric
    unit = (key_result.unit or "").strip()
    wrong = CommandError(
        f"error.wrong_kind.{metric.value}",
        {"ref": ref, "value": value.text, "unit": unit or "%"},
        usage="okr.update",
    )
    if metric is Metric.BOOLEAN:
        if value.kind is ValueKind.BOOLEAN or (
            value.kind is ValueKind.PLAIN and value.amount in (0, 1)
        ):
            return value.amount
        raise wrong
    if value.kind is ValueKind.BOOLEAN:
        raise wrong
    if metric is Metric.MILESTONE:
        if value.kind is ValueKind.PLAIN and value.amount >= 0 and value.amount.is_integer():
            return value.amount
        raise wrong
    if value.kind is ValueKind.PERCENT and not (metric is Metric.PERCENT or unit == "%"):
        raise wrong
    if value.kind is ValueKind.CURRENCY and not (
        metric is Metric.CURRENCY and unit in ("", value.currency)
    ):
        raise wrong
    return value.amount


def okr_update(command: OkrUpdate, ctx: Context) -> Message:
    """Record a check-in on a KR and answer with old -> new progress."""
    ref = f"KR-{command.kr_number}"
    key_result, objective = lookups.key_result(ctx, command.kr_number, usage="okr.update")
    if not ctx.access.can_update_key_result(key_result, objective):
        owner = people.get(
            session=ctx.session, workspace_id=ctx.workspace_id, person_id=key_result.owner_id
        )
        raise CommandError("error.not_your_kr", {"ref": ref, "owner": owner.name if owner else "?"})
    if objective.status in (ObjectiveStatus.ARCHIVED, ObjectiveStatus.REJECTED):
        raise CommandError("error.kr_closed", {"ref": ref, "status": objective.status.value})
    cycle = ctx.session.get(Cycle, objective.cycle_id)
    if cycle is not None and cycle.state is CycleState.CLOSED:
        raise CommandError("error.cycle_closed", {"ref": ref, "cycle": cycle.name})
    value = check_value_kind(key_result, command.value)

    assert objective.id is not None
    siblings = okrs.key_results_by_objective(
        session=ctx.session, workspace_id=ctx.workspace_id, objective_ids=[objective.id]
    )[objective.id]
    before_kr = percent(progress(kr_numbers(key_result)))
    before_objective = objective_percent(siblings)
    old_value = key_result.current_value
    old_confidence = key_result.confidence
    okrs.record_check_in(
        session=ctx.session,
        key_result=key_result,
        person_id=ctx.person_id,
        value=value,
        confidence=command.confidence,
        note=command.note,
    )
    audit.record(
        session=ctx.session,
        workspace_id=ctx.workspace_id,
        actor_id=ctx.person_id,
        platform=ctx.platform,
        action="check_in",
        entity_type="key_result",
        entity_id=key_result.id,
        entity_ref=ref,
        before={"current_value": old_value, "confidence": old_confidence},
        after={"current_value": value, "confidence": key_result.confidence},
    )
    return ctx.render(
        "okr_update",
        ref=ref,
        title=key_result.title,
        old_value=format_kr_value(key_result, old_value),
        new_value=format_kr_value(key_result, value),
        target=format_kr_value(key_result, key_result.target_value),
        old_percent=before_kr,
        new_percent=percent(progress(kr_numbers(key_result))),
        confidence=key_result.confidence.value,
        note=command.note,
        objective_ref=f"O-{objective.number}",
        objective_title=objective.title,
        objective_old=before_objective,
        objective_new=objective_percent(siblings),
    )
