"""KPI arithmetic: a value against its thresholds, and completion against a target."""

from __future__ import annotations

import math
from enum import StrEnum

from storage.models.enums import KpiDirection


class KpiStatus(StrEnum):
    OK = "ok"
    WARNING = "warning"
    CRITICAL = "critical"
    NO_DATA = "no_data"


def is_worse(direction: KpiDirection, value: float, threshold: float) -> bool:
    """True when `value` lies beyond `threshold` in the bad direction (the threshold is fine)."""
    if direction is KpiDirection.LOWER_IS_BETTER:
        return value > threshold
    return value < threshold


def status(
    direction: KpiDirection, value: float | None, warning: float | None, critical: float | None
) -> KpiStatus:
    """OK, WARNING or CRITICAL for a value; NO_DATA when there is no value."""
    if value is None:
        return KpiStatus.NO_DATA
    if critical is not None and is_worse(direction, value, critical):
        return KpiStatus.CRITICAL
    if warning is not None and is_worse(direction, value, warning):
        return KpiStatus.WARNING
    return KpiStatus.OK


def completion(direction: KpiDirection, value: float, target: float) -> float | None:
    """Completion rate in percent: value/target when higher is better, target/value when lower.

    None when it cannot be computed (a zero target when higher is better). Lower is better and
    an actual of 0 (or below): nothing is left to reduce — perfect, `inf`, which any cap caps.
    """
    if direction is KpiDirection.HIGHER_IS_BETTER:
        return None if target == 0 else value / target * 100
    return math.inf if value <= 0 else target / value * 100
