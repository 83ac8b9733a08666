"""The outbox: every proactive message is a row first, sent later, exactly once."""

from __future__ import annotations

from datetime import datetime
from enum import StrEnum

import sqlalchemy as sa
from sqlmodel import Field, SQLModel

from storage.types import UTCDateTime, enum_type, utcnow


class OutboxStatus(StrEnum):
    PENDING = "pending"
    SENDING = "sending"
    SENT = "sent"
    DEAD = "dead"


class OutboxMessage(SQLModel, table=True):
    """A message for one person. `dedupe_key` (e.g. `checkin:2026-W48:42`) makes enqueueing
    idempotent: a job run twice, a crash mid-run or two replicas add the row once."""

    __tablename__ = "outbox_message"
    __table_args__ = (
        sa.UniqueConstraint("workspace_id", "dedupe_key"),
        sa.Index("ix_outbox_message_status_due_at", "status", "due_at"),
    )

    id: int | None = Field(default=None, primary_key=True)
    workspace_id: int = Field(foreign_key="workspace.id", index=True)
    person_id: int = Field(foreign_key="person.id", index=True)
    dedupe_key: str = Field(max_length=200)
    kind: str = Field(max_length=64, description="what it is: approval_request, kpi_alert ...")
    payload: str = Field(sa_type=sa.Text, description="the neutral Message as JSON")
    status: OutboxStatus = Field(default=OutboxStatus.PENDING, sa_type=enum_type(OutboxStatus))
    attempts: int = 0
    due_at: datetime = Field(
        default_factory=utcnow,
        sa_type=UTCDateTime,
        description="pending: when to send; sending: when the claim's lease expires",
    )
    sent_at: datetime | None = Field(default=None, sa_type=UTCDateTime)
    last_error: str | None = Field(default=None, max_length=1000)
    platform_ref: str | None = Field(
        default=None, max_length=200, description="where it landed (Slack ts, Feishu message id)"
    )
    read_at: datetime | None = Field(
        default=None,
        sa_type=UTCDateTime,
        description="when the platform reported it read (Feishu only; Slack does not tell)",
    )
    in_doubt: bool = Field(
        default=False,
        description="claimed again after a lease expired or a lost answer: it may have landed",
    )
    created_at: datetime = Field(default_factory=utcnow, sa_type=UTCDateTime)


class RatePace(SQLModel, table=True):
    """One platform's send schedule, kept by every replica: the slot (epoch seconds on the
    database's clock) of the latest send granted; the next one comes at least one interval
    (1 / limit) later. The fleet's shared rate (PostgreSQL; SQLite runs one process)."""

    __tablename__ = "rate_pace"

    platform: str = Field(primary_key=True, max_length=24)
    last_slot: float = Field(description="seconds since the epoch, on the database's clock")
