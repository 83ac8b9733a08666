"""The cycle's review report (复盘): per objective and KR, final value against target, progress,
the owner's and the manager's scores, a progress sparkline from the check-in history, and the
retrospective notes — for one person, a team or a department, in chat and as an export.

Facts are read once, in six queries whatever the size of the team (`load_facts`); the report is
then the concatenation of REVIEW_SECTIONS. A section is a plain function

    def section(facts: ReviewFacts) -> dict[str, Any] | None

returning None (nothing to show) or a mapping with a "kind". `facts` holds `cycle`, `title`,
`locale` (with `facts.t(key, **params)` for catalog text), `workspace_id`, `session` (for a
section that needs more data: read it in one query for all of `facts.objectives`, never one per
objective), `people` by id, and `objectives`: only those the reader may see, each an
ObjectiveLine (`objective`, `owner` name, `review`, `krs`: KrLine with `kr`, `values` — the
baseline then every check-in —, `shares()` as progress 0..1, `owner_score`, `manager_score`).

The template knows the kinds "summary" and "objectives"; any other kind is drawn generically
from two keys: "title" (str, already in the report's language) and "lines" (list[str]). The
markdown export draws other kinds the same way. Append to REVIEW_SECTIONS to add one, e.g. the
OKR↔KPI relations of insights: `REVIEW_SECTIONS.append(okr_kpi_relations)`.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from datetime import date
from pathlib import Path
from typing import Any

import sqlalchemy as sa
from sqlmodel import Session, col, select

from digests.formatting import kr_value
from digests.i18n import translate
from digests.insights.review_section import okr_kpi_relations
from digests.message import Message
from digests.render import render
from storage.models import (
    CheckIn,
    Cycle,
    CycleState,
    KeyResult,
    KeyResultScore,
    Objective,
    ObjectiveReview,
    ObjectiveStatus,
    OwnerType,
    Person,
)
from storage.progress import KrNumbers, percent, progress, weighted_progress
from storage.repos import okrs

SPARKS = "▁▂▃▄▅▆▇█"
SPARK_POINTS = 20
REPORTED_STATUS = (ObjectiveStatus.APPROVED, ObjectiveStatus.ARCHIVED)


def sparkline(shares: Sequence[float]) -> str:
    """Progress shares (0..1, clamped) as ▁▂▃▄▅▆▇█ on a fixed 0-100% scale, latest last."""
    points = list(shares)[-SPARK_POINTS:]
    top = len(SPARKS) - 1
    return "".join(SPARKS[int(min(1.0, max(0.0, s)) * top + 0.5)] for s in points)


def default_cycle(*, session: Session, workspace_id: int, today: date) -> Cycle | None:
    """The latest cycle in review, else the cycle people work in today."""
    in_review = session.exec(
        select(Cycle)
        .where(Cycle.workspace_id == workspace_id, Cycle.state == CycleState.REVIEW)
        .order_by(col(Cycle.start_date).desc())
    ).first()
    return in_review or okrs.current_cycle(session=session, workspace_id=workspace_id, today=today)


def kr_numbers(kr: KeyResult, value: float) -> KrNumbers:
    """What progress needs of this KR, at `value`."""
    return KrNumbers(kr.metric, kr.start_value, kr.target_value, value, kr.direction)


@dataclass
class KrLine:
    kr: KeyResult
    values: list[float]  # the baseline, then every check-in, oldest first
    owner_score: float | None = None
    manager_score: float | None = None

    def shares(self) -> list[float]:
        """Progress (0..1) after each value."""
        return [progress(kr_numbers(self.kr, v)) for v in self.values]


@dataclass
class ObjectiveLine:
    objective: Objective
    owner: str
    krs: list[KrLine]
    review: ObjectiveReview | None = None


@dataclass
class ReviewFacts:
    """What every section reads: the cycle, whose report it is, and the visible objectives."""

    cycle: Cycle
    title: str
    locale: str
    workspace_id: int
    session: Session
    objectives: list[ObjectiveLine] = field(default_factory=list)
    people: dict[int, Person] = field(default_factory=dict)
    limit: int | None = None  # objectives shown in chat; exports show all

    def t(self, key: str, **params: Any) -> str:
        """A catalog message in the report's language."""
        return translate(self.locale, key, **params)


def load_facts(
    *,
    session: Session,
    workspace_id: int,
    cycle: Cycle,
    person_ids: Sequence[int],
    department_ids: Sequence[int] = (),
    visible: Callable[[Objective], bool],
    locale: str,
    title: str,
) -> ReviewFacts:
    """The objectives of these people (and departments) in the cycle that `visible` lets
    through, with KRs, check-ins, scores and reviews: six queries."""
    owned = sa.and_(
        col(Objective.owner_type) == OwnerType.PERSON,
        col(Objective.owner_person_id).in_(list(person_ids)),
    )
    by_department = sa.and_(
        col(Objective.owner_type) == OwnerType.DEPARTMENT,
        col(Objective.owner_department_id).in_(list(department_ids)),
    )
    found = session.exec(
        select(Objective)
        .where(
            Objective.workspace_id == workspace_id,
            Objective.cycle_id == cycle.id,
            col(Objective.status).in_(REPORTED_STATUS),
            sa.or_(owned, by_department) if department_ids else owned,
        )
        .order_by(col(Objective.number))
    )
    objectives = [o for o in found if visible(o)]
    ids = [o.id for o in objectives if o.id is not None]
    krs = okrs.key_results_by_objective(
        session=session, workspace_id=workspace_id, objective_ids=ids
    )
    kr_ids = [kr.id for group in krs.values() for kr in group if kr.id is not None]
    # Only the numbers: a quarter of weekly check-ins for a department is thousands of rows.
    history: dict[int, list[tuple[float, float]]] = defaultdict(list)
    scores: dict[int, KeyResultScore] = {}
    reviews: dict[int, ObjectiveReview] = {}
    if kr_ids:
        for kr_id, previous, value in session.exec(
            select(CheckIn.key_result_id, CheckIn.previous_value, CheckIn.value)
            .where(CheckIn.workspace_id == workspace_id, col(CheckIn.key_result_id).in_(kr_ids))
            .order_by(col(CheckIn.created_at), col(CheckIn.id))
        ):
            history[kr_id].append((previous, value))
        scores = {
            s.key_result_id: s
            for s in session.exec(
                select(KeyResultScore).where(
                    KeyResultScore.workspace_id == workspace_id,
                    col(KeyResultScore.key_result_id).in_(kr_ids),
                )
            )
        }
    if ids:
        reviews = {
            r.objective_id: r
            for r in session.exec(
                select(ObjectiveReview).where(
                    ObjectiveReview.workspace_id == workspace_id,
                    col(ObjectiveReview.objective_id).in_(ids),
                )
            )
        }
    owner_ids = {o.owner_person_id for o in objectives if o.owner_person_id} | set(person_ids)
    people = {
        p.id: p
        for p in session.exec(
            select(Person).where(
                Person.workspace_id == workspace_id, col(Person.id).in_(list(owner_ids))
            )
        )
        if p.id is not None
    }
    facts = ReviewFacts(
        cycle=cycle,
        title=title,
        locale=locale,
        workspace_id=workspace_id,
        session=session,
        people=people,
    )
    for objective in objectives:
        lines = []
        for kr in krs.get(objective.id or 0, []):
            done = history.get(kr.id or 0, [])
            values = [done[0][0], *(value for _, value in done)] if done else []
            if not values:
                values = [kr.start_value, kr.current_value]
            score = scores.get(kr.id or 0)
            lines.append(
                KrLine(
                    kr,
                    values,
                    score.owner_score if score else None,
                    score.manager_score if score else None,
                )
            )
        owner = people.get(objective.owner_person_id or 0)
        facts.objectives.append(
            ObjectiveLine(
                objective, owner.name if owner else "", lines, reviews.get(objective.id or 0)
            )
        )
    return facts


def value_text(kr: KeyResult, value: float) -> str:
    """A KR value as people read it (the same rules as /okr show)."""
    return kr_value(kr.metric, kr.unit, value)


def score_text(score: float | None) -> str:
    """0.7 -> '0.7', None -> '—'."""
    if score is None:
        return "—"
    return f"{score:.2f}".rstrip("0").rstrip(".") if score not in (0, 1) else f"{score:.1f}"


def objective_score(lines: Sequence[KrLine], which: str) -> float | None:
    """Weighted mean of the KRs' owner or manager scores; None until every KR has one."""
    values = [getattr(line, f"{which}_score") for line in lines]
    if not lines or any(v is None for v in values):
        return None
    weighted = zip(values, (line.kr.weight for line in lines), strict=True)
    return round(weighted_progress(weighted), 2)


def kr_view(line: KrLine) -> dict[str, Any]:
    """Template data for one KR of the report."""
    kr = line.kr
    return {
        "ref": f"KR-{kr.number}",
        "title": kr.title,
        "start": value_text(kr, kr.start_value),
        "final": value_text(kr, kr.current_value),
        "target": value_text(kr, kr.target_value),
        "percent": kr_percent(kr),
        "owner_score": score_text(line.owner_score),
        "manager_score": score_text(line.manager_score),
        "sparkline": sparkline(line.shares()),
        "confidence": kr.confidence.value,
    }


def kr_percent(kr: KeyResult) -> float:
    """The KR's progress now, in percent (one decimal)."""
    return percent(progress(kr_numbers(kr, kr.current_value)))


def objective_view(line: ObjectiveLine) -> dict[str, Any]:
    """Template data for one objective of the report, with its KRs and notes."""
    objective, review = line.objective, line.review
    shares = [(progress(kr_numbers(k.kr, k.kr.current_value)), k.kr.weight) for k in line.krs]
    return {
        "ref": f"O-{objective.number}",
        "title": objective.title,
        "owner": line.owner,
        "percent": percent(weighted_progress(shares)),
        "owner_score": score_text(objective_score(line.krs, "owner")),
        "manager_score": score_text(objective_score(line.krs, "manager")),
        "key_results": [kr_view(k) for k in line.krs],
        "worked": review.worked if review else None,
        "did_not": review.did_not if review else None,
        "next_steps": review.next_steps if review else None,
        "comment": review.manager_comment if review else None,
    }


def summary_section(facts: ReviewFacts) -> dict[str, Any] | None:
    """How many objectives and KRs, how many scored by owners and by managers."""
    lines = [k for o in facts.objectives for k in o.krs]
    return {
        "kind": "summary",
        "objectives": len(facts.objectives),
        "key_results": len(lines),
        "owner_scored": sum(1 for k in lines if k.owner_score is not None),
        "manager_scored": sum(1 for k in lines if k.manager_score is not None),
    }


def objectives_section(facts: ReviewFacts) -> dict[str, Any] | None:
    """Every objective (up to `facts.limit`) with its KRs, scores, sparklines and notes."""
    shown = facts.objectives[: facts.limit] if facts.limit else facts.objectives
    return {
        "kind": "objectives",
        "items": [objective_view(o) for o in shown],
        "more": len(facts.objectives) - len(shown),
    }


Section = Callable[[ReviewFacts], dict[str, Any] | None]
REVIEW_SECTIONS: list[Section] = [summary_section, objectives_section, okr_kpi_relations]


def sections_for(facts: ReviewFacts) -> list[dict[str, Any]]:
    """The report's sections, in order, without the empty ones."""
    return [found for section in REVIEW_SECTIONS if (found := section(facts)) is not None]


def render_report(facts: ReviewFacts, chart: Path | None = None) -> Message:
    """The report as a Message (with the sparkline chart as an Image when one was drawn)."""
    return render(
        "review_report",
        locale=facts.locale,
        title=facts.title,
        cycle=facts.cycle.name,
        state=facts.cycle.state.value,
        sections=sections_for(facts),
        chart=str(chart) if chart else None,
    )
