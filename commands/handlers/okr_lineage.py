"""Where a carried objective came from and where it went, for `/okr show`."""

from __future__ import annotations

from sqlmodel import col, select

from commands.context import Context
from storage.models import Cycle, Objective, ObjectiveCarry


def carry_lines(ctx: Context, objective: Objective) -> list[str]:
    """Lines like `Carried from O-3 (2026-Q3)` and `Continues in 2027-Q1 as O-9`, for the
    objectives on either side of a carry that the reader may see."""
    links = ctx.session.exec(
        select(ObjectiveCarry)
        .where(
            ObjectiveCarry.workspace_id == ctx.workspace_id,
            (col(ObjectiveCarry.to_objective_id) == objective.id)
            | (col(ObjectiveCarry.from_objective_id) == objective.id),
        )
        .order_by(col(ObjectiveCarry.id))
    ).all()
    lines: list[str] = []
    for link in links:
        came_from = link.to_objective_id == objective.id
        other = ctx.session.get(
            Objective, link.from_objective_id if came_from else link.to_objective_id
        )
        if other is None or not ctx.access.can_view_objective(other):
            continue
        cycle = ctx.session.get(Cycle, other.cycle_id)
        params = {"ref": f"O-{other.number}", "cycle": cycle.name if cycle else "?"}
        key = "okr_show.carried_from" if came_from else "okr_show.continues_in"
        lines.append(ctx.t(key, **params))
    return lines
