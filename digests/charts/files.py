"""Where charts are written, and drawing one only when its content is new.

Every chart (KPI trend, alignment map, review sparklines, org health) is a PNG named by a hash
of what it shows, so an unchanged chart is reused, not redrawn.
"""

from __future__ import annotations

import hashlib
import logging
import os
import tempfile
from collections.abc import Callable
from pathlib import Path

CHART_DIR_ENV = "OKRBOT_CHART_DIR"
log = logging.getLogger("okrbot.charts")


def chart_dir() -> Path:
    """`$OKRBOT_CHART_DIR`, else `okrbot-charts-<uid>` in the system temp directory: made
    private (mode 0700), since charts show names and KPI values."""
    default = Path(tempfile.gettempdir()) / f"okrbot-charts-{os.getuid()}"
    path = Path(os.environ.get(CHART_DIR_ENV) or default)
    path.mkdir(mode=0o700, parents=True, exist_ok=True)
    if path.stat().st_mode & 0o077:
        path.chmod(0o700)
    return path


def clear_charts() -> int:
    """Delete every cached chart (after an erasure: a chart may show the erased person's
    name); they are drawn again when next asked for. The number deleted."""
    removed = 0
    for chart in chart_dir().glob("*.png"):
        chart.unlink(missing_ok=True)
        removed += 1
    return removed


def cached_chart(name: str, content: object, draw: Callable[[Path], Path]) -> Path | None:
    """The PNG `name-<hash of content>.png`, drawn by `draw(path)` unless it exists.

    None when drawing fails: a chart is a bonus, never worth losing the reply over.
    """
    key = hashlib.sha256(repr(content).encode()).hexdigest()[:16]
    path = chart_dir() / f"{name}-{key}.png"
    try:
        return path if path.exists() else draw(path)
    except Exception:
        log.exception("chart failed", extra={"chart": name})
        return None
