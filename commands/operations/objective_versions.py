"""What a manager saw: each approval request of an objective keeps a snapshot of the objective
as it was sent (title, alignment, KRs with their numbers), and a resubmission carries the
changes since the snapshot of the request before it — `KR-33 Target: ¥3,000,000 → ¥4,000,000`
— so the manager reviews the diff, not the whole objective again.
"""

from __future__ import annotations

import json
from typing import Any

from sqlmodel import col, select

from commands.context import Context
from digests.formatting import kr_value, number
from storage.models import ApprovalKind, ApprovalRequest, Metric, Objective
from storage.repos import okrs

FIELDS = ("title", "start", "target", "unit", "weight")


def snapshot(ctx: Context, objective: Objective) -> dict[str, Any]:
    """The objective as a manager reads it now, values formatted as shown."""
    assert objective.id is not None
    krs = okrs.key_results_by_objective(
        session=ctx.session, workspace_id=ctx.workspace_id, objective_ids=[objective.id]
    ).get(objective.id, [])
    parent = ctx.session.get(Objective, objective.parent_id) if objective.parent_id else None
    return {
        "ref": f"O-{objective.number}",
        "title": objective.title,
        "parent": f"O-{parent.number} {parent.title}" if parent else "",
        "krs": [
            {
                "id": kr.id,
                "ref": f"KR-{kr.number}",
                "title": kr.title,
                "start": kr_value(kr.metric, kr.unit, kr.start_value),
                "target": kr_value(kr.metric, kr.unit, kr.target_value),
                "unit": kr.unit or ("%" if kr.metric is Metric.PERCENT else ""),
                "weight": number(kr.weight),
            }
            for kr in krs
        ],
    }


def changes(old: dict[str, Any], new: dict[str, Any]) -> list[dict[str, str]]:
    """What differs between two snapshots: `{ref, field, old, new}` per changed field; a KR
    added or removed is one line (`field` "added" / "removed")."""
    found: list[dict[str, str]] = []
    for field in ("title", "parent"):
        if old.get(field, "") != new.get(field, ""):
            found.append(
                {"ref": new["ref"], "field": field, "old": old.get(field, ""), "new": new[field]}
            )
    before = {kr["id"]: kr for kr in old.get("krs", [])}
    after = {kr["id"]: kr for kr in new.get("krs", [])}
    for kr_id, kr in after.items():
        was = before.get(kr_id)
        if was is None:
            found.append({"ref": kr["ref"], "field": "added", "old": "", "new": kr["title"]})
            continue
        for field in FIELDS:
            if str(was.get(field, "")) != str(kr.get(field, "")):
                found.append(
                    {
                        "ref": kr["ref"],
                        "field": field,
                        "old": str(was.get(field, "")),
                        "new": str(kr.get(field, "")),
                    }
                )
    for kr_id, kr in before.items():
        if kr_id not in after:
            found.append({"ref": kr["ref"], "field": "removed", "old": kr["title"], "new": ""})
    return found


def last_seen(ctx: Context, objective: Objective) -> dict[str, Any] | None:
    """The snapshot of the objective's latest approval request, if it kept one."""
    query = (
        select(ApprovalRequest.proposal)
        .where(
            ApprovalRequest.workspace_id == ctx.workspace_id,
            ApprovalRequest.objective_id == objective.id,
            ApprovalRequest.kind == ApprovalKind.OBJECTIVE,
        )
        .order_by(col(ApprovalRequest.id).desc())
    )
    latest = ctx.session.exec(query).first()
    try:
        loaded = json.loads(latest or "{}")
    except ValueError:
        return None
    seen = loaded.get("snapshot") if isinstance(loaded, dict) else None
    return seen if isinstance(seen, dict) else None


def proposal(ctx: Context, objective: Objective) -> dict[str, Any]:
    """What an objective's approval request keeps: its snapshot, and the changes since the
    version the manager saw last (none on a first submission)."""
    now = snapshot(ctx, objective)
    seen = last_seen(ctx, objective)
    if seen is None:
        return {"snapshot": now}
    return {"snapshot": now, "resubmitted": True, "since": changes(seen, now)}
