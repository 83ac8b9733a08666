"""Progress arithmetic for key results and objectives. Pure functions, no database."""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass

from storage.models.enums import Confidence, Direction, Metric


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


def rollup_confidence(parts: Iterable[tuple[Confidence, float]]) -> Confidence:
    """An objective's confidence from its KRs' (confidence, weight).

    Off track when a third or more of the weight is off track; at risk when a third or more
    is at risk or off track; on track otherwise.
    """
    weights = dict.fromkeys(Confidence, 0.0)
    for confidence, weight in parts:
        weights[confidence] += weight
    total = sum(weights.values())
    if total <= 0:
        return Confidence.ON_TRACK
    if weights[Confidence.OFF_TRACK] / total >= 1 / 3:
        return Confidence.OFF_TRACK
    if (weights[Confidence.AT_RISK] + weights[Confidence.OFF_TRACK]) / total >= 1 / 3:
        return Confidence.AT_RISK
    return Confidence.ON_TRACK
