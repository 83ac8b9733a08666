"""The HR view of the organisation's health: check-in rate per week, share of KRs at risk by
department (as their owners say, and as their forecasts say), approval turnaround, KPI alerts.
"""

from __future__ import annotations

from collections import Counter, defaultdict
from collections.abc import Sequence
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from statistics import median

import sqlalchemy as sa
from sqlmodel import Session, col

from digests.insights import history
from digests.insights.forecast import Forecast, forecast_many
from storage.models import (
    ApprovalRequest,
    Confidence,
    KpiAlert,
)
from storage.models.flows import ApprovalStatus
from storage.models.kpi_alert import AlertState

WEEKS = 8
TURNAROUND_DAYS = 90
AT_RISK = (Confidence.AT_RISK, Confidence.OFF_TRACK)


@dataclass(frozen=True)
class WeekRate:
    week_start: datetime  # Monday 00:00 UTC
    checked_in: int
    expected: int  # active people owning an active KR

    @property
    def rate(self) -> float:
        return self.checked_in / self.expected if self.expected else 0.0


@dataclass(frozen=True)
class DepartmentRisk:
    name: str
    krs: int
    at_risk: int  # the owner says at risk or off track
    forecast_misses: int  # the trend misses the target

    @property
    def share(self) -> float:
        return self.at_risk / self.krs if self.krs else 0.0

    @property
    def forecast_share(self) -> float:
        return self.forecast_misses / self.krs if self.krs else 0.0


@dataclass(frozen=True)
class Turnaround:
    decided: int
    pending: int
    median_hours: float | None
    p90_hours: float | None


@dataclass
class OrgHealth:
    weeks: list[WeekRate]
    departments: list[DepartmentRisk]
    turnaround: Turnaround
    alerts_by_level: dict[str, int] = field(default_factory=dict)  # raised in WEEKS weeks
    alerts_open: int = 0


def week_starts(now: datetime, weeks: int = WEEKS) -> list[datetime]:
    """Mondays 00:00 (in now's zone) of the last `weeks` weeks, the current one last."""
    monday = (now - timedelta(days=now.weekday())).replace(
        hour=0, minute=0, second=0, microsecond=0
    )
    return [monday - timedelta(weeks=back) for back in range(weeks - 1, -1, -1)]


def checkin_rates(
    records: Sequence[history.KrRecord], now: datetime, weeks: int = WEEKS
) -> list[WeekRate]:
    """Of the active people owning an active KR, how many checked in on one in each of the
    last weeks (from the check-ins already loaded with the KRs: no query)."""
    starts = week_starts(now, weeks)
    first = starts[0]
    seen: list[set[int]] = [set() for _ in starts]  # who checked in, per week
    owners: set[int] = set()
    for record in records:
        if not record.owner_active:
            continue
        owners.add(record.owner_id)
        for at, _ in reversed(record.series.check_ins):  # oldest first: stop before the window
            if at < first:
                break
            if at < now:
                seen[(at - first).days // 7].add(record.owner_id)
    done = [len(people) for people in seen]
    return [WeekRate(start, done[i], len(owners)) for i, start in enumerate(starts)]


def department_risk(
    records: Sequence[history.KrRecord],
    forecasts: dict[int, Forecast],
    names: dict[int, str],
    no_department: str,
) -> list[DepartmentRisk]:
    """Per department: KRs, those said to be at risk, those whose forecast misses; worst first."""
    counts: dict[str, Counter[str]] = defaultdict(Counter)
    for record in records:
        name = names.get(record.department_id or 0, no_department)
        counts[name]["krs"] += 1
        counts[name]["at_risk"] += record.series.confidence in AT_RISK
        found = forecasts.get(record.id)
        counts[name]["misses"] += bool(found and found.misses_target)
    rows = [DepartmentRisk(n, c["krs"], c["at_risk"], c["misses"]) for n, c in counts.items()]
    rows.sort(key=lambda d: (-d.share, -d.forecast_share, d.name))
    return rows


def turnaround(*, session: Session, workspace_id: int, now: datetime) -> Turnaround:
    """Hours from submission to decision of approvals decided in the last 90 days."""
    rows = session.execute(
        sa.select(col(ApprovalRequest.created_at), col(ApprovalRequest.decided_at)).where(
            col(ApprovalRequest.workspace_id) == workspace_id,
            col(ApprovalRequest.decided_at) >= now - timedelta(days=TURNAROUND_DAYS),
        )
    ).all()
    hours = sorted(
        (decided - created).total_seconds() / 3600 for created, decided in rows if decided
    )
    pending = session.execute(
        sa.select(sa.func.count()).where(
            col(ApprovalRequest.workspace_id) == workspace_id,
            col(ApprovalRequest.decided_at).is_(None),
            col(ApprovalRequest.status) == ApprovalStatus.PENDING,
        )
    ).scalar_one()
    if not hours:
        return Turnaround(0, int(pending), None, None)
    p90 = hours[min(len(hours) - 1, int(0.9 * len(hours)))]
    return Turnaround(len(hours), int(pending), median(hours), p90)


def alert_counts(
    *, session: Session, workspace_id: int, since: datetime
) -> tuple[dict[str, int], int]:
    """KPI alerts raised since `since` by level, and how many are open now."""
    raised = {
        str(level): int(count)
        for level, count in session.execute(
            sa.select(col(KpiAlert.level), sa.func.count())
            .where(col(KpiAlert.workspace_id) == workspace_id, col(KpiAlert.created_at) >= since)
            .group_by(col(KpiAlert.level))
        )
    }
    open_now = session.execute(
        sa.select(sa.func.count()).where(
            col(KpiAlert.workspace_id) == workspace_id, col(KpiAlert.state) == AlertState.OPEN
        )
    ).scalar_one()
    return raised, int(open_now)


def build(
    *,
    session: Session,
    workspace_id: int,
    now: datetime,
    no_department: str = "—",
    records: Sequence[history.KrRecord] | None = None,
    forecasts: dict[int, Forecast] | None = None,
) -> OrgHealth:
    """The whole HR view (seven queries, none per person or per KR); pass `records` and their
    `forecasts` when they are already at hand."""
    if records is None:
        records = history.key_results(session=session, workspace_id=workspace_id)
    if forecasts is None:
        found = forecast_many([r.series for r in records])
        forecasts = {r.id: f for r, f in zip(records, found, strict=True)}
    names = history.department_names(session=session, workspace_id=workspace_id)
    weeks = checkin_rates(records, now)
    raised, open_now = alert_counts(
        session=session, workspace_id=workspace_id, since=weeks[0].week_start
    )
    return OrgHealth(
        weeks=weeks,
        departments=department_risk(records, forecasts, names, no_department),
        turnaround=turnaround(session=session, workspace_id=workspace_id, now=now),
        alerts_by_level=raised,
        alerts_open=open_now,
    )
