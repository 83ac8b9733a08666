"""`/kpi tree CODE [PERIOD]`: the cascade with each level's value, flagging weak children."""

from __future__ import annotations

from typing import Any

from commands.context import Context
from commands.handlers.kpi import _known_kpi, kpi_name, scope_label
from commands.operations.assessments import scope_value
from commands.types import KpiTree
from digests.formatting import number
from digests.message import Message
from storage import kpi_cascade, kpi_math, periods
from storage.models import KpiScope, KpiTarget
from storage.repos import kpis


def kpi_tree(command: KpiTree, ctx: Context) -> Message:
    """Each level's target and value for the period, with cascade flags."""
    kpi = _known_kpi(ctx, command.code, "kpi.tree")
    period = command.period or periods.current(kpi.frequency, ctx.today)
    all_targets = kpis.targets(
        session=ctx.session, workspace_id=ctx.workspace_id, kpi_id=kpi.id or 0
    )
    # The targets in force for the period (a scope's narrowest: this year's over one set for
    # every period), and those of the periods within it (a quarter's tree shows its months').
    in_force = kpis.narrowest_per_scope(
        [t for t in all_targets if periods.contains(t.period, period)]
    )
    within = [
        t
        for t in all_targets
        if periods.contains(period, t.period) and not periods.contains(t.period, period)
    ]
    shown = {id(t) for t in [*in_force, *within]}
    covering = [t for t in all_targets if id(t) in shown]
    children: dict[int | None, list[KpiTarget]] = {}
    for target in covering:
        children.setdefault(target.parent_id, []).append(target)
    flags: dict[int, list[kpi_cascade.CascadeFlag]] = {}
    for target in covering:
        for flag in kpi_cascade.check(
            aggregation=kpi.aggregation,
            direction=kpi.direction,
            parent=target,
            children=children.get(target.id, []),
        ):
            flags.setdefault(flag.target_id, []).append(flag)
    ids = {t.id for t in covering}
    rows: list[dict[str, Any]] = []

    def walk(target: KpiTarget, depth: int) -> None:
        hidden = target.scope is KpiScope.PERSON and not ctx.access.can_view_person_kpis(
            target.person_id or 0
        )
        value = None if hidden else scope_value(ctx.session, kpi, target, period)
        rows.append(
            {
                "depth": depth,
                "scope": ctx.t("kpi.tree.hidden") if hidden else scope_label(ctx, target),
                "target": number(target.target, kpi.unit),
                "value": number(value, kpi.unit) if value is not None else "—",
                "status": kpi_math.status(
                    kpi.direction, value, target.warning, target.critical
                ).value,
                "flags": [
                    ctx.t(
                        f"kpi.tree.flag.{f.reason}",
                        expected=number(f.expected, kpi.unit),
                        actual=number(f.actual, kpi.unit),
                    )
                    for f in flags.get(target.id or 0, [])
                ],
            }
        )
        for child in children.get(target.id, []):
            walk(child, depth + 1)

    for root in [t for t in covering if t.parent_id is None or t.parent_id not in ids]:
        walk(root, 0)
    return ctx.render(
        "kpi_tree",
        code=kpi.code,
        name=kpi_name(ctx, kpi),
        period=period,
        direction=kpi.direction.value,
        aggregation=kpi.aggregation.value,
        rows=rows,
        flagged=sum(len(r["flags"]) for r in rows),
    )
