"""A KPI trend chart: actual against target and the warning/critical thresholds, per period.

The figure widens with the number of periods, so labels stay readable.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path

from digests.charts.base import figure, save_png


@dataclass(frozen=True)
class TrendPoint:
    period: str
    actual: float | None
    target: float | None
    warning: float | None = None
    critical: float | None = None


def width_for(count: int) -> float:
    """Inches: 6 for a few periods, half an inch more per period beyond eight."""
    return max(6.0, 2.0 + 0.5 * count)


def draw_trend(
    points: Sequence[TrendPoint], *, title: str, path: Path, labels: dict[str, str]
) -> Path:
    """Draw the chart to a PNG file. `labels` names the series: actual, target, warning,
    critical (in the reader's language)."""
    xs = list(range(len(points)))
    with figure(width=width_for(len(points)), height=4.0) as fig:
        axes = fig.add_subplot(1, 1, 1)
        series = (
            ("target", [p.target for p in points], {"color": "#2b6cb0", "linestyle": "--"}),
            ("warning", [p.warning for p in points], {"color": "#d69e2e", "linestyle": ":"}),
            ("critical", [p.critical for p in points], {"color": "#c53030", "linestyle": ":"}),
        )
        for name, values, style in series:
            if any(v is not None for v in values):
                axes.step(
                    xs,
                    [float("nan") if v is None else v for v in values],
                    where="mid",
                    label=labels[name],
                    **style,
                )
        actual = [float("nan") if p.actual is None else p.actual for p in points]
        axes.plot(xs, actual, marker="o", color="#2f855a", linewidth=2, label=labels["actual"])
        axes.set_xticks(xs)
        axes.set_xticklabels([p.period for p in points], rotation=45, ha="right")
        axes.set_title(title)
        axes.grid(alpha=0.3)
        axes.legend(loc="best", fontsize="small")
        return save_png(fig, path)
