"""Enqueue and take outbox messages. Senders (console, Slack, Feishu) drain it."""

from __future__ import annotations

from datetime import datetime

import sqlalchemy as sa
from sqlalchemy.dialects import postgresql, sqlite
from sqlmodel import Session, col, select

from storage.models import OutboxMessage, OutboxStatus
from storage.types import utcnow


def enqueue(
    *,
    session: Session,
    workspace_id: int,
    person_id: int,
    dedupe_key: str,
    kind: str,
    payload: str,
    due_at: datetime | None = None,
) -> bool:
    """Add a message in the caller's transaction; False when the key was already enqueued.

    INSERT … ON CONFLICT DO NOTHING, so concurrent enqueuers never fail and never duplicate.
    """
    values = {
        "workspace_id": workspace_id,
        "person_id": person_id,
        "dedupe_key": dedupe_key,
        "kind": kind,
        "payload": payload,
        "status": OutboxStatus.PENDING,
        "attempts": 0,
        "due_at": due_at or utcnow(),
        "created_at": utcnow(),
    }
    table = OutboxMessage.__table__  # type: ignore[attr-defined]
    dialect = session.get_bind().dialect.name
    insert = postgresql.insert(table) if dialect == "postgresql" else sqlite.insert(table)
    statement = (
        insert.values(**values)
        .on_conflict_do_nothing(index_elements=["workspace_id", "dedupe_key"])
        .returning(table.c.id)
    )
    return session.execute(statement).first() is not None


def pending_for_person(
    *, session: Session, workspace_id: int, person_id: int, now: datetime | None = None
) -> list[OutboxMessage]:
    """A person's messages that are due and not yet sent, oldest first."""
    query = (
        select(OutboxMessage)
        .where(
            OutboxMessage.workspace_id == workspace_id,
            OutboxMessage.person_id == person_id,
            OutboxMessage.status == OutboxStatus.PENDING,
            col(OutboxMessage.due_at) <= (now or utcnow()),
        )
        .order_by(col(OutboxMessage.due_at), col(OutboxMessage.id))
    )
    return list(session.exec(query))


def mark_sent(*, session: Session, message: OutboxMessage, platform_ref: str | None = None) -> None:
    """Record a successful send."""
    message.status = OutboxStatus.SENT
    message.sent_at = utcnow()
    message.platform_ref = platform_ref
    message.attempts += 1
    session.add(message)


def count_by_status(*, session: Session, workspace_id: int) -> dict[OutboxStatus, int]:
    """How many messages are in each state (for status pages and metrics)."""
    rows = session.exec(
        select(OutboxMessage.status, sa.func.count())
        .where(OutboxMessage.workspace_id == workspace_id)
        .group_by(OutboxMessage.status)
    )
    return {OutboxStatus(status): int(count) for status, count in rows}
