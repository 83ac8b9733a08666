"""The alignment tree of a cycle: objectives linked by `parent_id`, with progress roll-ups.

Only objectives the caller may see enter the tree (the `visible` predicate); an objective whose
parent is hidden becomes a root, so nothing about the hidden one leaks.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass, field
from typing import NamedTuple

import sqlalchemy as sa
from sqlmodel import Session, col, select

from storage.models import (
    Confidence,
    Direction,
    KeyResult,
    Metric,
    Objective,
    ObjectiveStatus,
    OwnerType,
)
from storage.progress import (
    KrNumbers,
    percent,
    progress,
    rollup_confidence,
    weighted_progress,
)

SHOWN_STATUSES = (ObjectiveStatus.APPROVED, ObjectiveStatus.PENDING)
_OWNER_ORDER = {OwnerType.COMPANY: 0, OwnerType.DEPARTMENT: 1, OwnerType.PERSON: 2}


class KrFigures(NamedTuple):
    """What the map needs of a key result (read as plain columns: a big cycle has thousands)."""

    owner_id: int
    metric: Metric
    start: float
    target: float
    current: float
    direction: Direction
    weight: float
    confidence: Confidence


@dataclass
class MapNode:
    """One objective of the map with its own KRs and the objectives aligned to it."""

    objective: Objective
    key_results: list[KrFigures]
    children: list[MapNode] = field(default_factory=list)
    percent: float = 0.0
    confidence: Confidence = Confidence.ON_TRACK
    risky_below: int = 0  # aligned objectives further down that are at risk or off track

    @property
    def id(self) -> int:
        assert self.objective.id is not None
        return self.objective.id


def load_forest(
    *, session: Session, workspace_id: int, cycle_id: int, visible: Callable[[Objective], bool]
) -> list[MapNode]:
    """The visible approved/pending objectives of a cycle as a forest, company level first."""
    query = (
        select(Objective)
        .where(
            Objective.workspace_id == workspace_id,
            Objective.cycle_id == cycle_id,
            col(Objective.status).in_(SHOWN_STATUSES),
        )
        .order_by(col(Objective.number))
    )
    objectives = [o for o in session.exec(query) if visible(o)]
    krs = _key_results(session=session, workspace_id=workspace_id, cycle_id=cycle_id)
    nodes = {o.id: MapNode(o, krs.get(o.id or 0, [])) for o in objectives}
    roots: list[MapNode] = []
    for node in nodes.values():
        parent = nodes.get(node.objective.parent_id)
        (parent.children if parent is not None else roots).append(node)
    roots.sort(key=lambda n: (_OWNER_ORDER[n.objective.owner_type], n.objective.number))
    for root in roots:
        _roll_up(root)
    return roots


_KR_COLUMNS = (
    KeyResult.objective_id,
    KeyResult.owner_id,
    KeyResult.metric,
    KeyResult.start_value,
    KeyResult.target_value,
    KeyResult.current_value,
    KeyResult.direction,
    KeyResult.weight,
    KeyResult.confidence,
)


def _key_results(
    *, session: Session, workspace_id: int, cycle_id: int
) -> dict[int, list[KrFigures]]:
    """The figures of every KR of the cycle, by objective id, in `KR-n` order."""
    query = (
        sa.select(*[col(c) for c in _KR_COLUMNS])
        .join(Objective, col(Objective.id) == col(KeyResult.objective_id))
        .where(col(KeyResult.workspace_id) == workspace_id, col(Objective.cycle_id) == cycle_id)
        .order_by(col(KeyResult.number))
    )
    grouped: dict[int, list[KrFigures]] = defaultdict(list)
    for objective_id, *figures in session.execute(query):
        grouped[objective_id].append(KrFigures(*figures))
    return grouped


def _numbers(kr: KrFigures) -> KrNumbers:
    return KrNumbers(kr.metric, kr.start, kr.target, kr.current, kr.direction)


def _roll_up(node: MapNode) -> None:
    """Own KRs decide an objective's progress and confidence; one without KRs takes its
    aligned objectives' average. Risky descendants are counted for every ancestor."""
    for child in node.children:
        _roll_up(child)
    if node.key_results:
        node.percent = percent(
            weighted_progress((progress(_numbers(kr)), kr.weight) for kr in node.key_results)
        )
        node.confidence = rollup_confidence((kr.confidence, kr.weight) for kr in node.key_results)
    elif node.children:
        node.percent = round(sum(c.percent for c in node.children) / len(node.children), 1)
        node.confidence = rollup_confidence((c.confidence, 1.0) for c in node.children)
    node.risky_below = sum(
        c.risky_below + (c.confidence is not Confidence.ON_TRACK) for c in node.children
    )


def walk(forest: Iterable[MapNode], depth: int = 0) -> Iterator[tuple[int, MapNode]]:
    """Every node with its depth, parents before children."""
    for node in forest:
        yield depth, node
        yield from walk(node.children, depth + 1)


def branch_ids(forest: list[MapNode], wanted: set[int]) -> set[int]:
    """The ids of the `wanted` objectives, their ancestors and everything aligned below them."""
    keep: set[int] = set()

    def visit(node: MapNode, path: list[int], inside: bool) -> None:
        inside = inside or node.id in wanted
        if inside:
            keep.update(path)
            keep.add(node.id)
        for child in node.children:
            visit(child, [*path, node.id], inside)

    for root in forest:
        visit(root, [], False)
    return keep


def prune(forest: list[MapNode], keep: set[int]) -> list[MapNode]:
    """A copy of the forest holding only the kept nodes (a kept node's kept children)."""
    return [
        MapNode(
            n.objective,
            n.key_results,
            prune(n.children, keep),
            n.percent,
            n.confidence,
            n.risky_below,
        )
        for n in forest
        if n.id in keep
    ]


def count(forest: Iterable[MapNode]) -> int:
    """How many objectives the forest holds."""
    return sum(1 for _ in walk(forest))
