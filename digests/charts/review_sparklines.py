"""The review report's chart: one small progress line per key result (0-100 %), stacked.

Each line is a KR's progress after each check-in, the baseline first, like the text sparkline.
"""

from __future__ import annotations

from collections.abc import Sequence
from pathlib import Path

from digests.charts.base import figure, save_png

MAX_ROWS = 12


def draw_sparklines(
    series: Sequence[tuple[str, Sequence[float]]], *, title: str, path: Path
) -> Path:
    """Draw up to MAX_ROWS labelled lines of progress shares (0..1) to a PNG file."""
    rows = list(series)[:MAX_ROWS]
    with figure(width=6.0, height=0.9 + 0.55 * len(rows)) as fig:
        for index, (label, shares) in enumerate(rows, start=1):
            axes = fig.add_subplot(len(rows), 1, index)
            values = [100 * min(1.0, max(0.0, s)) for s in shares]
            axes.plot(range(len(values)), values, color="#2f855a", linewidth=1.6, marker=".")
            axes.fill_between(range(len(values)), values, color="#c6f6d5", alpha=0.6)
            axes.set_ylim(0, 105)
            axes.set_xlim(-0.2, max(1, len(values) - 1) + 0.2)
            axes.set_yticks([])
            axes.set_xticks([])
            for side in ("top", "right", "left"):
                axes.spines[side].set_visible(False)
            axes.set_ylabel(label, rotation=0, ha="right", va="center", fontsize="small")
            axes.text(
                1.01,
                0.5,
                f"{values[-1]:.0f}%" if values else "",
                transform=axes.transAxes,
                va="center",
                fontsize="small",
            )
        fig.suptitle(title, fontsize="medium")
        return save_png(fig, path)
