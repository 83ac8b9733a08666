"""Writing the audit log."""

from __future__ import annotations

import json
from typing import Any

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


def recent(*, session: Session, workspace_id: int, limit: int = 50) -> list[AuditLog]:
    """The newest audit rows of a workspace."""
    query = (
        select(AuditLog)
        .where(AuditLog.workspace_id == workspace_id)
        .order_by(col(AuditLog.id).desc())
        .limit(limit)
    )
    return list(session.exec(query))
