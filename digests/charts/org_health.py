"""The `/hr insights` chart: check-in rate by week (left) and, by department, the share of KRs
said to be at risk next to the share forecast to miss the target (right)."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path

from digests.charts.base import figure, save_png

MAX_DEPARTMENTS = 12


@dataclass(frozen=True)
class RatePoint:
    week: str
    rate: float  # 0..1


@dataclass(frozen=True)
class DepartmentBar:
    name: str
    said: float  # 0..1
    forecast: float  # 0..1


def draw_org_health(
    rates: Sequence[RatePoint],
    departments: Sequence[DepartmentBar],
    *,
    path: Path,
    labels: dict[str, str],
) -> Path:
    """Draw both panels into one PNG. `labels`: rate, rate_title, risk_title, said, forecast."""
    shown = list(departments)[:MAX_DEPARTMENTS]
    with figure(width=11.0, height=max(4.0, 1.5 + 0.35 * len(shown))) as fig:
        left, right = fig.subplots(1, 2, gridspec_kw={"width_ratios": [1.1, 1.0]})
        xs = list(range(len(rates)))
        left.plot(
            xs, [100 * p.rate for p in rates], marker="o", color="#2f855a", label=labels["rate"]
        )
        left.set_xticks(xs)
        left.set_xticklabels([p.week for p in rates], rotation=45, ha="right")
        left.set_ylim(0, 105)
        left.set_ylabel("%")
        left.set_title(labels["rate_title"])
        left.grid(alpha=0.3)
        ys = list(range(len(shown)))
        height = 0.38
        right.barh(
            [y - height / 2 for y in ys],
            [100 * d.said for d in shown],
            height=height,
            color="#d69e2e",
            label=labels["said"],
        )
        right.barh(
            [y + height / 2 for y in ys],
            [100 * d.forecast for d in shown],
            height=height,
            color="#c53030",
            label=labels["forecast"],
        )
        right.set_yticks(ys)
        right.set_yticklabels([d.name for d in shown])
        right.invert_yaxis()
        right.set_xlim(0, 100)
        right.set_xlabel("%")
        right.set_title(labels["risk_title"])
        right.grid(axis="x", alpha=0.3)
        right.legend(loc="lower right", fontsize="small")
        fig.tight_layout()
        return save_png(fig, path)
