"""Writing the audit log."""

from __future__ import annotations

import json
from datetime import datetime
from typing import Any

import sqlalchemy as sa
from sqlmodel import Session, col, select

from storage.models import AuditLog, Platform
from storage.types import json_safe


def record(
    *,
    session: Session,
    workspace_id: int,
    actor_id: int | None,
    platform: Platform,
    action: str,
    entity_type: str,
    entity_id: int | None,
    entity_ref: str | None = None,
    before: dict[str, Any] | None = None,
    after: dict[str, Any] | None = None,
) -> AuditLog:
    """Add one audit row in the caller's transaction."""

    def dump(values: dict[str, Any] | None) -> str | None:
        if values is None:
            return None
        return json.dumps({k: json_safe(v) for k, v in values.items()}, ensure_ascii=False)

    row = AuditLog(
        workspace_id=workspace_id,
        actor_id=actor_id,
        platform=platform,
        action=action,
        entity_type=entity_type,
        entity_id=entity_id,
        entity_ref=entity_ref,
        before=dump(before),
        after=dump(after),
    )
    session.add(row)
    return row


def search(
    *,
    session: Session,
    workspace_id: int,
    actor_id: int | None = None,
    since: datetime | None = None,
    until: datetime | None = None,
    limit: int = 200,
) -> tuple[list[AuditLog], int]:
    """Audit rows of a workspace, newest first, optionally by one actor and within
    [since, until); also how many matched in all."""
    query = select(AuditLog).where(AuditLog.workspace_id == workspace_id)
    if actor_id is not None:
        query = query.where(AuditLog.actor_id == actor_id)
    if since is not None:
        query = query.where(col(AuditLog.created_at) >= since)
    if until is not None:
        query = query.where(col(AuditLog.created_at) < until)
    total = session.exec(select(sa.func.count()).select_from(query.subquery())).one()
    newest_first = (col(AuditLog.created_at).desc(), col(AuditLog.id).desc())
    rows = session.exec(query.order_by(*newest_first).limit(limit))
    return list(rows), int(total)
