"""Objective drafts: the answers of `/okr new` (text or form) saved as an objective with KRs."""

from __future__ import annotations

from typing import Any

from sqlmodel import col, select

from commands.context import Context
from commands.operations import approvals
from commands.types import CommandError, ValueKind
from commands.values import parse_value
from digests.message import Message
from storage.models import (
    CheckIn,
    Cycle,
    Direction,
    KeyResult,
    KeyResultVersion,
    Metric,
    Objective,
    ObjectiveStatus,
    OwnerType,
)
from storage.repos import audit, okrs, people
from storage.types import utcnow

MAX_KRS = 5


def parse_numbers(text: str) -> dict[str, Any]:
    """`START TARGET [unit] [w=WEIGHT]`, e.g. `0 5 accounts`, `7% 5%`, `¥2m ¥8m w=2`.

    Strict: each problem is named as it is — a missing target, a word that is not a number, a
    third number where the unit goes, a weight that is not a number, start equal to target."""
    words = text.split()
    if len(words) < 2:
        raise CommandError("flows.new.need_two_numbers", {"text": text})
    values = []
    for word in words[:2]:
        try:
            values.append(parse_value(word))
        except CommandError as error:
            raise CommandError("flows.new.not_a_number", {"word": word}) from error
    start, target = values
    weight, unit_words = 1.0, list[str]()
    for word in words[2:]:
        if word.lower().startswith(("w=", "weight=", "权重=")):
            raw = word.split("=", 1)[1]
            try:
                weight = float(raw)
            except ValueError:
                raise CommandError("flows.new.bad_weight", {"word": word}) from None
            if not 0 < weight <= 100:
                raise CommandError("flows.new.bad_weight", {"word": word})
        elif _is_number(word) and not unit_words:
            raise CommandError("flows.new.third_number", {"word": word, "text": text})
        else:
            unit_words.append(word)
    if {start.kind, target.kind} == {ValueKind.BOOLEAN} and start.amount == target.amount:
        raise CommandError("flows.new.same_values", {"value": words[0]})
    kinds = {start.kind, target.kind}
    metric, unit = Metric.NUMBER, " ".join(unit_words) or None
    if ValueKind.PERCENT in kinds:
        metric, unit = Metric.PERCENT, unit or None
    elif ValueKind.CURRENCY in kinds:
        metric, unit = Metric.CURRENCY, start.currency or target.currency
    elif ValueKind.BOOLEAN in kinds:
        metric = Metric.BOOLEAN
    if start.amount == target.amount:
        raise CommandError("flows.new.same_values", {"value": words[0]})
    direction = Direction.DECREASE if target.amount < start.amount else Direction.INCREASE
    return {
        "metric": metric.value,
        "start": start.amount,
        "target": target.amount,
        "unit": unit,
        "direction": direction.value,
        "weight": weight,
    }


def _is_number(word: str) -> bool:
    try:
        value = parse_value(word)
    except CommandError:
        return False
    return value.kind is not ValueKind.BOOLEAN


def parent_choices(ctx: Context, cycle_id: int) -> list[Objective]:
    """Company and department objectives of the cycle a personal objective may align to: those
    the speaker may see."""
    query = (
        select(Objective)
        .where(
            Objective.workspace_id == ctx.workspace_id,
            Objective.cycle_id == cycle_id,
            col(Objective.owner_type).in_([OwnerType.COMPANY, OwnerType.DEPARTMENT]),
            col(Objective.status).in_([ObjectiveStatus.APPROVED, ObjectiveStatus.PENDING]),
        )
        .order_by(col(Objective.number))
    )
    return ctx.access.visible_objectives(ctx.session.exec(query))


def search_parents(ctx: Context, cycle_id: int, query: str) -> list[Objective]:
    """Parents whose title contains `query` (any case), or the one `O-n` names."""
    wanted = query.strip().lower()
    choices = parent_choices(ctx, cycle_id)
    ref = wanted.removeprefix("o-").removeprefix("o")
    if ref.isdigit():
        return [o for o in choices if o.number == int(ref)]
    return [o for o in choices if wanted in o.title.lower()]


def require_cycle(ctx: Context) -> Cycle:
    """The cycle new objectives go into; CommandError when there is none to plan in."""
    cycle = okrs.current_cycle(session=ctx.session, workspace_id=ctx.workspace_id, today=ctx.today)
    if cycle is None or cycle.id is None:
        raise CommandError("flows.new.no_cycle")
    return cycle


def save(ctx: Context, draft: dict[str, Any], *, status: ObjectiveStatus) -> Objective:
    """Create the objective of a draft, or rewrite the one it reopens; KRs get version 1."""
    cycle = require_cycle(ctx)
    owner_type = OwnerType(draft.get("owner_type", OwnerType.PERSON.value))
    objective = (
        ctx.session.get(Objective, draft["objective_id"]) if draft.get("objective_id") else None
    )
    before = None if objective is None else {"title": objective.title, "status": objective.status}
    if objective is None:
        objective = Objective(
            workspace_id=ctx.workspace_id,
            number=okrs.next_number(
                session=ctx.session, workspace_id=ctx.workspace_id, model=Objective
            ),
            cycle_id=cycle.id or 0,
            title=draft["title"],
            owner_type=owner_type,
            owner_person_id=ctx.person_id if owner_type is OwnerType.PERSON else None,
            owner_department_id=(
                ctx.person.department_id if owner_type is OwnerType.DEPARTMENT else None
            ),
            created_by_id=ctx.person_id,
        )
    objective.title = draft["title"]
    objective.parent_id = draft.get("parent_id")
    objective.status = status
    objective.updated_at = utcnow()
    ctx.session.add(objective)
    ctx.session.flush()
    _save_key_results(ctx, objective, draft.get("krs", []))
    audit.record(
        session=ctx.session,
        workspace_id=ctx.workspace_id,
        actor_id=ctx.person_id,
        platform=ctx.platform,
        action="objective_create" if before is None else "objective_rework",
        entity_type="objective",
        entity_id=objective.id,
        entity_ref=f"O-{objective.number}",
        before=before,
        after={
            "title": objective.title,
            "status": objective.status,
            "key_results": [
                f"{kr.get('title')}: {kr.get('start')} → {kr.get('target')}"
                for kr in draft.get("krs", [])
            ],
        },
    )
    return objective


def _save_key_results(ctx: Context, objective: Objective, krs: list[dict[str, Any]]) -> None:
    assert objective.id is not None
    existing = okrs.key_results_by_objective(
        session=ctx.session, workspace_id=ctx.workspace_id, objective_ids=[objective.id]
    ).get(objective.id, [])
    for index, spec in enumerate(krs):
        kr = existing[index] if index < len(existing) else None
        if kr is None:
            kr = KeyResult(
                workspace_id=ctx.workspace_id,
                number=okrs.next_number(
                    session=ctx.session, workspace_id=ctx.workspace_id, model=KeyResult
                ),
                objective_id=objective.id,
                title=spec["title"],
                target_value=spec["target"],
                current_value=spec["start"],
                owner_id=objective.owner_person_id or ctx.person_id,
            )
        kr.title = spec["title"]
        kr.metric = Metric(spec["metric"])
        kr.start_value, kr.target_value = spec["start"], spec["target"]
        kr.direction = Direction(spec["direction"])
        kr.unit, kr.weight = spec.get("unit"), spec.get("weight", 1.0)
        kr.updated_at = utcnow()
        ctx.session.add(kr)
        ctx.session.flush()
        _record_version(ctx, kr, reason=None)
    for extra in existing[len(krs) :]:
        has_history = ctx.session.exec(
            select(CheckIn.id).where(CheckIn.key_result_id == extra.id)
        ).first()
        if has_history is None:
            for version in ctx.session.exec(
                select(KeyResultVersion).where(KeyResultVersion.key_result_id == extra.id)
            ):
                ctx.session.delete(version)
            ctx.session.delete(extra)
    ctx.session.flush()


def _record_version(
    ctx: Context, kr: KeyResult, *, reason: str | None, approval_id: int | None = None
) -> None:
    """Version 1 on creation; drafts being reworked keep rewriting their first version."""
    assert kr.id is not None
    latest = ctx.session.exec(
        select(KeyResultVersion)
        .where(KeyResultVersion.key_result_id == kr.id)
        .order_by(col(KeyResultVersion.version).desc())
    ).first()
    if latest is None:
        latest = KeyResultVersion(
            workspace_id=ctx.workspace_id,
            key_result_id=kr.id,
            version=1,
            title=kr.title,
            start_value=kr.start_value,
            target_value=kr.target_value,
        )
    latest.title, latest.start_value = kr.title, kr.start_value
    latest.target_value = kr.target_value
    latest.unit, latest.weight, latest.reason = kr.unit, kr.weight, reason
    latest.approval_id, latest.changed_by_id = approval_id, ctx.person_id
    ctx.session.add(latest)


def draft_of(ctx: Context, objective: Objective) -> dict[str, Any]:
    """A stored objective as draft answers, to reopen it for changes."""
    assert objective.id is not None
    krs = okrs.key_results_by_objective(
        session=ctx.session, workspace_id=ctx.workspace_id, objective_ids=[objective.id]
    ).get(objective.id, [])
    return {
        "objective_id": objective.id,
        "owner_type": objective.owner_type.value,
        "title": objective.title,
        "parent_id": objective.parent_id,
        "krs": [
            {
                "title": kr.title,
                "metric": kr.metric.value,
                "start": kr.start_value,
                "target": kr.target_value,
                "unit": kr.unit,
                "direction": kr.direction.value,
                "weight": kr.weight,
            }
            for kr in krs
        ],
    }


def submit(ctx: Context, data: dict[str, Any]) -> Message:
    """Save the draft; a personal objective goes to the manager, others are approved at once."""
    personal = data.get("owner_type", "person") == OwnerType.PERSON.value
    needs_approval = personal and ctx.person.manager_id is not None
    status = ObjectiveStatus.PENDING if needs_approval else ObjectiveStatus.APPROVED
    objective = save(ctx, data, status=status)
    manager = ""
    if needs_approval:
        approvals.submit(ctx, objective)
        boss = people.get(
            session=ctx.session,
            workspace_id=ctx.workspace_id,
            person_id=ctx.person.manager_id or 0,
        )
        manager = boss.name if boss else ""
    return ctx.render(
        "flow_submitted",
        ref=f"O-{objective.number}",
        title=objective.title,
        manager=manager,
    )
