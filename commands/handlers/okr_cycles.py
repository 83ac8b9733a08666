"""`/okr cycle list|open|close` and `/okr carry O-n` (周期, 结转): cycles opened, moved to review,
closed, and unfinished objectives carried into the next cycle. Changing cycles and carrying
are for HR admins and admins (Access.can_manage_cycles); every change is audit-logged.

`close` moves a cycle one step along the model's states: planning/active -> review (owners
score and write the 复盘) -> closed (no more check-ins).
"""

from __future__ import annotations

from datetime import date
from typing import Any

from sqlmodel import col, func, select

from commands import lookups
from commands.context import Context
from commands.notify import notify
from commands.operations import review_invite
from commands.types import CommandError, OkrCarry, OkrCycle
from digests.i18n import reader_locale
from digests.message import Message
from digests.render import render
from storage import okr_carry
from storage.models import (
    Cycle,
    CycleState,
    KeyResult,
    KeyResultScore,
    Objective,
    ObjectiveStatus,
    OwnerType,
)
from storage.repos import audit, okrs, people

_NEXT_STATE = {
    CycleState.PLANNING: CycleState.REVIEW,
    CycleState.ACTIVE: CycleState.REVIEW,
    CycleState.REVIEW: CycleState.CLOSED,
    CycleState.CLOSED: CycleState.CLOSED,
}


def okr_cycle(command: OkrCycle, ctx: Context) -> Message:
    """List the cycles (anyone), or open/close one (HR admins and admins)."""
    if command.action == "list":
        return _list(ctx)
    if not ctx.access.can_manage_cycles():
        raise CommandError("cycles.refused")
    if command.action == "open":
        return _open(command, ctx)
    return _close(command, ctx)


def _list(ctx: Context) -> Message:
    cycles = ctx.session.exec(
        select(Cycle).where(Cycle.workspace_id == ctx.workspace_id).order_by(col(Cycle.start_date))
    ).all()
    counts = dict(
        ctx.session.exec(
            select(Objective.cycle_id, func.count())
            .where(Objective.workspace_id == ctx.workspace_id)
            .group_by(col(Objective.cycle_id))
        ).all()
    )
    rows = [
        {
            "name": c.name,
            "start": c.start_date.isoformat(),
            "end": c.end_date.isoformat(),
            "state": c.state.value,
            "objectives": counts.get(c.id or 0, 0),
        }
        for c in cycles
    ]
    return ctx.render("okr_cycle_list", cycles=rows, manager=ctx.access.can_manage_cycles())


def _cycle(ctx: Context, name: str, usage: str = "okr.cycle") -> Cycle:
    cycle = okrs.cycle_by_name(session=ctx.session, workspace_id=ctx.workspace_id, name=name)
    if cycle is None:
        known = ctx.session.exec(
            select(Cycle.name).where(Cycle.workspace_id == ctx.workspace_id)
        ).all()
        raise CommandError(
            "cycles.unknown", {"name": name, "known": ", ".join(sorted(known)) or "—"}, usage=usage
        )
    return cycle


def _audit(ctx: Context, cycle: Cycle, action: str, before: dict[str, Any] | None) -> None:
    audit.record(
        session=ctx.session,
        workspace_id=ctx.workspace_id,
        actor_id=ctx.person_id,
        platform=ctx.platform,
        action=action,
        entity_type="cycle",
        entity_id=cycle.id,
        entity_ref=cycle.name,
        before=before,
        after=_snapshot(cycle),
    )


def _snapshot(cycle: Cycle) -> dict[str, Any]:
    return {
        "state": cycle.state.value,
        "start": cycle.start_date.isoformat(),
        "end": cycle.end_date.isoformat(),
    }


def _open(command: OkrCycle, ctx: Context) -> Message:
    assert command.name is not None
    cycle = okrs.cycle_by_name(
        session=ctx.session, workspace_id=ctx.workspace_id, name=command.name
    )
    if cycle is None:
        if command.start is None or command.end is None:
            raise CommandError("cycles.open_needs_dates", {"name": command.name}, "okr.cycle")
        cycle = Cycle(
            workspace_id=ctx.workspace_id,
            name=command.name,
            start_date=command.start,
            end_date=command.end,
            state=_opened_state(ctx, command.start),
        )
        ctx.session.add(cycle)
        ctx.session.flush()
        _audit(ctx, cycle, "cycle_open", None)
        return _changed(ctx, cycle, "created" if cycle.state is CycleState.ACTIVE else "planned")
    if cycle.state is CycleState.CLOSED:
        raise CommandError("cycles.already_closed", {"name": cycle.name})
    before = _snapshot(cycle)
    if command.start is not None and command.end is not None:
        cycle.start_date, cycle.end_date = command.start, command.end
    if cycle.state is CycleState.PLANNING or cycle.state is CycleState.ACTIVE:
        cycle.state = _opened_state(ctx, cycle.start_date)
    if _snapshot(cycle) == before:
        return _changed(ctx, cycle, "already_open")
    ctx.session.add(cycle)
    _audit(ctx, cycle, "cycle_open", before)
    return _changed(ctx, cycle, "opened" if cycle.state is CycleState.ACTIVE else "planned")


def _unscored(ctx: Context, cycle: Cycle) -> tuple[int, int]:
    """(approved objectives of the cycle with a KR their owner has not scored, all approved)."""
    objectives = list(
        ctx.session.exec(
            select(Objective).where(
                Objective.workspace_id == ctx.workspace_id,
                Objective.cycle_id == cycle.id,
                Objective.status == ObjectiveStatus.APPROVED,
            )
        )
    )
    ids = [o.id for o in objectives if o.id is not None]
    if not ids:
        return 0, 0
    krs = list(ctx.session.exec(select(KeyResult).where(col(KeyResult.objective_id).in_(ids))))
    scored = set(
        ctx.session.exec(
            select(KeyResultScore.key_result_id).where(
                col(KeyResultScore.key_result_id).in_([kr.id for kr in krs]),
                col(KeyResultScore.owner_score).is_not(None),
            )
        )
    )
    waiting = {kr.objective_id for kr in krs if kr.id not in scored}
    return len(waiting), len(ids)


def _opened_state(ctx: Context, start: date) -> CycleState:
    """Active from its first day; before that planned (the daily cycles job starts it then,
    and objectives can already be drafted in it)."""
    return CycleState.ACTIVE if start <= ctx.today else CycleState.PLANNING


def _close(command: OkrCycle, ctx: Context) -> Message:
    assert command.name is not None
    cycle = _cycle(ctx, command.name)
    target = _target_cycle(ctx, cycle, command.carry_to) if command.carry else None
    if cycle.state is CycleState.REVIEW and not command.confirm:
        unscored, total = _unscored(ctx, cycle)
        if unscored:
            text = ctx.t("cycles.unscored", name=cycle.name, count=unscored, total=total)
            return ctx.render("broadcast_note", text=text)
    before = _snapshot(cycle)
    outcome = "already_closed"
    if cycle.state is not CycleState.CLOSED:
        cycle.state = _NEXT_STATE[cycle.state]
        ctx.session.add(cycle)
        _audit(ctx, cycle, "cycle_close", before)
        outcome = cycle.state.value
        if cycle.state is CycleState.REVIEW:
            review_invite.invite_owners(session=ctx.session, workspace=ctx.workspace, cycle=cycle)
    carried: list[okr_carry.Carried] = []
    if target is not None:
        carried = _carry_all(ctx, cycle, target)
    return _changed(ctx, cycle, outcome, target=target, carried=carried)


def _target_cycle(ctx: Context, source: Cycle, name: str | None) -> Cycle:
    """The named cycle, or the next one; it must start later and not be closed."""
    if name is None:
        target = okr_carry.next_cycle(session=ctx.session, cycle=source)
        if target is None:
            raise CommandError("cycles.no_next", {"name": source.name}, usage="okr.carry")
        return target
    target = _cycle(ctx, name, usage="okr.carry")
    if target.start_date <= source.start_date or target.id == source.id:
        raise CommandError("cycles.not_later", {"name": target.name, "source": source.name})
    if target.state is CycleState.CLOSED:
        raise CommandError("cycles.already_closed", {"name": target.name})
    return target


def _depth(objective: Objective, by_id: dict[int | None, Objective]) -> int:
    depth, seen = 0, set()
    parent = by_id.get(objective.parent_id)
    while parent is not None and parent.id not in seen:
        seen.add(parent.id)
        depth += 1
        parent = by_id.get(parent.parent_id)
    return depth


def _carry_all(ctx: Context, cycle: Cycle, target: Cycle) -> list[okr_carry.Carried]:
    """Carry every unfinished objective of `cycle`, parents first so alignment follows."""
    objectives = list(
        ctx.session.exec(
            select(Objective).where(
                Objective.workspace_id == ctx.workspace_id, Objective.cycle_id == cycle.id
            )
        )
    )
    by_id: dict[int | None, Objective] = {o.id: o for o in objectives}
    order = {OwnerType.COMPANY: 0, OwnerType.DEPARTMENT: 1, OwnerType.PERSON: 2}
    objectives.sort(key=lambda o: (_depth(o, by_id), order[o.owner_type], o.number))
    carried = []
    for objective in objectives:
        if okr_carry.is_unfinished(session=ctx.session, objective=objective):
            carried.append(_carry_one(ctx, objective, target))
    return carried


def _carry_one(ctx: Context, objective: Objective, target: Cycle) -> okr_carry.Carried:
    done = okr_carry.carry(
        session=ctx.session, objective=objective, target=target, actor_id=ctx.person_id
    )
    if done.created:
        audit.record(
            session=ctx.session,
            workspace_id=ctx.workspace_id,
            actor_id=ctx.person_id,
            platform=ctx.platform,
            action="objective_carry",
            entity_type="objective",
            entity_id=objective.id,
            entity_ref=f"O-{objective.number}",
            after={"to": f"O-{done.copy.number}", "cycle": target.name},
        )
        _tell_owner(ctx, done, target)
    return done


def _tell_owner(ctx: Context, done: okr_carry.Carried, target: Cycle) -> None:
    """The owner of a carried personal objective hears where it went (once per objective)."""
    owner_id = done.copy.owner_person_id
    if owner_id is None or owner_id == ctx.person_id:
        return
    owner = people.get(session=ctx.session, workspace_id=ctx.workspace_id, person_id=owner_id)
    if owner is None or not owner.active:
        return
    message = render(
        "okr_carried_notice",
        locale=reader_locale(owner, ctx.workspace),
        source=f"O-{done.source.number}",
        copy=f"O-{done.copy.number}",
        title=done.source.title,
        cycle=target.name,
        krs=done.key_results,
    )
    notify(
        ctx,
        person_id=owner_id,
        message=message,
        dedupe_key=f"carry:{done.source.id}",
        kind="okr_carry",
    )


def okr_carry_command(command: OkrCarry, ctx: Context) -> Message:
    """Carry one unfinished objective into the next (or the named) cycle; twice is harmless."""
    if not ctx.access.can_manage_cycles():
        raise CommandError("cycles.refused")
    ref = f"O-{command.objective_number}"
    objective = lookups.objective(ctx, command.objective_number, usage="okr.carry")
    earlier = okr_carry.existing_copy(session=ctx.session, objective=objective)
    if earlier is None and not okr_carry.is_unfinished(session=ctx.session, objective=objective):
        raise CommandError("cycles.carry_finished", {"ref": ref})
    source = ctx.session.get(Cycle, objective.cycle_id)
    assert source is not None
    target = (
        ctx.session.get(Cycle, earlier.cycle_id)
        if earlier is not None
        else _target_cycle(ctx, source, command.cycle)
    )
    assert target is not None
    done = _carry_one(ctx, objective, target)
    return ctx.render("okr_carry", carried=[_carried_view(done)], cycle=target.name)


def _carried_view(done: okr_carry.Carried) -> dict[str, Any]:
    return {
        "from": f"O-{done.source.number}",
        "to": f"O-{done.copy.number}",
        "title": done.source.title,
        "created": done.created,
        "krs": done.key_results,
    }


def _changed(
    ctx: Context,
    cycle: Cycle,
    outcome: str,
    *,
    target: Cycle | None = None,
    carried: list[okr_carry.Carried] | None = None,
) -> Message:
    return ctx.render(
        "okr_cycle_changed",
        name=cycle.name,
        start=cycle.start_date.isoformat(),
        end=cycle.end_date.isoformat(),
        outcome=outcome,
        target=target.name if target is not None else None,
        carried=[_carried_view(c) for c in carried or []],
    )
