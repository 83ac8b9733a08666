"""Reworking a draft one field at a time (`/okr edit O-n KR-2 target 4m`) and sending it
(again) for approval (`/okr submit O-n`): the same draft save and submission as the `/okr new`
flow and form, so the manager's approval request shows what changed since they last saw it."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from commands import lookups
from commands.context import Context
from commands.limits import checked_title
from commands.operations import drafts
from commands.operations.checkins import check_value_kind
from commands.types import CommandError
from commands.values import parse_value
from digests.formatting import kr_value, number
from digests.i18n import Phrase
from digests.message import Message
from storage.models import Direction, KeyResult, Metric, Objective, ObjectiveStatus
from storage.repos import okrs

# Drafts one may rework: never sent, sent back for changes, or rejected.
REOPENABLE = frozenset(
    {ObjectiveStatus.DRAFT, ObjectiveStatus.CHANGES_REQUESTED, ObjectiveStatus.REJECTED}
)
UNIT_MAX = 32


@dataclass(frozen=True)
class Edited:
    """One changed field: where (`O-n` or `KR-m`), which, and its value before and after."""

    objective: Objective
    ref: str
    field: str
    old: str
    new: str


def reworkable(ctx: Context, number: int, usage: str = "okr.edit") -> Objective:
    """O-`number`, if it is the requester's and may be reworked now."""
    objective = lookups.objective(ctx, number, usage)
    ref = f"O-{objective.number}"
    if ctx.person_id not in (objective.owner_person_id, objective.created_by_id):
        raise CommandError("flows.edit.not_yours", {"ref": ref})
    if objective.status not in REOPENABLE:
        status = Phrase.of(f"okr.status.{objective.status.value}")
        raise CommandError("flows.edit.not_open", {"ref": ref, "status": status})
    return objective


def _key_results(ctx: Context, objective: Objective) -> list[KeyResult]:
    assert objective.id is not None
    return okrs.key_results_by_objective(
        session=ctx.session, workspace_id=ctx.workspace_id, objective_ids=[objective.id]
    ).get(objective.id, [])


def _index(krs: list[KeyResult], kr_number: int, objective: Objective) -> int:
    """Which KR of the objective `KR-n` names: its own number, else its place (KR-2: the 2nd)."""
    for index, kr in enumerate(krs):
        if kr.number == kr_number:
            return index
    if 1 <= kr_number <= len(krs):
        return kr_number - 1
    params = {"ref": f"KR-{kr_number}", "objective": f"O-{objective.number}"}
    raise CommandError("edit.no_such_kr", params, usage="okr.edit")


def _shown(spec: dict[str, Any], field: str) -> str:
    metric, unit = Metric(spec["metric"]), spec.get("unit")
    if field in ("start", "target"):
        return kr_value(metric, unit, spec[field])
    if field == "weight":
        return number(spec.get("weight", 1.0))
    return str(spec.get(field) or "—")


def _changed_kr(kr: KeyResult, spec: dict[str, Any], field: str, text: str) -> dict[str, Any]:
    """The KR's draft answers with `field` set to `text` (checked)."""
    if field == "title":
        return {**spec, "title": checked_title(text, usage="okr.edit")}
    if field == "unit":
        unit = text.strip()
        if len(unit) > UNIT_MAX:
            raise CommandError("edit.unit_too_long", {"max": UNIT_MAX}, usage="okr.edit")
        return {**spec, "unit": unit or None}
    if field == "weight":
        try:
            weight = float(text.strip())
        except ValueError:
            weight = 0.0
        if not 0 < weight <= 100:
            raise CommandError("edit.bad_weight", {"value": text.strip()}, usage="okr.edit")
        return {**spec, "weight": weight}
    try:
        amount = check_value_kind(kr, parse_value(text.strip()), adding_to=float(spec[field]))
    except CommandError as error:
        error.usage = "okr.edit"
        raise
    changed = {**spec, field: amount}
    if changed["start"] == changed["target"]:
        raise CommandError("edit.target_is_start", {"ref": f"KR-{kr.number}"}, usage="okr.edit")
    increase = changed["target"] > changed["start"]
    changed["direction"] = (Direction.INCREASE if increase else Direction.DECREASE).value
    return changed


def edit_field(
    ctx: Context, objective_number: int, kr_number: int | None, field: str, text: str
) -> Edited:
    """Change one field of the requester's draft; its status stays as it is until submitted."""
    objective = reworkable(ctx, objective_number)
    data = drafts.draft_of(ctx, objective)
    if kr_number is None:
        old, new = objective.title, checked_title(text, usage="okr.edit")
        data["title"] = new
        ref = f"O-{objective.number}"
    else:
        krs = _key_results(ctx, objective)
        index = _index(krs, kr_number, objective)
        spec = data["krs"][index]
        changed = _changed_kr(krs[index], spec, field, text)
        old, new = _shown(spec, field), _shown(changed, field)
        data["krs"][index] = changed
        ref = f"KR-{krs[index].number}"
    if old == new:
        raise CommandError("edit.no_change", {"ref": ref, "value": new}, usage="okr.edit")
    drafts.save(ctx, data, status=objective.status)
    return Edited(objective, ref, field, old, new)


def submit(ctx: Context, objective_number: int) -> Message:
    """Send the requester's draft (again) for approval, as the `/okr new` flow does."""
    objective = reworkable(ctx, objective_number, usage="okr.submit")
    return drafts.submit(ctx, drafts.draft_of(ctx, objective))
