"""Forecast flags for a person's check-in prompt: their KRs that, at the current pace, miss the
target while they still say "on track"."""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any

from sqlmodel import Session

from digests.insights import history
from digests.insights.forecast import forecast
from digests.insights.views import flag_view, flagged


def prompt_flags(
    *, session: Session, workspace_id: int, person_id: int, kr_ids: Iterable[int]
) -> list[dict[str, Any]]:
    """Template data (`insights.forecast.prompt`) for the flagged KRs among `kr_ids` (two
    queries)."""
    wanted = set(kr_ids)
    if not wanted:
        return []
    records = [
        r
        for r in history.key_results(
            session=session, workspace_id=workspace_id, owner_ids=[person_id]
        )
        if r.id in wanted
    ]
    forecasts = {r.id: forecast(r.series) for r in records}
    return [flag_view(record, found) for record, found in flagged(records, forecasts)]
