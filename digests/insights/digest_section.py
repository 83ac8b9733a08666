"""The manager digest's "forecast to miss the target" section (appended to SECTIONS).

The section reads the check-in history of the batch's visible KRs once (one query per batch of
managers, whatever the team sizes) and builds each KR's series from the facts already loaded.
"""

from __future__ import annotations

from collections import defaultdict
from datetime import datetime
from typing import Any

import sqlalchemy as sa
from sqlmodel import col

from digests.insights import history
from digests.insights.forecast import MIN_CHECK_INS, Forecast, KrSeries, forecast_many
from digests.insights.views import flag_view, flagged
from digests.team_facts import TeamFacts, TeamKr
from storage.id_lists import among
from storage.models import CheckIn, Confidence

LIMIT = 5
ON_TRACK = Confidence.ON_TRACK
Loaded = tuple[dict[int, list[history.KrRecord]], dict[int, Forecast]]


def _history(facts: TeamFacts) -> dict[int, list[tuple[datetime, float]]]:
    """Every check-in of the batch's visible on-track KRs, by KR, oldest first (one query)."""
    on_track = [kr.id for owned in facts.krs.values() for kr in owned if kr.confidence is ON_TRACK]
    if facts.session is None or not on_track:
        return {}
    found: dict[int, list[tuple[datetime, float]]] = defaultdict(list)
    for kr_id, created, value in facts.session.connection().execute(
        sa.select(col(CheckIn.key_result_id), col(CheckIn.created_at), col(CheckIn.value))
        .where(among(facts.session, col(CheckIn.key_result_id), on_track))
        .order_by(col(CheckIn.key_result_id), col(CheckIn.created_at), col(CheckIn.id))
    ):
        found[kr_id].append((created, value))
    return found


def _record(kr: TeamKr, check_ins: list[tuple[datetime, float]]) -> history.KrRecord:
    series = KrSeries(
        metric=kr.metric,
        start=kr.start_value,
        target=kr.target_value,
        direction=kr.direction,
        confidence=kr.confidence,
        cycle_start=kr.cycle_start,
        cycle_end=kr.cycle_end,
        check_ins=check_ins,
    )
    return history.KrRecord(
        kr.id, kr.number, kr.title, kr.unit, kr.owner_id, True, None, None, kr.cycle_end, series
    )


def _load(facts: TeamFacts) -> Loaded:
    """The batch's KR histories by owner and their forecasts, computed once per batch."""
    cached: Loaded | None = facts.computed.get("forecast_misses")
    if cached is not None:
        return cached
    check_ins = _history(facts)
    # Only a KR its owner calls on track can be flagged, and only with enough check-ins.
    by_owner = {
        owner: [
            _record(kr, check_ins[kr.id])
            for kr in owned
            if kr.confidence is Confidence.ON_TRACK
            and len(check_ins.get(kr.id, ())) >= MIN_CHECK_INS
        ]
        for owner, owned in facts.krs.items()
    }
    shown = [record for owned in by_owner.values() for record in owned]
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
