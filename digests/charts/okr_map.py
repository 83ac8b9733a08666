"""The alignment map as a picture: one box per objective, indented under the objective it
aligns to, joined by elbow lines, each with a progress bar coloured by confidence.

The PNG carries its objectives' labels as text metadata (Title, Description): what a screen
reader needs, and what tests read to prove a hidden objective was never drawn.
"""

from __future__ import annotations

import unicodedata
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path

from digests.charts.base import figure

COLOURS = {"on_track": "#2f855a", "at_risk": "#d69e2e", "off_track": "#c53030", "none": "#718096"}
INDENT = 0.6
BOX_WIDTH = 8.0
BOX_HEIGHT = 0.78
BAR_WIDTH = 2.2
TITLE_WIDTH = 54  # display columns (a CJK character counts two)


@dataclass(frozen=True)
class MapRow:
    """One box: `parent` is the index of the row it hangs under (None for a root)."""

    depth: int
    label: str
    owner: str
    percent: float
    status: str
    parent: int | None


def clip(text: str, columns: int = TITLE_WIDTH) -> str:
    """Cut `text` to `columns` display columns, wide characters counting two."""
    used = 0
    for index, char in enumerate(text):
        used += 2 if unicodedata.east_asian_width(char) in "WF" else 1
        if used > columns:
            return text[: max(index - 1, 0)] + "…"
    return text


def draw_map(rows: Sequence[MapRow], *, title: str, path: Path, more: str = "") -> Path:
    """Draw the map to a PNG file; `more` is a last line such as "12 more objectives"."""
    from matplotlib.patches import FancyBboxPatch, Rectangle

    deepest = max((r.depth for r in rows), default=0)
    span = deepest * INDENT + BOX_WIDTH
    lines = len(rows) + (1 if more else 0)
    with figure(width=min(16.0, max(8.0, span * 1.05)), height=0.5 * lines + 1.0) as fig:
        axes = fig.add_axes((0.0, 0.0, 1.0, 1.0))
        axes.set_axis_off()
        axes.set_xlim(-0.3, span + 0.3)
        axes.set_ylim(-lines + 0.4, 1.15)
        axes.text(0, 0.7, title, fontsize=13, va="center")
        for index, row in enumerate(rows):
            x, y = row.depth * INDENT, -index
            colour = COLOURS.get(row.status, COLOURS["none"])
            if row.parent is not None:
                px = rows[row.parent].depth * INDENT + 0.25
                axes.plot(
                    [px, px, x],
                    [-row.parent - BOX_HEIGHT / 2, y, y],
                    color="#a0aec0",
                    linewidth=1,
                )
            axes.add_patch(
                FancyBboxPatch(
                    (x, y - BOX_HEIGHT / 2 + 0.05),
                    BOX_WIDTH,
                    BOX_HEIGHT - 0.1,
                    boxstyle="round,pad=0.02,rounding_size=0.08",
                    facecolor="#f7fafc",
                    edgecolor=colour,
                    linewidth=1.4,
                )
            )
            axes.text(x + 0.12, y + 0.1, clip(row.label), fontsize=9, va="center")
            axes.text(
                x + 0.12, y - 0.18, clip(row.owner, 40), fontsize=7, color="#4a5568", va="center"
            )
            bar_x = x + BOX_WIDTH - BAR_WIDTH - 0.15
            share = min(1.0, max(0.0, row.percent / 100))
            axes.add_patch(Rectangle((bar_x, y - 0.3), BAR_WIDTH, 0.16, facecolor="#e2e8f0"))
            axes.add_patch(Rectangle((bar_x, y - 0.3), BAR_WIDTH * share, 0.16, facecolor=colour))
            axes.text(x + BOX_WIDTH - 0.15, y + 0.1, f"{row.percent:g}%", fontsize=8, ha="right")
        if more:
            axes.text(0, -len(rows), more, fontsize=8, color="#4a5568", va="center")
        path.parent.mkdir(parents=True, exist_ok=True)
        described = [f"{r.label} · {r.owner} · {r.percent:g}%" for r in rows]
        description = "\n".join([*described, more] if more else described)
        fig.savefig(
            path,
            format="png",
            metadata={"Title": title, "Description": description},
        )
    return path
