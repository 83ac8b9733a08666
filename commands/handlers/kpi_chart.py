"""The trend chart of `/kpi show`: one scope's last periods, written as a PNG file."""

from __future__ import annotations

from pathlib import Path

from commands.context import Context
from digests.charts.files import cached_chart
from storage import kpi_assessment
from storage.models import KpiDefinition, KpiTarget
from storage.repos import kpis

PERIODS = 12


def trend_chart(ctx: Context, kpi: KpiDefinition, target: KpiTarget, title: str) -> Path | None:
    """Draw the scope's trend; None when it has no readings or drawing fails."""
    from digests.charts.kpi_trend import TrendPoint, draw_trend

    readings = kpis.readings_for_scope(
        session=ctx.session,
        workspace_id=ctx.workspace_id,
        kpi_id=kpi.id or 0,
        scope=target.scope,
        department_id=target.department_id,
        person_id=target.person_id,
        limit=PERIODS * 4,
    )
    labels = sorted({r.period for r in readings})[-PERIODS:]
    if not labels:
        return None
    candidates = kpis.scope_targets(
        session=ctx.session,
        workspace_id=ctx.workspace_id,
        kpi_id=kpi.id or 0,
        scope=target.scope,
        department_id=target.department_id,
        person_id=target.person_id,
    )
    points = []
    for label in labels:
        goal = kpis.target_for_period(candidates, label)
        value = kpi_assessment.period_value(readings, label, kpi.aggregation)
        points.append(
            TrendPoint(
                label,
                value,
                goal.target if goal else None,
                goal.warning if goal else None,
                goal.critical if goal else None,
            )
        )
    names = {n: ctx.t(f"kpi.chart.{n}") for n in ("actual", "target", "warning", "critical")}
    return cached_chart(
        f"kpi-{kpi.code}",
        (ctx.workspace_id, target.id, points),
        lambda path: draw_trend(points, title=title, path=path, labels=names),
    )
