"""Chart basics: a valid PNG, and Chinese text without missing-glyph boxes."""

from __future__ import annotations

import warnings
from pathlib import Path

from digests.charts.base import cjk_family, figure, save_png

PNG_SIGNATURE = b"\x89PNG\r\n\x1a\n"


def test_a_chinese_chart_renders_without_missing_glyphs(tmp_path: Path) -> None:
    assert cjk_family() is not None, "install fonts-wqy-microhei (Debian) for Chinese charts"
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        with figure() as fig:
            axes = fig.add_subplot()
            axes.plot([1, 2, 3], [4.8, 4.6, 4.2])
            axes.set_title("损耗率 — 机加工车间")
            path = save_png(fig, tmp_path / "chart.png")
    assert path.read_bytes().startswith(PNG_SIGNATURE)
