"""`/hr insights` (`/hr 洞察`): the org health view for HR admins and admins, as text and one
chart (check-in rate by week; KRs at risk by department)."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from commands.context import Context
from commands.types import CommandError, HrInsights
from digests.charts.files import cached_chart
from digests.formatting import percent_text
from digests.insights import org_health
from digests.insights.rate_trend import rate_trend
from digests.message import Message
from storage import periods
from storage.models import Frequency
from storage.progress import percent

MAX_DEPARTMENTS = 10


def _share(value: float) -> str:
    return percent_text(percent(value))


def _duration(ctx: Context, hours: float | None) -> str:
    if hours is None:
        return "—"
    if hours < 48:
        return ctx.t("insights.approvals.hours", hours=f"{hours:.1f}".rstrip("0").rstrip("."))
    days = f"{hours / 24:.1f}".rstrip("0").rstrip(".")
    return ctx.t("insights.approvals.days", days=days)


def _week_label(rate: org_health.WeekRate) -> str:
    return periods.current(Frequency.WEEKLY, rate.week_start.date())


def view(ctx: Context, health: org_health.OrgHealth) -> dict[str, Any]:
    """Template data for hr_insights."""
    weeks = [
        {"week": _week_label(w), "done": w.checked_in, "total": w.expected, "rate": _share(w.rate)}
        for w in health.weeks
    ]
    # The current week has only begun: the trend runs over the weeks already over.
    trend = rate_trend([w.rate for w in health.weeks[:-1]] or [health.weeks[-1].rate])
    return {
        "weeks": weeks,
        "this_week": weeks[-1],
        "trend": {
            "direction": trend.direction,
            "first": _share(trend.start),
            "last": _share(trend.end),
            "low": _share(trend.low),
            "high": _share(trend.high),
        },
        "departments": [
            {
                "name": d.name,
                "krs": d.krs,
                "at_risk": d.at_risk,
                "share": _share(d.share),
                "misses": d.forecast_misses,
                "forecast_share": _share(d.forecast_share),
            }
            for d in health.departments[:MAX_DEPARTMENTS]
        ],
        "more_departments": max(0, len(health.departments) - MAX_DEPARTMENTS),
        "approvals": {
            "decided": health.turnaround.decided,
            "pending": health.turnaround.pending,
            "median": _duration(ctx, health.turnaround.median_hours),
            "p90": _duration(ctx, health.turnaround.p90_hours),
        },
        "alerts": {
            "warning": health.alerts_by_level.get("warning", 0),
            "critical": health.alerts_by_level.get("critical", 0),
            "open": health.alerts_open,
        },
    }


def chart(ctx: Context, health: org_health.OrgHealth) -> Path | None:
    """Draw the chart (cached by content); None when drawing fails."""
    from digests.charts.org_health import DepartmentBar, RatePoint, draw_org_health

    rates = [RatePoint(_week_label(w), w.rate) for w in health.weeks]
    bars = [DepartmentBar(d.name, d.share, d.forecast_share) for d in health.departments]
    labels = {
        key: ctx.t(f"insights.chart.{key}")
        for key in ("rate", "rate_title", "risk_title", "said", "forecast")
    }
    return cached_chart(
        "org-health",
        (ctx.workspace_id, ctx.locale, rates, bars),
        lambda path: draw_org_health(rates, bars, path=path, labels=labels),
    )


def hr_insights(command: HrInsights, ctx: Context) -> Message:
    """Check-in rate trend, KRs at risk by department, approval turnaround, KPI alerts."""
    if not ctx.access.sees_all():
        raise CommandError("insights.not_allowed")
    health = org_health.build(
        session=ctx.session,
        workspace_id=ctx.workspace_id,
        now=ctx.now,
        no_department=ctx.t("insights.chart.no_department"),
    )
    found = chart(ctx, health)
    return ctx.render("hr_insights", **view(ctx, health), chart=str(found) if found else None)
