"""Several check-ins at once — a line naming several KRs, the guided check-in's answers, the
one-form check-in — recorded together or not at all, each through `checkins.record` (the path
of `/okr update`), with one summary of what changed.

Every entry is checked before anything is written (the right to update, the value's kind, the
note's length), so a bad entry refuses the whole batch with a reason naming its KR.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

from commands.context import Context
from commands.limits import checked
from commands.operations import checkins
from commands.types import Value
from commands.views import format_kr_value, kr_numbers, objective_percent
from digests.message import Message
from storage.models import KeyResult, Objective
from storage.models.enums import Confidence
from storage.progress import percent, progress
from storage.repos import okrs


@dataclass(frozen=True)
class Entry:
    """One KR's check-in: `value` None keeps the value (a check-in that confirms it)."""

    kr_number: int
    value: Value | float | None
    confidence: Confidence | None = None
    note: str | None = None


@dataclass(frozen=True)
class _Checked:
    key_result: KeyResult
    objective: Objective
    value: float | None
    confidence: Confidence | None
    note: str | None


def _check(ctx: Context, entry: Entry) -> _Checked:
    key_result, objective = checkins.updatable(ctx, entry.kr_number)
    value = entry.value
    if isinstance(value, Value):
        value = checkins.check_value_kind(key_result, value, adding_to=key_result.current_value)
    note = checkins.without_unit(key_result, (entry.note or "").strip() or None)
    if note:
        checked(note, "note", usage="okr.update")
    return _Checked(key_result, objective, value, entry.confidence, note)


def _objective_percents(ctx: Context, objective_ids: list[int]) -> dict[int, float]:
    siblings = okrs.key_results_by_objective(
        session=ctx.session, workspace_id=ctx.workspace_id, objective_ids=objective_ids
    )
    return {oid: objective_percent(siblings.get(oid, [])) for oid in objective_ids}


def record_all(
    ctx: Context,
    entries: Sequence[Entry],
    *,
    skipped: Sequence[str] = (),
    earlier: int = 0,
) -> Message:
    """Record every entry (all checked first) and summarise: each KR old → new, its
    confidence and note, each objective's progress before and after. `skipped` names KRs
    left out on purpose; `earlier` counts KRs recorded before (an earlier page of a form)."""
    done = [_check(ctx, entry) for entry in entries]
    objectives = {c.objective.id: c.objective for c in done if c.objective.id is not None}
    before = _objective_percents(ctx, sorted(objectives))
    lines: list[dict[str, Any]] = []
    for item in done:
        kr = item.key_result
        old_value, old_percent = kr.current_value, percent(progress(kr_numbers(kr)))
        checkins.record(ctx, kr.number, item.value, item.confidence, item.note)
        lines.append(
            {
                "ref": f"KR-{kr.number}",
                "title": kr.title,
                "changed": item.value is not None and item.value != old_value,
                "old": format_kr_value(kr, old_value),
                "new": format_kr_value(kr, kr.current_value),
                "old_percent": old_percent,
                "percent": percent(progress(kr_numbers(kr))),
                "confidence": kr.confidence.value,
                "note": item.note,
            }
        )
    after = _objective_percents(ctx, sorted(objectives))
    return ctx.render(
        "checkin_guided_summary",
        krs=lines,
        objectives=[
            {
                "ref": f"O-{objective.number}",
                "title": objective.title,
                "old": before[key],
                "new": after[key],
            }
            for key, objective in sorted(objectives.items(), key=lambda pair: pair[1].number)
        ],
        skipped=list(skipped),
        earlier=earlier,
    )
