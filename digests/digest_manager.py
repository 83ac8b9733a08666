"""The manager digest, as sections: each section reads what it needs for a batch of managers
in a fixed number of queries, then renders per manager. Other features plug in a section by
appending to SECTIONS. Only KRs of objectives the manager may see are loaded (private ones of
people outside their chain never are), so no section can show them."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from digests.insights.digest_section import forecast_misses
from digests.team_facts import TeamFacts, load_facts
from storage.models import Confidence

__all__ = ["SECTIONS", "TeamFacts", "load_facts", "sections_for"]


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
