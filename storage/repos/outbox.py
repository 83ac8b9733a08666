"""Enqueue and take outbox messages. Senders (console, Slack, Feishu) drain it."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime

import sqlalchemy as sa
from sqlmodel import Session, col, select

from storage.dialect_insert import insert_for
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
    statement = (
        insert_for(session, table)
        .values(**values)
        .on_conflict_do_nothing(index_elements=["workspace_id", "dedupe_key"])
        .returning(table.c.id)
    )
    return session.execute(statement).first() is not None


@dataclass(frozen=True)
class Queued:
    """One message for `enqueue_many`."""

    person_id: int
    dedupe_key: str
    kind: str
    payload: str


def enqueue_many(
    *,
    session: Session,
    workspace_id: int,
    messages: Sequence[Queued],
    due_at: datetime | None = None,
) -> int:
    """`enqueue` for many messages in one statement; how many were new (a key already
    enqueued is skipped, as in `enqueue`)."""
    if not messages:
        return 0
    now = utcnow()
    rows = [
        {
            "workspace_id": workspace_id,
            "person_id": m.person_id,
            "dedupe_key": m.dedupe_key,
            "kind": m.kind,
            "payload": m.payload,
            "status": OutboxStatus.PENDING,
            "attempts": 0,
            "due_at": due_at or now,
            "created_at": now,
        }
        for m in messages
    ]
    table = OutboxMessage.__table__  # type: ignore[attr-defined]
    statement = (
        insert_for(session, table)
        .on_conflict_do_nothing(index_elements=["workspace_id", "dedupe_key"])
        .returning(table.c.id)
    )
    return len(session.execute(statement, rows).all())


def keys_not_queued(*, session: Session, workspace_id: int, keys: Sequence[str]) -> list[str]:
    """The `keys` no message of the workspace has yet, in their order (a thousand a query)."""
    taken: set[str] = set()
    for start in range(0, len(keys), 1000):
        chunk = keys[start : start + 1000]
        taken.update(
            session.exec(
                select(OutboxMessage.dedupe_key).where(
                    OutboxMessage.workspace_id == workspace_id,
                    col(OutboxMessage.dedupe_key).in_(chunk),
                )
            )
        )
    return [key for key in keys if key not in taken]


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


def claim(
    *,
    session: Session,
    workspace_ids: list[int],
    now: datetime,
    lease_until: datetime,
    limit: int,
) -> list[OutboxMessage]:
    """Take up to `limit` due messages for sending, in the caller's transaction.

    Due means pending with `due_at` passed, or `sending` whose lease (`due_at`) expired — a
    sender died mid-send; such rows come back `in_doubt`, as do rows whose last send's answer
    was lost. On PostgreSQL the inner SELECT uses
    FOR UPDATE SKIP LOCKED, so concurrent senders never take the same row.
    """
    if not workspace_ids or limit <= 0:
        return []
    table = OutboxMessage.__table__  # type: ignore[attr-defined]
    inner = (
        sa.select(table.c.id)
        .where(
            table.c.workspace_id.in_(workspace_ids),
            table.c.status.in_([OutboxStatus.PENDING.value, OutboxStatus.SENDING.value]),
            table.c.due_at <= now,
        )
        .order_by(table.c.due_at, table.c.id)
        .limit(limit)
    )
    if session.get_bind().dialect.name == "postgresql":
        inner = inner.with_for_update(skip_locked=True)
    statement = (
        sa.update(table)
        .where(table.c.id.in_(inner.scalar_subquery()))
        .values(
            status=OutboxStatus.SENDING.value,
            # In doubt: a sender died mid-send, or a send's answer was lost (kept from its retry).
            in_doubt=sa.or_(table.c.status == OutboxStatus.SENDING.value, table.c.in_doubt),
            due_at=lease_until,
            attempts=table.c.attempts + 1,
        )
        .returning(table.c.id)
    )
    ids = [row[0] for row in session.execute(statement)]
    if not ids:
        return []
    rows = session.exec(
        select(OutboxMessage)
        .where(col(OutboxMessage.id).in_(ids))
        .order_by(col(OutboxMessage.due_at), col(OutboxMessage.id))
        .execution_options(populate_existing=True)
    )
    return list(rows)


def renew(*, session: Session, message_id: int, claim: int, lease_until: datetime) -> bool:
    """Extend the lease of a row this sender still holds, right before sending it; False when
    it does not hold it any more (its lease ran out and another sender claimed it, or it was
    recorded): then it must not be sent.

    `claim` is the fencing token: the row's `attempts` when it was claimed, which every new
    claim raises, so an old holder can neither renew nor record a row claimed after it.
    """
    table = OutboxMessage.__table__  # type: ignore[attr-defined]
    result = session.execute(
        sa.update(table)
        .where(
            table.c.id == message_id,
            table.c.status == OutboxStatus.SENDING.value,
            table.c.attempts == claim,
        )
        .values(due_at=lease_until)
    )
    return bool(result.rowcount)  # type: ignore[attr-defined]


def _finish(session: Session, message_id: int, claim: int | None = None, **values: object) -> bool:
    """Record an outcome, only by the current holder (`claim`, when given); whether it did."""
    table = OutboxMessage.__table__  # type: ignore[attr-defined]
    holder = [table.c.attempts == claim] if claim is not None else []
    result = session.execute(
        sa.update(table)
        .where(table.c.id == message_id, table.c.status == OutboxStatus.SENDING.value, *holder)
        .values(**values)
    )
    return bool(result.rowcount)  # type: ignore[attr-defined]


def record_sent(
    *,
    session: Session,
    message_id: int,
    now: datetime,
    platform_ref: str | None,
    claim: int | None = None,
) -> bool:
    """A send landed: remember where (Slack ts, Feishu message id)."""
    return _finish(
        session,
        message_id,
        claim,
        status=OutboxStatus.SENT.value,
        sent_at=now,
        platform_ref=platform_ref,
        in_doubt=False,
        last_error=None,
    )


def record_retry(
    *,
    session: Session,
    message_id: int,
    due_at: datetime,
    error: str,
    count_attempt: bool = True,
    claim: int | None = None,
    in_doubt: bool = False,
) -> bool:
    """Back to pending, due again at `due_at` (a throttled send does not count as an attempt);
    `in_doubt` when the send may have landed, so the next attempt looks before it sends."""
    table = OutboxMessage.__table__  # type: ignore[attr-defined]
    values: dict[str, object] = {
        "status": OutboxStatus.PENDING.value,
        "due_at": due_at,
        "last_error": error[:1000],
        "in_doubt": in_doubt,
    }
    if not count_attempt:
        values["attempts"] = table.c.attempts - 1
    return _finish(session, message_id, claim, **values)


def record_dead(
    *, session: Session, message_id: int, now: datetime, error: str, claim: int | None = None
) -> bool:
    """Park a message that can never be delivered (user left, bot blocked, no identity)."""
    return _finish(
        session,
        message_id,
        claim,
        status=OutboxStatus.DEAD.value,
        due_at=now,
        last_error=error[:1000],
        in_doubt=False,
    )


def dead_letters(*, session: Session, workspace_id: int, limit: int = 20) -> list[OutboxMessage]:
    """The most recent messages parked as undeliverable."""
    query = (
        select(OutboxMessage)
        .where(
            OutboxMessage.workspace_id == workspace_id,
            OutboxMessage.status == OutboxStatus.DEAD,
        )
        .order_by(col(OutboxMessage.id).desc())
        .limit(limit)
    )
    return list(session.exec(query))
