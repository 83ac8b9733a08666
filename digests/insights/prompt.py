"""Forecast flags for a person's check-in prompt: their KRs that, at the current pace, miss the
target while they still say "on track"."""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable, Mapping, Sequence
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


CHUNK = 2000  # KR ids a query at most (SQLite's and drivers' parameter limits)


def prompt_flags_many(
    *, session: Session, workspace_id: int, wanted: Mapping[int, Sequence[int]]
) -> dict[int, list[dict[str, Any]]]:
    """`prompt_flags` for many people at once ({person id: KR ids}): two queries a chunk of
    KRs, not two a person."""
    owner_of = {kr_id: person_id for person_id, ids in wanted.items() for kr_id in ids}
    flags: dict[int, list[dict[str, Any]]] = defaultdict(list)
    ids = list(owner_of)
    for start in range(0, len(ids), CHUNK):
        records = history.key_results(
            session=session, workspace_id=workspace_id, kr_ids=ids[start : start + CHUNK]
        )
        forecasts = {r.id: forecast(r.series) for r in records}
        for record, found in flagged(records, forecasts):
            flags[owner_of[record.id]].append(flag_view(record, found))
    return dict(flags)
