"""Test every KR ↔ KPI pair of a group at once with numpy: Spearman's ρ of their weekly changes
and its p-value — the same numbers as `relations.correlate`, for 100,000 pairs in about a second.

Pairs that compare the same weeks are a bucket: one matrix of KR changes, ranked row-wise (ties
share their average rank), times the KPI's ranked changes.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Hashable, Sequence
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

from digests.insights.stats import EXACT_MAX, spearman_p_value, sum_d2_cdf

if TYPE_CHECKING:
    from digests.insights.relations import Subject

Array = Any  # numpy.ndarray; numpy is imported only when pairs are tested


@dataclass
class Tested:
    """Every pair with a ρ: parallel lists (one entry per pair)."""

    krs: list[Subject] = field(default_factory=list)
    kpis: list[Subject] = field(default_factory=list)
    rho: list[float] = field(default_factory=list)
    periods: list[int] = field(default_factory=list)
    p_values: list[float] = field(default_factory=list)


def change_weeks(weekly: dict[int, float]) -> frozenset[int]:
    """Weeks w with a value in w and w − 1, so a change into w exists."""
    return frozenset(w for w in weekly if w - 1 in weekly)


def centred_ranks(values: Array) -> tuple[Array, Array]:
    """Row-wise average ranks minus their mean, and each row's norm (0: the row never varies)."""
    import numpy

    below = (values[:, :, None] > values[:, None, :]).sum(axis=2)
    equal = (values[:, :, None] == values[:, None, :]).sum(axis=2)
    centred = below + (equal + 1) / 2 - (values.shape[1] + 1) / 2
    return centred, numpy.sqrt((centred * centred).sum(axis=1))


def p_values(rho: Array, count: int) -> list[float]:
    """Two-sided p-values of many ρ over `count` pairs (see stats.spearman_p_value)."""
    import numpy

    if count > EXACT_MAX or count < 3:
        return [spearman_p_value(float(r), count) for r in rho]
    cumulative = numpy.array(sum_d2_cdf(count))
    top = len(cumulative) - 1
    observed = (1.0 - rho) * top / 2
    low = numpy.floor(numpy.minimum(observed, top - observed) + 1e-9).astype(int)
    return [float(p) for p in numpy.minimum(1.0, 2.0 * cumulative[numpy.clip(low, 0, top)])]


def pair_all(
    krs: Sequence[Subject], kpis_by_group: dict[Hashable, list[Subject]], minimum: int
) -> Tested:
    """ρ, weeks compared and p-value of every KR with every KPI of its group that share at
    least `minimum` weekly changes and both move."""
    import numpy

    kpi_weeks = {
        id(kpi): sorted(change_weeks(kpi.weekly))
        for group in kpis_by_group.values()
        for kpi in group
    }
    buckets: dict[tuple[int, tuple[int, ...]], list[Subject]] = defaultdict(list)
    shared: dict[tuple[int, frozenset[int]], tuple[int, ...]] = {}
    kpi_of: dict[int, Subject] = {}
    for kr in krs:
        group = kpis_by_group.get(kr.group)
        if not group:
            continue
        own = change_weeks(kr.weekly)
        for kpi in group:
            key = (id(kpi), own)
            weeks = shared.get(key)
            if weeks is None:
                weeks = shared[key] = tuple(w for w in kpi_weeks[id(kpi)] if w in own)
            if len(weeks) >= minimum:
                buckets[(id(kpi), weeks)].append(kr)
                kpi_of[id(kpi)] = kpi
    tested = Tested()
    ranked: dict[tuple[tuple[int, ...], tuple[int, ...]], tuple[Array, Array]] = {}
    for (kpi_id, weeks), members in buckets.items():
        kpi = kpi_of[kpi_id]
        right, right_norm = centred_ranks(
            numpy.array([[kpi.weekly[w] - kpi.weekly[w - 1] for w in weeks]])
        )
        if right_norm[0] == 0:
            continue
        same = (weeks, tuple(id(kr) for kr in members))
        if same not in ranked:  # the department's other KPIs often compare the same weeks
            ranked[same] = centred_ranks(
                numpy.array([[kr.weekly[w] - kr.weekly[w - 1] for w in weeks] for kr in members])
            )
        left, left_norm = ranked[same]
        moving = left_norm > 0
        with numpy.errstate(divide="ignore", invalid="ignore"):
            rho = numpy.clip((left @ right[0]) / (left_norm * right_norm[0]), -1.0, 1.0)
        rho = rho[moving]
        tested.krs.extend(kr for kr, moves in zip(members, moving, strict=True) if moves)
        tested.kpis.extend([kpi] * len(rho))
        tested.rho.extend(float(r) for r in rho)
        tested.periods.extend([len(weeks)] * len(rho))
        tested.p_values.extend(p_values(rho, len(weeks)))
    return tested
