"""Recording a check-in on a KR: the one write path `/okr update`, the check-in form, the guided
check-in and any other caller use. It checks the right to update and that the KR is still
open, writes the check-in and its audit row, and says what changed."""

from __future__ import annotations

import unicodedata
from dataclasses import dataclass

from commands import lookups
from commands.context import Context
from commands.limits import checked
from commands.types import CommandError, Value, ValueKind
from commands.views import kr_numbers, objective_percent
from digests.i18n import Phrase
from storage.models import Cycle, CycleState, KeyResult, Metric, Objective, ObjectiveStatus
from storage.models.enums import Confidence
from storage.progress import percent, progress
from storage.repos import audit, okrs, people


@dataclass(frozen=True)
class CheckedIn:
    """A recorded check-in: the KR and its objective as they are now, and the figures before."""

    key_result: KeyResult
    objective: Objective
    old_value: float
    old_percent: float
    objective_old: float
    objective_new: float

    @property
    def new_percent(self) -> float:
        return percent(progress(kr_numbers(self.key_result)))


def check_value_kind(
    key_result: KeyResult, value: Value, *, adding_to: float | None = None
) -> float:
    """The number to store for this KR, or CommandError when the value is of the wrong kind.
    A value typed with `+` (`+2`, `+500k`) is added to `adding_to` when given (the current
    value in a check-in, the target in an adjustment)."""
    if value.added and adding_to is not None and key_result.metric is not Metric.BOOLEAN:
        value = Value(adding_to + value.amount, value.kind, value.currency, value.text)
    ref = f"KR-{key_result.number}"
    metric = key_result.metric
    unit = (key_result.unit or "").strip()
    wrong = CommandError(
        f"error.wrong_kind.{metric.value}",
        {"ref": ref, "value": value.text, "unit": unit or "%"},
        usage="okr.update",
    )
    if metric is Metric.BOOLEAN:
        if value.kind is ValueKind.BOOLEAN or (
            value.kind is ValueKind.PLAIN and value.amount in (0, 1)
        ):
            return value.amount
        raise wrong
    if value.kind is ValueKind.BOOLEAN:
        raise wrong
    if metric is Metric.MILESTONE:
        if value.kind is ValueKind.PLAIN and value.amount >= 0 and value.amount.is_integer():
            return value.amount
        raise wrong
    if value.kind is ValueKind.PERCENT and not (metric is Metric.PERCENT or unit == "%"):
        raise wrong
    if value.kind is ValueKind.CURRENCY and not (
        metric is Metric.CURRENCY and unit in ("", value.currency)
    ):
        raise wrong
    return value.amount


def without_unit(key_result: KeyResult, note: str | None) -> str | None:
    """A note without the KR's unit in front: `2.5 days at-risk` on a KR counted in days
    leaves no note, not the note "days"."""
    unit = (key_result.unit or "").strip()
    if not note or not unit:
        return note
    head, _, rest = note.partition(" ")
    if unicodedata.normalize("NFKC", head).lower() == unicodedata.normalize("NFKC", unit).lower():
        return rest.strip() or None
    return note


def updatable(ctx: Context, kr_number: int) -> tuple[KeyResult, Objective]:
    """KR-n and its objective, if the requester may record a check-in on it now."""
    ref = f"KR-{kr_number}"
    key_result, objective = lookups.key_result(ctx, kr_number, usage="okr.update")
    if not ctx.access.can_update_key_result(key_result, objective):
        owner = people.get(
            session=ctx.session, workspace_id=ctx.workspace_id, person_id=key_result.owner_id
        )
        raise CommandError("error.not_your_kr", {"ref": ref, "owner": owner.name if owner else "?"})
    if objective.status in (ObjectiveStatus.ARCHIVED, ObjectiveStatus.REJECTED):
        status = Phrase.of(f"okr.status.{objective.status.value}")
        raise CommandError("error.kr_closed", {"ref": ref, "status": status})
    if objective.status is not ObjectiveStatus.APPROVED:
        # A draft or an objective waiting for approval is not under way yet.
        status = Phrase.of(f"okr.status.{objective.status.value}")
        params = {"ref": ref, "objective": f"O-{objective.number}", "status": status}
        raise CommandError("error.kr_not_approved", params)
    cycle = ctx.session.get(Cycle, objective.cycle_id)
    if cycle is not None and cycle.state is CycleState.CLOSED:
        raise CommandError("error.cycle_closed", {"ref": ref, "cycle": cycle.name})
    return key_result, objective


def record(
    ctx: Context,
    kr_number: int,
    value: Value | float | None,
    confidence: Confidence | None = None,
    note: str | None = None,
) -> CheckedIn:
    """Record a check-in on KR-`kr_number`: a typed `Value` is checked against the KR's kind
    (`check_value_kind`), a float is one already checked, None keeps the value as it is."""
    key_result, objective = updatable(ctx, kr_number)
    if note:
        checked(note, "note", usage="okr.update")
    if isinstance(value, Value):
        value = check_value_kind(key_result, value, adding_to=key_result.current_value)
    assert objective.id is not None
    siblings = okrs.key_results_by_objective(
        session=ctx.session, workspace_id=ctx.workspace_id, objective_ids=[objective.id]
    )[objective.id]
    old_value, old_confidence = key_result.current_value, key_result.confidence
    old_percent = percent(progress(kr_numbers(key_result)))
    objective_old = objective_percent(siblings)
    amount = old_value if value is None else value
    okrs.record_check_in(
        session=ctx.session,
        key_result=key_result,
        person_id=ctx.person_id,
        value=amount,
        confidence=confidence,
        note=note,
    )
    audit.record(
        session=ctx.session,
        workspace_id=ctx.workspace_id,
        actor_id=ctx.person_id,
        platform=ctx.platform,
        action="check_in",
        entity_type="key_result",
        entity_id=key_result.id,
        entity_ref=f"KR-{key_result.number}",
        before={"current_value": old_value, "confidence": old_confidence},
        after={"current_value": amount, "confidence": key_result.confidence},
    )
    return CheckedIn(
        key_result=key_result,
        objective=objective,
        old_value=old_value,
        old_percent=old_percent,
        objective_old=objective_old,
        objective_new=objective_percent(siblings),
    )
