"""Mid-cycle adjustment of a KR: propose a new target (or a replacement) with a reason; the
manager approves the diff; history keeps every version."""

from __future__ import annotations

import json

from sqlmodel import col, select

from commands.context import Context
from storage.models import ApprovalRequest, KeyResult, KeyResultVersion
from storage.types import utcnow


def latest_version(ctx: Context, kr: KeyResult) -> KeyResultVersion | None:
    """The KR's newest stored definition."""
    query = (
        select(KeyResultVersion)
        .where(KeyResultVersion.key_result_id == kr.id)
        .order_by(col(KeyResultVersion.version).desc())
    )
    return ctx.session.exec(query).first()


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


def apply_proposal(ctx: Context, request: ApprovalRequest) -> KeyResult | None:
    """Make an approved adjustment the KR's definition, as a new version."""
    proposal = json.loads(request.proposal or "{}")
    kr = ctx.session.get(KeyResult, proposal.get("key_result_id") or 0)
    if kr is None:
        return None
    previous = ensure_first_version(ctx, kr)
    kr.title = proposal.get("title", kr.title)
    kr.target_value = float(proposal.get("target", kr.target_value))
    if "start" in proposal:
        kr.start_value = float(proposal["start"])
        kr.current_value = float(proposal["start"])
    kr.unit = proposal.get("unit", kr.unit)
    kr.updated_at = utcnow()
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
