"""The trend chart of `/kpi show`: one scope's last periods, written as a PNG file."""

from __future__ import annotations

import hashlib
import logging
import os
import tempfile
from pathlib import Path

from commands.context import Context
from storage import kpi_assessment
from storage.models import KpiDefinition, KpiTarget
from storage.repos import kpis

CHART_DIR_ENV = "OKRBOT_CHART_DIR"
PERIODS = 12
log = logging.getLogger("okrbot.charts")


def chart_dir() -> Path:
    """`$OKRBOT_CHART_DIR`, else okrbot-charts in the system temp directory."""
    return Path(os.environ.get(CHART_DIR_ENV) or Path(tempfile.gettempdir()) / "okrbot-charts")


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
    key = hashlib.sha256(repr((ctx.workspace_id, target.id, points)).encode()).hexdigest()[:16]
    path = chart_dir() / f"kpi-{kpi.code}-{key}.png"
    names = {n: ctx.t(f"kpi.chart.{n}") for n in ("actual", "target", "warning", "critical")}
    try:
        return path if path.exists() else draw_trend(points, title=title, path=path, labels=names)
    except Exception:  # a chart is a bonus: never lose the reply over it
        log.exception("kpi chart failed", extra={"kpi": kpi.code})
        return None
