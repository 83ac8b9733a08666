"""战略分解 checks: does each child target support its parent?

Sum-aggregated KPIs (sales): the children's targets must add up to the parent's — below it
(higher is better) or above it (lower is better) is flagged on the parent. Other KPIs (loss
rate): each child must be at least as strict as its parent — a looser child is flagged.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

from storage.models import Aggregation, KpiDirection, KpiTarget


@dataclass(frozen=True)
class CascadeFlag:
    """`reason`: sum_short, sum_over (on the parent) or looser (on the child)."""

    target_id: int
    reason: str
    expected: float
    actual: float


def check(
    *,
    aggregation: Aggregation,
    direction: KpiDirection,
    parent: KpiTarget,
    children: Sequence[KpiTarget],
) -> list[CascadeFlag]:
    """The flags for one parent target and its direct children."""
    if not children or parent.id is None:
        return []
    higher = direction is KpiDirection.HIGHER_IS_BETTER
    if aggregation is Aggregation.SUM:
        total = sum(child.target for child in children)
        if higher and total < parent.target:
            return [CascadeFlag(parent.id, "sum_short", parent.target, total)]
        if not higher and total > parent.target:
            return [CascadeFlag(parent.id, "sum_over", parent.target, total)]
        return []
    return [
        CascadeFlag(child.id or 0, "looser", parent.target, child.target)
        for child in children
        if (child.target < parent.target if higher else child.target > parent.target)
    ]
