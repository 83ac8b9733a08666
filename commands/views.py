"""Turn stored OKRs into the plain data templates show (refs, formatted values, progress)."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from digests.formatting import kr_value
from storage.models import KeyResult, Objective, Person
from storage.progress import (
    KrNumbers,
    below_baseline,
    percent,
    progress,
    rollup_confidence,
    weighted_progress,
)


def kr_numbers(kr: KeyResult) -> KrNumbers:
    """The figures progress is computed from."""
    return KrNumbers(kr.metric, kr.start_value, kr.target_value, kr.current_value, kr.direction)


def format_kr_value(kr: KeyResult, value: float) -> str:
    """A KR value as people read it: '¥4,500,000', '5.95%', '✓', '3 accounts'."""
    return kr_value(kr.metric, kr.unit, value)


def kr_view(kr: KeyResult, owners: dict[int, Person] | None = None) -> dict[str, Any]:
    """Template data for one key result."""
    owner = (owners or {}).get(kr.owner_id)
    return {
        "ref": f"KR-{kr.number}",
        "title": kr.title,
        "current": format_kr_value(kr, kr.current_value),
        "target": format_kr_value(kr, kr.target_value),
        "start": format_kr_value(kr, kr.start_value),
        "percent": percent(progress(kr_numbers(kr))),
        "below_baseline": below_baseline(kr_numbers(kr)),
        "confidence": kr.confidence.value,
        "direction": kr.direction.value,
        "owner": owner.name if owner else "",
    }


def objective_percent(krs: Sequence[KeyResult]) -> float:
    """Weighted progress of an objective, in percent."""
    return percent(weighted_progress((progress(kr_numbers(kr)), kr.weight) for kr in krs))


def objective_view(
    objective: Objective, krs: Sequence[KeyResult], owners: dict[int, Person] | None = None
) -> dict[str, Any]:
    """Template data for one objective with its KRs."""
    return {
        "ref": f"O-{objective.number}",
        "title": objective.title,
        "status": objective.status.value,
        "visibility": objective.visibility.value,
        "percent": objective_percent(krs),
        "confidence": rollup_confidence((kr.confidence, kr.weight) for kr in krs).value,
        "key_results": [kr_view(kr, owners) for kr in krs],
    }
