"""The manager digest, as sections: each section reads what it needs for a batch of managers
in a fixed number of queries, then renders per manager. Other features plug in a section by
appending to SECTIONS. Only KRs of objectives the manager may see are loaded (private ones of
people outside their chain never are), so no section can show them."""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from typing import Any

from sqlmodel import Session, col, select

from digests.digest_actions import open_alerts, pending_approvals
from digests.insights.digest_section import forecast_misses
from storage.access import visible_key_results
from storage.models import CheckIn, Confidence, KeyResult, Person
from storage.progress import KrNumbers, percent, progress
from storage.repos import schedule


@dataclass
class TeamFacts:
    """Everything the sections need about the teams of a batch of managers."""

    now: datetime
    reports: dict[int, list[Person]] = field(default_factory=dict)
    krs: dict[int, list[KeyResult]] = field(default_factory=dict)
    notes: dict[int, str] = field(default_factory=dict)  # latest note per KR
    moved: dict[int, float] = field(default_factory=dict)  # KR progress change over 7 days
    checked_in: set[int] = field(default_factory=set)  # people with a check-in in 7 days
    managers: dict[int, Person] = field(default_factory=dict)
    alerts: dict[int, list[dict[str, Any]]] = field(default_factory=dict)  # open, by owner
    approvals: dict[int, list[dict[str, Any]]] = field(default_factory=dict)  # by approver
    # what a section computes once for the whole batch (e.g. the forecasts), by section name
    computed: dict[str, Any] = field(default_factory=dict)


def load_facts(
    *, session: Session, workspace_id: int, manager_ids: list[int], now: datetime
) -> TeamFacts:
    """A fixed number of queries (at most 14) for any number of managers and team sizes."""
    facts = TeamFacts(now=now)
    facts.managers = {
        p.id or 0: p for p in session.exec(select(Person).where(col(Person.id).in_(manager_ids)))
    }
    people = session.exec(
        select(Person).where(
            Person.workspace_id == workspace_id,
            col(Person.manager_id).in_(manager_ids),
            col(Person.active).is_(True),
        )
    )
    by_manager: dict[int, list[Person]] = defaultdict(list)
    for person in people:
        assert person.manager_id is not None
        by_manager[person.manager_id].append(person)
    facts.reports = dict(by_manager)
    report_ids = [p.id for team in by_manager.values() for p in team if p.id is not None]
    known = {p.id or 0: p for team in by_manager.values() for p in team} | facts.managers
    viewers = {
        p.id or 0: facts.managers[manager_id]
        for manager_id, team in by_manager.items()
        if manager_id in facts.managers
        for p in team
    }
    facts.krs = visible_key_results(
        session=session,
        krs=schedule.active_key_results(
            session=session, workspace_id=workspace_id, owner_ids=report_ids
        ),
        viewers=viewers,
        people=known,
    )
    kr_by_id = {kr.id: kr for krs in facts.krs.values() for kr in krs}
    since = now - timedelta(days=7)
    check_ins = session.exec(
        select(CheckIn)
        .where(
            CheckIn.workspace_id == workspace_id,
            col(CheckIn.person_id).in_(report_ids),
            col(CheckIn.created_at) >= since,
        )
        .order_by(col(CheckIn.created_at))
    )
    first_previous: dict[int, float] = {}
    for check_in in check_ins:
        facts.checked_in.add(check_in.person_id)
        first_previous.setdefault(check_in.key_result_id, check_in.previous_value)
        if check_in.note:
            facts.notes[check_in.key_result_id] = check_in.note
    for kr_id, previous in first_previous.items():
        kr = kr_by_id.get(kr_id)
        if kr is not None:
            facts.moved[kr_id] = percent(progress(_numbers(kr, kr.current_value))) - percent(
                progress(_numbers(kr, previous))
            )
    facts.alerts = open_alerts(
        session=session,
        workspace_id=workspace_id,
        owner_ids=report_ids + list(manager_ids),
        people=known,
    )
    facts.approvals = pending_approvals(
        session=session, workspace_id=workspace_id, approver_ids=list(manager_ids), people=known
    )
    return facts


def _numbers(kr: KeyResult, value: float) -> KrNumbers:
    return KrNumbers(kr.metric, kr.start_value, kr.target_value, value, kr.direction)


Section = Callable[[TeamFacts, int], dict[str, Any] | None]


def completion(facts: TeamFacts, manager_id: int) -> dict[str, Any] | None:
    team = facts.reports.get(manager_id, [])
    done = sum(1 for person in team if person.id in facts.checked_in)
    return {"kind": "completion", "done": done, "total": len(team)}


def at_risk(facts: TeamFacts, manager_id: int) -> dict[str, Any] | None:
    items = [
        {
            "ref": f"KR-{kr.number}",
            "kr_id": kr.id,
            "title": kr.title,
            "owner": person.name,
            "confidence": kr.confidence.value,
            "why": facts.notes.get(kr.id or 0, ""),
        }
        for person in facts.reports.get(manager_id, [])
        for kr in facts.krs.get(person.id or 0, [])
        if kr.confidence in (Confidence.AT_RISK, Confidence.OFF_TRACK)
    ]
    return {"kind": "at_risk", "items": items[:10], "more": max(0, len(items) - 10)}


def movers(facts: TeamFacts, manager_id: int) -> dict[str, Any] | None:
    moved = [
        (facts.moved[kr.id or 0], kr, person)
        for person in facts.reports.get(manager_id, [])
        for kr in facts.krs.get(person.id or 0, [])
        if facts.moved.get(kr.id or 0)
    ]
    moved.sort(key=lambda item: -abs(item[0]))
    items = [
        {"ref": f"KR-{kr.number}", "title": kr.title, "owner": p.name, "delta": round(delta, 1)}
        for delta, kr, p in moved[:5]
    ]
    return {"kind": "movers", "items": items}


ACTION_LIMIT = 5  # alerts and approvals listed, each with its buttons; the rest counted


def approvals(facts: TeamFacts, manager_id: int) -> dict[str, Any] | None:
    """Goals waiting for this manager's decision: Approve / Request changes / Reject."""
    items = facts.approvals.get(manager_id, [])
    if not items:
        return None
    more = max(0, len(items) - ACTION_LIMIT)
    return {"kind": "approvals", "items": items[:ACTION_LIMIT], "more": more}


def kpi_alerts(facts: TeamFacts, manager_id: int) -> dict[str, Any] | None:
    """The open, unacknowledged KPI alerts of the manager and their reports: Acknowledge, and
    Send feedback on a report's alert."""
    owners = [manager_id] + [p.id or 0 for p in facts.reports.get(manager_id, [])]
    items = [
        alert | {"feedback": owner != manager_id}
        for owner in owners
        for alert in facts.alerts.get(owner, [])
    ]
    if not items:
        return None
    more = max(0, len(items) - ACTION_LIMIT)
    return {"kind": "kpi_alerts", "items": items[:ACTION_LIMIT], "more": more}


SECTIONS: list[Section] = [completion, at_risk, approvals, kpi_alerts, movers, forecast_misses]


def sections_for(facts: TeamFacts, manager_id: int) -> list[dict[str, Any]]:
    return [found for section in SECTIONS if (found := section(facts, manager_id)) is not None]
