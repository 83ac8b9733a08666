"""Number and progress formatting shared by templates and renderers."""

from __future__ import annotations

from storage.models.enums import Metric

BAR_WIDTH = 10


def number(value: float, unit: str | None = None) -> str:
    """65.0 -> '65', 1234567 -> '1,234,567', 5.95 -> '5.95'; with a unit ('%', '¥', 'pcs')."""
    if value == int(value) and abs(value) < 1e15:
        text = f"{int(value):,}"
    else:
        text = f"{value:,.2f}".rstrip("0").rstrip(".")
    if not unit:
        return text
    if unit in {"¥", "$", "€", "£"}:
        return f"{unit}{text}"
    if unit == "%":
        return f"{text}%"
    return f"{text} {unit}"


def percent_text(value: float) -> str:
    """A percentage with at most one decimal: 52.5 -> '52.5%', 40.0 -> '40%'."""
    rounded = round(value, 1)
    return f"{int(rounded)}%" if rounded == int(rounded) else f"{rounded}%"


def text_bar(percent: float, width: int = BAR_WIDTH) -> str:
    """A text progress bar: 40 -> '████░░░░░░'."""
    clamped = min(100.0, max(0.0, percent))
    filled = int(clamped / 100 * width + 0.5)
    return "█" * filled + "░" * (width - filled)


def kr_value(metric: Metric, unit: str | None, value: float) -> str:
    """A KR value as people read it: '¥4,500,000', '5.95%', '✓', '3 accounts' (a percent KR
    without a unit shows '%'; a yes/no KR a tick or a cross)."""
    if metric is Metric.BOOLEAN:
        return "✓" if value >= 1 else "✗"
    if metric is Metric.PERCENT and not unit:
        unit = "%"
    return number(value, unit)
