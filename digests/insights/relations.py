"""Which KRs moved with which KPIs: Spearman's rank correlation of their week-by-week changes.

A KR's weekly value is its latest check-in at the end of each ISO week (it keeps its value until
the next check-in; before the first one it stands at its start value from the cycle's first week).
A KPI's weekly value is its readings in that week, combined by its aggregation; a week without a
reading is missing. A change is week w − week w−1 where both sides have values, so n counts the
weeks whose movement is compared.

Reported only when (all three):
- n ≥ MIN_PERIODS (6) — never fewer;
- |ρ| ≥ MIN_RHO (0.4, "moderate" or stronger);
- the pair survives Benjamini–Hochberg at FALSE_DISCOVERY_RATE (5%) over every pair tested
  together (a review report's KRs with their departments' KPIs), its p-value exact from the
  permutation distribution up to 14 weeks (stats.py). Testing many pairs makes a few chance
  correlations certain; the correction keeps a random pair from being reported — and means a
  company-wide search needs a much stronger relation than one department's report.
A relation says two things moved together, never that one caused the other.
KRs and KPIs are paired when they share a department (or are both the company's), and when
linked explicitly (`/okr link KR-n CODE`): then with the KPI's company series, else with each of
its department series.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Hashable, Iterable, Sequence
from dataclasses import dataclass
from datetime import date, datetime

from digests.insights.pairing import pair_all
from digests.insights.stats import spearman, spearman_p_value

MIN_PERIODS = 6
MIN_RHO = 0.4
STRONG_RHO = 0.7
FALSE_DISCOVERY_RATE = 0.05


def week_index(day: date) -> int:
    """A running number of the ISO week (Monday to Sunday) that contains `day`."""
    return (day.toordinal() - 1) // 7


def kr_weekly(
    *, start: float, cycle_start: date, check_ins: Iterable[tuple[datetime, float]]
) -> dict[int, float]:
    """The KR's value at the end of each week from the cycle's first week to its last check-in."""
    by_week: dict[int, float] = {}
    for at, value in sorted(check_ins, key=lambda item: item[0]):
        by_week[week_index(at.date())] = value  # the week's last check-in wins
    if not by_week:
        return {}
    first = min(week_index(cycle_start), min(by_week))
    weekly: dict[int, float] = {}
    value = start
    for week in range(first, max(by_week) + 1):
        value = by_week.get(week, value)
        weekly[week] = value
    return weekly


def kpi_weekly(readings: Iterable[tuple[date, float]], aggregation: str) -> dict[int, float]:
    """Readings (the last day of their period, value) combined per week: `sum`, `avg` or
    `last` (the latest period's value)."""
    grouped: dict[int, list[tuple[date, float]]] = defaultdict(list)
    for day, value in readings:
        grouped[week_index(day)].append((day, value))
    weekly: dict[int, float] = {}
    for week, values in grouped.items():
        numbers = [v for _, v in values]
        if aggregation == "sum":
            weekly[week] = sum(numbers)
        elif aggregation == "avg":
            weekly[week] = sum(numbers) / len(numbers)
        else:
            weekly[week] = max(values, key=lambda item: item[0])[1]
    return weekly


def changes(left: dict[int, float], right: dict[int, float]) -> tuple[list[float], list[float]]:
    """Paired week-on-week changes over the weeks where both sides have this and last week."""
    xs: list[float] = []
    ys: list[float] = []
    for week in sorted(left.keys() & right.keys()):
        before = week - 1
        if before in left and before in right:
            xs.append(left[week] - left[before])
            ys.append(right[week] - right[before])
    return xs, ys


def strength(rho: float) -> str:
    """Plain words for |ρ|: weak, moderate or strong (catalog key `insights.strength.*`)."""
    size = abs(rho)
    if size >= STRONG_RHO:
        return "strong"
    if size >= MIN_RHO:
        return "moderate"
    return "weak"


@dataclass(frozen=True)
class Subject:
    """One side of a pair: a KR or a KPI series. `group` decides who is paired with whom (the
    same department, or the company); `key` is the caller's handle (an id)."""

    key: Hashable
    group: Hashable
    weekly: dict[int, float]


@dataclass(frozen=True)
class Relation:
    kr: Hashable
    kpi: Hashable
    rho: float
    periods: int
    p_value: float

    @property
    def strength(self) -> str:
        return strength(self.rho)


def correlate(kr: Subject, kpi: Subject) -> Relation | None:
    """ρ of the pair's weekly changes, or None below MIN_PERIODS or when a side never moves."""
    xs, ys = changes(kr.weekly, kpi.weekly)
    if len(xs) < MIN_PERIODS:
        return None
    rho = spearman(xs, ys)
    if rho is None:
        return None
    return Relation(kr.key, kpi.key, rho, len(xs), spearman_p_value(rho, len(xs)))


def surviving(p_values: Sequence[float], rate: float = FALSE_DISCOVERY_RATE) -> list[int]:
    """Indexes of the p-values that survive Benjamini–Hochberg at `rate`, smallest first."""
    order = sorted(range(len(p_values)), key=p_values.__getitem__)
    total = len(order)
    cut = 0
    for rank, index in enumerate(order, start=1):
        if p_values[index] <= rate * rank / total:
            cut = rank
    return order[:cut]


def find_relations(
    krs: Iterable[Subject],
    kpis: Iterable[Subject],
    *,
    limit: int | None = 5,
    rate: float = FALSE_DISCOVERY_RATE,
    min_rho: float = MIN_RHO,
    extra: Iterable[tuple[Subject, Subject]] = (),
) -> list[Relation]:
    """The strongest reportable relations between KRs and KPIs of the same group, and of the
    `extra` (KR, KPI) pairs linked explicitly, strongest first (see the module's rules)."""
    kpis_by_group: dict[Hashable, list[Subject]] = defaultdict(list)
    for kpi in kpis:
        if len(kpi.weekly) > MIN_PERIODS:
            kpis_by_group[kpi.group].append(kpi)
    candidates = [kr for kr in krs if len(kr.weekly) > MIN_PERIODS]
    tested = pair_all(candidates, kpis_by_group, MIN_PERIODS)
    for kr, kpi in extra:
        if kr.group == kpi.group:
            continue  # already tested with its group
        found = correlate(kr, kpi)
        if found is not None:
            tested.krs.append(kr)
            tested.kpis.append(kpi)
            tested.rho.append(found.rho)
            tested.periods.append(found.periods)
            tested.p_values.append(found.p_value)
    reported = [
        Relation(
            tested.krs[i].key,
            tested.kpis[i].key,
            tested.rho[i],
            tested.periods[i],
            tested.p_values[i],
        )
        for i in surviving(tested.p_values, rate)
        if abs(tested.rho[i]) >= min_rho
    ]
    reported.sort(key=lambda r: (-abs(r.rho), -r.periods, r.p_value))
    return reported if limit is None else reported[:limit]
