"""Progress arithmetic for key results and objectives. Pure functions, no database."""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass

from storage.models.enums import Direction, Metric


@dataclass(frozen=True)
class KrNumbers:
    """What progress needs to know about a key result."""

    metric: Metric
    start: float
    target: float
    current: float
    direction: Direction


def raw_progress(kr: KrNumbers) -> float:
    """Share of the way from start to target, unclamped (negative below the baseline).

    The same formula serves both directions: a "decrease" KR from 7 to 5 that is at
    5.95 is (5.95 - 7) / (5 - 7) = 0.525.
    """
    if kr.metric is Metric.BOOLEAN:
        return 1.0 if kr.current >= 1 else 0.0
    span = kr.target - kr.start
    if span == 0:
        reached = (
            kr.current >= kr.target
            if kr.direction is Direction.INCREASE
            else (kr.current <= kr.target)
        )
        return 1.0 if reached else 0.0
    return (kr.current - kr.start) / span


def progress(kr: KrNumbers) -> float:
    """Progress between 0.0 and 1.0, for bars and roll-ups."""
    return min(1.0, max(0.0, raw_progress(kr)))


def below_baseline(kr: KrNumbers) -> bool:
    """True when the value has moved the wrong way from the start (shown as failing)."""
    return raw_progress(kr) < 0


def weighted_progress(parts: Iterable[tuple[float, float]]) -> float:
    """Weighted mean of (progress, weight) pairs; 0.0 when there is nothing to weigh."""
    total_weight = 0.0
    total = 0.0
    for value, weight in parts:
        total += value * weight
        total_weight += weight
    return total / total_weight if total_weight > 0 else 0.0


def percent(value: float) -> float:
    """A 0..1 share as a percentage with one decimal (0.525 -> 52.5)."""
    return round(value * 100 + 1e-9, 1)
