"""The manager digest's "forecast to miss the target" section (appended to SECTIONS).

The section reads the check-in history of the whole batch's KRs once (two queries per batch of
managers, whatever the team sizes), on the session the batch's facts were loaded with.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from sqlalchemy.orm import object_session
from sqlmodel import Session

from digests.insights import history
from digests.insights.forecast import Forecast, forecast_many
from digests.insights.views import flag_view, flagged

if TYPE_CHECKING:  # digest_manager imports this module to list the section
    from digests.digest_manager import TeamFacts

LIMIT = 5
Loaded = tuple[dict[int, list[history.KrRecord]], dict[int, Forecast]]


def _load(facts: TeamFacts) -> Loaded:
    """The batch's KR histories by owner and their forecasts, computed once per batch."""
    cached: Loaded | None = facts.computed.get("forecast_misses")
    if cached is not None:
        return cached
    krs = [kr for owned in facts.krs.values() for kr in owned]
    session = object_session(krs[0]) if krs else None
    by_owner: dict[int, list[history.KrRecord]] = {}
    forecasts: dict[int, Forecast] = {}
    if isinstance(session, Session):
        records = history.key_results(
            session=session, workspace_id=krs[0].workspace_id, owner_ids=sorted(facts.krs)
        )
        visible = {kr.id for kr in krs}  # the digest's own visibility rules already applied
        shown = [r for r in records if r.id in visible]
        for record in shown:
            by_owner.setdefault(record.owner_id, []).append(record)
        found = forecast_many([r.series for r in shown])
        forecasts = {r.id: f for r, f in zip(shown, found, strict=True)}
    facts.computed["forecast_misses"] = (by_owner, forecasts)
    return by_owner, forecasts


def forecast_misses(facts: TeamFacts, manager_id: int) -> dict[str, Any] | None:
    """The team's KRs whose trend misses the target while their owner says on track."""
    team = facts.reports.get(manager_id, [])
    if not any(facts.krs.get(p.id or 0) for p in team):
        return None
    by_owner, forecasts = _load(facts)
    found = [
        (record, result, person)
        for person in team
        for record, result in flagged(by_owner.get(person.id or 0, []), forecasts)
    ]
    found.sort(key=lambda item: (item[1].expected_progress or 0.0, item[0].number))
    items = [flag_view(record, result, owner=person.name) for record, result, person in found]
    if not items:
        return None
    return {"kind": "forecast", "items": items[:LIMIT], "more": max(0, len(items) - LIMIT)}
