"""Cascade arithmetic in both directions; pay bands at every edge; completion with direction."""

from __future__ import annotations

import pytest

from storage.kpi_assessment import Band, band_for, line, score
from storage.kpi_cascade import check
from storage.models import Aggregation, KpiDirection, KpiScope, KpiTarget

HIGHER, LOWER = KpiDirection.HIGHER_IS_BETTER, KpiDirection.LOWER_IS_BETTER
BANDS = (Band("bonus", 120), Band("full", 100), Band("partial", 80), Band("deduction", 0))


def _t(id_: int, target: float) -> KpiTarget:
    return KpiTarget(
        id=id_, workspace_id=1, kpi_id=1, scope=KpiScope.PERSON, period="2026-Q4", target=target
    )


@pytest.mark.parametrize(
    ("aggregation", "direction", "parent", "children", "expected"),
    [
        # sales ¥1M split 400k/350k/250k: supports; 400k/350k/200k: 50k short
        (Aggregation.SUM, HIGHER, 1_000_000, [400_000, 350_000, 250_000], []),
        (
            Aggregation.SUM,
            HIGHER,
            1_000_000,
            [400_000, 350_000, 200_000],
            [(1, "sum_short", 1_000_000, 950_000)],
        ),
        # a cost budget (lower is better): children may not add up to more than the parent
        (Aggregation.SUM, LOWER, 100, [60, 40], []),
        (Aggregation.SUM, LOWER, 100, [60, 45], [(1, "sum_over", 100, 105)]),
        # loss rate ≤ 5 -> workshop ≤ 4.5 fine; a child at 5.5 is looser
        (Aggregation.AVG, LOWER, 5, [4.5, 5], []),
        (Aggregation.AVG, LOWER, 5, [4.5, 5.5], [(3, "looser", 5, 5.5)]),
        # capacity ≥ 90: a child at 85 is looser; at 95 it is stricter, fine
        (Aggregation.AVG, HIGHER, 90, [95, 90], []),
        (Aggregation.LAST, HIGHER, 90, [95, 85], [(3, "looser", 90, 85)]),
    ],
)
def test_cascade_flags(
    aggregation: Aggregation,
    direction: KpiDirection,
    parent: float,
    children: list[float],
    expected: list[tuple[int, str, float, float]],
) -> None:
    flags = check(
        aggregation=aggregation,
        direction=direction,
        parent=_t(1, parent),
        children=[_t(i + 2, c) for i, c in enumerate(children)],
    )
    assert [(f.target_id, f.reason, f.expected, f.actual) for f in flags] == expected


@pytest.mark.parametrize(
    ("score_", "band"),
    [
        (150, "bonus"),
        (120, "bonus"),
        (119.99, "full"),
        (100, "full"),
        (99.99, "partial"),
        (80, "partial"),
        (79.99, "deduction"),
        (0, "deduction"),
    ],
)
def test_band_edges(score_: float, band: str) -> None:
    assert band_for(score_, BANDS) == band
    assert band_for(score_, tuple(reversed(BANDS))) == band


def test_below_every_band_is_none_and_float_noise_is_ignored() -> None:
    assert band_for(-1, BANDS) is None
    assert band_for(0.1 + 0.2 + 119.7, BANDS) == "bonus"  # 119.99999999999999


def test_completion_respects_direction_and_cap() -> None:
    loss = line(code="LOSS", direction=LOWER, value=5, target=4, weight=2, cap=150)
    sales = line(code="SALES", direction=HIGHER, value=500, target=400, weight=1, cap=120)
    none = line(code="X", direction=HIGHER, value=None, target=1, weight=1, cap=120)
    assert (loss.completion, loss.capped) == (80, 80)
    assert (sales.completion, sales.capped) == (125, 120)
    assert (none.completion, none.capped) == (None, 0)
    result = score([loss, sales], BANDS)
    assert result.score == pytest.approx((2 * 80 + 120) / 3)
    assert result.band == "partial"
    assert score([loss, sales, none], BANDS).score == pytest.approx((2 * 80 + 120) / 4)
