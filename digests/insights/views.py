"""Forecast flags as template data: the numbers behind "at this pace 62 of 80 by Dec 31"."""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any

from digests import formatting
from digests.insights.forecast import Forecast
from digests.insights.history import KrRecord
from storage.progress import percent


def rounded(value: float) -> float:
    """A projection is an estimate: whole numbers from 100 up, one decimal below."""
    return float(round(value)) if abs(value) >= 100 else round(value, 1)


def flag_view(record: KrRecord, found: Forecast, owner: str = "") -> dict[str, Any]:
    """Template data for one flagged KR (`date` is the cycle's last day, a date)."""
    assert found.projected is not None
    assert found.expected_progress is not None
    return {
        "ref": f"KR-{record.number}",
        "title": record.title,
        "owner": owner,
        "projected": formatting.number(rounded(found.projected), record.unit),
        "target": formatting.number(record.series.target, record.unit),
        "date": record.cycle_end,
        "percent": formatting.percent_text(percent(found.expected_progress)),
        "check_ins": found.check_ins,
    }


def flagged(
    records: Iterable[KrRecord], forecasts: dict[int, Forecast]
) -> list[tuple[KrRecord, Forecast]]:
    """The records whose forecast is flagged, furthest from the target first."""
    found = [(r, forecasts[r.id]) for r in records if r.id in forecasts and forecasts[r.id].flagged]
    found.sort(key=lambda item: (item[1].expected_progress or 0.0, item[0].number))
    return found
