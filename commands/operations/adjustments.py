"""Mid-cycle adjustment of a KR: propose a new target (or a replacement) with a reason; the
manager approves the diff; history keeps every version."""

from __future__ import annotations

import json
import re
from typing import Any

from sqlmodel import col, select

from commands import lookups
from commands.context import Context
from commands.grammar_checkin import MAX_REASON
from commands.limits import TITLE_MIN, checked
from commands.operations import approvals, drafts
from commands.operations.checkins import check_value_kind
from commands.types import CommandError, Value
from commands.words import normalise
from digests.formatting import kr_value
from digests.message import Message
from storage.models import (
    ApprovalKind,
    ApprovalRequest,
    ApprovalStatus,
    Cycle,
    CycleState,
    Direction,
    KeyResult,
    KeyResultVersion,
    Metric,
    Objective,
    ObjectiveStatus,
)
from storage.repos import audit, people

ADJUSTABLE = {ObjectiveStatus.APPROVED}
MIN_REASON = 3
FIELDS = ("title", "metric", "start", "target", "unit", "direction")


def latest_version(ctx: Context, kr: KeyResult) -> KeyResultVersion | None:
    """The KR's newest stored definition."""
    query = (
        select(KeyResultVersion)
        .where(KeyResultVersion.key_result_id == kr.id)
        .order_by(col(KeyResultVersion.version).desc())
    )
    return ctx.session.exec(query).first()


def versions(ctx: Context, kr: KeyResult) -> list[KeyResultVersion]:
    """Every stored definition of the KR, oldest first."""
    query = (
        select(KeyResultVersion)
        .where(KeyResultVersion.key_result_id == kr.id)
        .order_by(col(KeyResultVersion.version))
    )
    return list(ctx.session.exec(query))


def ensure_first_version(ctx: Context, kr: KeyResult) -> KeyResultVersion:
    """Version 1 for KRs made before versions were kept (imports, the demo)."""
    found = latest_version(ctx, kr)
    if found is not None:
        return found
    first = KeyResultVersion(
        workspace_id=kr.workspace_id,
        key_result_id=kr.id or 0,
        version=1,
        title=kr.title,
        start_value=kr.start_value,
        target_value=kr.target_value,
        unit=kr.unit,
        weight=kr.weight,
        created_at=kr.created_at,
    )
    ctx.session.add(first)
    ctx.session.flush()
    return first


def adjustable(ctx: Context, kr_number: int, usage: str = "okr.adjust") -> KeyResult:
    """The requester's KR `kr_number`, if it may be adjusted; a clear CommandError if not."""
    ref = f"KR-{kr_number}"
    kr, objective = lookups.key_result(ctx, kr_number, usage)
    if not ctx.access.can_update_key_result(kr, objective):
        owner = people.get(
            session=ctx.session, workspace_id=ctx.workspace_id, person_id=kr.owner_id
        )
        raise CommandError("adjust.not_yours", {"ref": ref, "owner": owner.name if owner else "?"})
    if objective.status not in ADJUSTABLE:
        raise CommandError(
            "adjust.not_live", {"ref": ref, "status": ctx.t(f"okr.status.{objective.status.value}")}
        )
    cycle = ctx.session.get(Cycle, objective.cycle_id)
    if cycle is not None and cycle.state is CycleState.CLOSED:
        raise CommandError("error.cycle_closed", {"ref": ref, "cycle": cycle.name})
    return kr


def definition(kr: KeyResult) -> dict[str, Any]:
    """The KR's definition in proposal terms."""
    return {
        "title": kr.title,
        "metric": kr.metric.value,
        "start": kr.start_value,
        "target": kr.target_value,
        "unit": kr.unit,
        "direction": kr.direction.value,
    }


def show_value(spec: dict[str, Any], value: float) -> str:
    """A value as people read it, for a definition that may not be stored yet."""
    return kr_value(Metric(spec["metric"]), spec.get("unit"), value)


def new_target(kr: KeyResult, value: Value, title: str | None = None) -> dict[str, Any]:
    """A proposal changing the target (of the same kind as the KR's values) and the title: the
    one given, else the old one with the old target's number in it reworded ("Sign 5 …" →
    "Sign 7 …")."""
    target = check_value_kind(kr, value, adding_to=kr.target_value)
    if target == kr.start_value:
        raise CommandError("adjust.target_is_start", {"ref": f"KR-{kr.number}"})
    direction = Direction.DECREASE if target < kr.start_value else Direction.INCREASE
    if title is None:
        title = reworded_title(kr.title, kr.target_value, target)
    else:
        title = " ".join(title.split())
        if len(title) < TITLE_MIN:
            raise CommandError("adjust.bad_title", {"min": TITLE_MIN})
        checked(title, "title")
    return {**definition(kr), "title": title, "target": target, "direction": direction.value}


# A number standing alone in a title: "5", "8,000,000", "2.5" — not part of "Q4" or "v2".
_TITLE_NUMBER = re.compile(
    r"(?<![0-9A-Za-z.,])(\d{1,3}(?:,\d{3})+|\d+)(\.\d+)?(?![0-9A-Za-z]|[.,]\d)"
)


def reworded_title(title: str, old_target: float, new_target: float) -> str:
    """`title` with each number equal to the old target written as the new one, in the same
    style (thousands separators kept); unchanged when no number is the old target."""

    def swap(match: re.Match[str]) -> str:
        written = match.group(0)
        if float(written.replace(",", "")) != old_target:
            return written
        grouped = "," in match.group(1)
        if new_target == int(new_target):
            return f"{int(new_target):,}" if grouped else str(int(new_target))
        return f"{new_target:,g}" if grouped else f"{new_target:g}"

    return _TITLE_NUMBER.sub(swap, title)


def replacement(text: str, kr: KeyResult | None = None) -> dict[str, Any]:
    """`TITLE | START TARGET [unit]`: a whole new definition (its weight stays); for `kr`,
    `TITLE | TARGET` changes the title and the target only (the progress so far stays)."""
    from commands.values import parse_value

    title, _, numbers = text.rpartition("|")
    title = title.strip()
    if kr is not None and len(numbers.split()) == 1:
        try:
            value = parse_value(normalise(numbers).strip())
        except CommandError as error:
            raise CommandError("adjust.bad_change", {"text": text}) from error
        return new_target(kr, value, title)
    if len(title) < TITLE_MIN:
        raise CommandError("adjust.bad_change", {"text": text})
    checked(title, "title")
    try:
        parsed = drafts.parse_numbers(numbers)
    except CommandError as error:
        raise CommandError("adjust.bad_change", {"text": text}) from error
    return {"title": title, **{k: parsed[k] for k in FIELDS if k in parsed}, "replace": True}


def parse_change(kr: KeyResult, text: str) -> dict[str, Any]:
    """What the owner typed: a new target, or a replacement KR."""
    from commands.values import parse_value

    if "|" in text:
        return replacement(text, kr)
    try:
        value = parse_value(text)
    except CommandError as error:
        raise CommandError("adjust.bad_change", {"text": text}) from error
    return new_target(kr, value)


def diff(kr: KeyResult, proposal: dict[str, Any]) -> list[dict[str, str]]:
    """The fields that change, old → new, as people read them; empty when nothing would."""
    old = definition(kr)
    changes: list[dict[str, str]] = []
    if proposal["title"] != old["title"]:
        changes.append({"field": "title", "old": old["title"], "new": proposal["title"]})
    for field in ("start", "target"):
        was, now = show_value(old, old[field]), show_value(proposal, proposal[field])
        if was != now:
            changes.append({"field": field, "old": was, "new": now})
    if proposal.get("replace") and kr.current_value != proposal["start"]:
        # A replacement KR starts at its own start value: the progress so far does not carry.
        changes.append(
            {
                "field": "current",
                "old": show_value(old, kr.current_value),
                "new": show_value(proposal, proposal["start"]),
            }
        )
    return changes  # the direction follows from start → target


def proposal_of(kr: KeyResult, spec: dict[str, Any]) -> dict[str, Any]:
    """The JSON an ApprovalRequest carries: the KR, the new definition and the diff."""
    changes = diff(kr, spec)
    if not changes:
        raise CommandError("adjust.no_change", {"ref": f"KR-{kr.number}"})
    return {
        "key_result_id": kr.id,
        "ref": f"KR-{kr.number}",
        "old_title": kr.title,
        **{k: spec[k] for k in FIELDS},
        "replace": bool(spec.get("replace")),
        "diff": changes,
    }


def proposal_json(request: ApprovalRequest) -> dict[str, Any]:
    """The request's proposal as a dict ({} when it has none)."""
    loaded = json.loads(request.proposal or "{}")
    return loaded if isinstance(loaded, dict) else {}


def pending_for(ctx: Context, kr: KeyResult) -> list[ApprovalRequest]:
    """Adjustments of this KR still waiting for a decision."""
    query = select(ApprovalRequest).where(
        ApprovalRequest.workspace_id == ctx.workspace_id,
        ApprovalRequest.key_result_id == kr.id,
        ApprovalRequest.kind == ApprovalKind.ADJUSTMENT,
        ApprovalRequest.status == ApprovalStatus.PENDING,
    )
    return list(ctx.session.exec(query.order_by(col(ApprovalRequest.id))))


def apply_proposal(ctx: Context, request: ApprovalRequest) -> KeyResult | None:
    """Make an approved adjustment the KR's definition, as a new version."""
    proposal = proposal_json(request)
    kr = ctx.session.get(KeyResult, request.key_result_id) if request.key_result_id else None
    if kr is None or kr.workspace_id != request.workspace_id:
        return None
    previous = ensure_first_version(ctx, kr)
    kr.title = proposal.get("title", kr.title)
    kr.target_value = float(proposal.get("target", kr.target_value))
    if "start" in proposal:
        kr.start_value = float(proposal["start"])
    if proposal.get("replace"):
        kr.current_value = kr.start_value  # a replacement starts from its own baseline
    if "metric" in proposal:
        kr.metric = Metric(proposal["metric"])
    if "direction" in proposal:
        kr.direction = Direction(proposal["direction"])
    kr.unit = proposal.get("unit", kr.unit)
    kr.updated_at = ctx.now
    ctx.session.add(kr)
    ctx.session.add(
        KeyResultVersion(
            workspace_id=kr.workspace_id,
            key_result_id=kr.id or 0,
            version=previous.version + 1,
            title=kr.title,
            start_value=kr.start_value,
            target_value=kr.target_value,
            unit=kr.unit,
            weight=kr.weight,
            reason=request.reason,
            approval_id=request.id,
            changed_by_id=request.requester_id,
            created_at=ctx.now,
        )
    )
    ctx.session.flush()
    return kr


def check_reason(text: str | None) -> str:
    """The reason, trimmed; CommandError when it is missing or too short or long."""
    reason = (text or "").strip()
    if len(reason) < MIN_REASON:
        raise CommandError("adjust.reason_needed", {"max": MAX_REASON})
    return checked(reason, "reason")


def manager_name(ctx: Context, objective: Objective) -> str | None:
    """The name of the manager who decides on the objective owner's changes, if any."""
    owner = approvals.owner_of(ctx, objective) or ctx.person
    if owner.manager_id is None:
        return None
    boss = people.get(
        session=ctx.session, workspace_id=ctx.workspace_id, person_id=owner.manager_id
    )
    return boss.name if boss else None


def request(ctx: Context, kr: KeyResult, proposal: dict[str, Any], reason: str) -> Message:
    """Send the change to the owner's manager (earlier pending proposals for the KR are
    withdrawn); with no manager to ask, apply it at once, versioned and audited."""
    objective = ctx.session.get(Objective, kr.objective_id)
    assert objective is not None
    replaced: list[dict[str, Any]] = []
    for earlier in pending_for(ctx, kr):
        earlier.status = ApprovalStatus.WITHDRAWN
        ctx.session.add(earlier)
        replaced.extend(json.loads(earlier.proposal or "{}").get("diff", []))
    ctx.session.flush()
    manager = manager_name(ctx, objective)
    ref = f"KR-{kr.number}"
    if manager is not None:
        # A new proposal replaces the one waiting, in so many words, on both sides.
        approvals.submit(
            ctx,
            objective,
            kind=ApprovalKind.ADJUSTMENT,
            proposal=proposal | ({"replaces": replaced} if replaced else {}),
            reason=reason,
            key_result_id=kr.id,
        )
        return ctx.render(
            "adjust_sent", ref=ref, title=kr.title, manager=manager, replaced=replaced
        )
    request = ApprovalRequest(
        workspace_id=ctx.workspace_id,
        objective_id=objective.id or 0,
        kind=ApprovalKind.ADJUSTMENT,
        key_result_id=kr.id,
        requester_id=ctx.person_id,
        status=ApprovalStatus.APPROVED,
        proposal=json.dumps(proposal, ensure_ascii=False),
        reason=reason,
        decided_by_id=ctx.person_id,
        decided_at=ctx.now,
        created_at=ctx.now,
    )
    ctx.session.add(request)
    ctx.session.flush()
    apply_proposal(ctx, request)
    audit.record(
        session=ctx.session,
        workspace_id=ctx.workspace_id,
        actor_id=ctx.person_id,
        platform=ctx.platform,
        action="kr_adjusted",
        entity_type="key_result",
        entity_id=kr.id,
        entity_ref=ref,
        before={c["field"]: c["old"] for c in proposal["diff"]},
        after={c["field"]: c["new"] for c in proposal["diff"]},
    )
    return ctx.render("adjust_applied", ref=ref, changes=proposal["diff"], reason=reason)


def last_comment(ctx: Context, kr: KeyResult) -> str | None:
    """What the manager asked, when the latest decided adjustment of this KR was sent back."""
    query = (
        select(ApprovalRequest)
        .where(
            ApprovalRequest.workspace_id == ctx.workspace_id,
            ApprovalRequest.key_result_id == kr.id,
            ApprovalRequest.kind == ApprovalKind.ADJUSTMENT,
            col(ApprovalRequest.decided_at).is_not(None),
        )
        .order_by(col(ApprovalRequest.id).desc())
    )
    decided = ctx.session.exec(query.limit(1)).first()
    if decided is None or decided.status is not ApprovalStatus.CHANGES_REQUESTED:
        return None
    return decided.comment
