"""The cycle review report's "KRs and KPIs that moved together" section (appended to the
report's SECTIONS): the strongest few relations between the report's KRs and the KPIs of their
department (or the company's KPIs for company KRs), in plain words, never as cause and effect.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import TYPE_CHECKING, Any

from sqlalchemy.orm import object_session
from sqlmodel import Session

from digests.insights import history
from digests.insights.relations import Subject, find_relations, kpi_weekly, kr_weekly
from storage.repos import kr_kpi_links

if TYPE_CHECKING:  # review_report imports this module to list the section
    from digests.review_report import ReviewFacts

LIMIT = 5


def subjects(
    records: list[history.KrRecord], series: list[history.KpiSeries]
) -> tuple[list[Subject], list[Subject]]:
    """Both sides as weekly series, keyed by KR id and by (KPI id, department id)."""
    krs = [
        Subject(
            r.id,
            r.group,
            kr_weekly(
                start=r.series.start,
                cycle_start=r.series.cycle_start,
                check_ins=r.series.check_ins,
            ),
        )
        for r in records
    ]
    kpis = [
        Subject((s.kpi_id, s.department_id), s.group, kpi_weekly(s.readings, s.aggregation))
        for s in series
    ]
    return krs, kpis


def linked_pairs(
    krs: list[Subject],
    kpis: list[Subject],
    series: list[history.KpiSeries],
    links: set[tuple[int, int]],
) -> list[tuple[Subject, Subject]]:
    """(KR, KPI series) for each explicit link: the KPI's company series, else each of its
    department series."""
    by_kr = {kr.key: kr for kr in krs}
    by_kpi: dict[int, list[tuple[history.KpiSeries, Subject]]] = {}
    for one, subject in zip(series, kpis, strict=True):
        by_kpi.setdefault(one.kpi_id, []).append((one, subject))
    pairs = []
    for kr_id, kpi_id in sorted(links):
        kr = by_kr.get(kr_id)
        found = by_kpi.get(kpi_id, [])
        company = [subject for one, subject in found if one.group == history.COMPANY]
        for subject in company or [subject for _, subject in found]:
            if kr is not None:
                pairs.append((kr, subject))
    return pairs


def relation_lines(
    *,
    session: Session,
    workspace_id: int,
    cycle_id: int,
    kr_ids: list[int],
    translate: Callable[..., str],
    locale: str,
    limit: int = LIMIT,
) -> list[str] | None:
    """The strongest relations as sentences in `locale`; None when no KPI could pair at all."""
    records = history.key_results(
        session=session, workspace_id=workspace_id, cycle_id=cycle_id, kr_ids=kr_ids
    )
    if not records:
        return None
    start = min(r.series.cycle_start for r in records)
    end = max(r.series.cycle_end for r in records)
    every = history.kpi_series(session=session, workspace_id=workspace_id, since=start, until=end)
    groups = {r.group for r in records}
    links = kr_kpi_links.pairs(
        session=session, workspace_id=workspace_id, key_result_ids=[r.id for r in records]
    )
    linked = {kpi_id for _, kpi_id in links}
    series = [s for s in every if s.group in groups or s.kpi_id in linked]
    if not series:
        return None
    krs, kpis = subjects(records, series)
    extra = linked_pairs(krs, kpis, series, links)
    names = history.department_names(session=session, workspace_id=workspace_id)
    by_kr = {r.id: r for r in records}
    by_kpi = {(s.kpi_id, s.department_id): s for s in series}
    lines = []
    for relation in find_relations(krs, kpis, limit=limit, extra=extra):
        record = by_kr[relation.kr]  # type: ignore[index]
        kpi = by_kpi[relation.kpi]  # type: ignore[index]
        kpi_name = kpi.name_zh if locale == "zh-CN" and kpi.name_zh else kpi.name
        params = {
            "kr": record.title,
            "kpi": kpi_name,
            "rho": f"{relation.rho:.2f}",
            "weeks": relation.periods,
            "strength": translate(f"insights.strength.{relation.strength}"),
        }
        if record.group == history.COMPANY:
            lines.append(translate("insights.relations.line_company", **params))
        else:
            department = names.get(record.department_id or 0, "")
            lines.append(translate("insights.relations.line", department=department, **params))
    return lines


def okr_kpi_relations(facts: ReviewFacts) -> dict[str, Any] | None:
    """The report's section: title and lines (the report draws unknown kinds generically)."""
    krs = [line.kr for objective in facts.objectives for line in objective.krs]
    session = getattr(facts, "session", None) or (object_session(krs[0]) if krs else None)
    if not isinstance(session, Session) or facts.cycle.id is None:
        return None
    found = relation_lines(
        session=session,
        workspace_id=facts.cycle.workspace_id,
        cycle_id=facts.cycle.id,
        kr_ids=[kr.id for kr in krs if kr.id is not None],
        translate=facts.t,
        locale=facts.locale,
    )
    if found is None:
        return None
    lines = found or [facts.t("insights.relations.none")]
    return {
        "kind": "relations",
        "title": facts.t("insights.relations.heading"),
        "lines": [*lines, facts.t("insights.relations.note")],
    }
