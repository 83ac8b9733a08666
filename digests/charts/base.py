"""A headless matplotlib figure with a CJK-capable font, saved as PNG.

matplotlib is imported here only, and only when a chart is drawn (it costs ~0.3 s).
matplotlib's default font has no Chinese glyphs: the fallback list below puts a CJK family after
it (Debian: fonts-wqy-microhei or fonts-noto-cjk; `.ci/run` installs the former).
"""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from functools import cache
from pathlib import Path
from typing import Any

CJK_FAMILIES = (
    "WenQuanYi Micro Hei",
    "Noto Sans CJK SC",
    "Noto Sans SC",
    "Source Han Sans SC",
    "Microsoft YaHei",
    "PingFang SC",
    "SimHei",
)


@cache
def cjk_family() -> str | None:
    """The first installed CJK font family, or None when there is none."""
    from matplotlib import font_manager

    installed = {font.name for font in font_manager.fontManager.ttflist}
    return next((family for family in CJK_FAMILIES if family in installed), None)


@contextmanager
def figure(*, width: float = 8.0, height: float = 4.5, dpi: int = 100) -> Iterator[Any]:
    """A figure to draw on (Agg backend, CJK fallback font); closed afterwards."""
    import matplotlib

    matplotlib.use("Agg")
    from matplotlib import pyplot

    families = ["DejaVu Sans"]
    if (cjk := cjk_family()) is not None:
        families.append(cjk)
    with matplotlib.rc_context({"font.family": families, "axes.unicode_minus": False}):
        fig = pyplot.figure(figsize=(width, height), dpi=dpi)
        try:
            yield fig
        finally:
            pyplot.close(fig)


def save_png(fig: Any, path: Path) -> Path:
    """Write the figure as a PNG file and return its path."""
    path.parent.mkdir(parents=True, exist_ok=True)
    fig.savefig(path, format="png", bbox_inches="tight")
    return path
