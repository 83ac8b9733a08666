"""Platform events already handled, so retries and redeliveries are processed once."""

from __future__ import annotations

from datetime import datetime

import sqlalchemy as sa
from sqlmodel import Field, SQLModel

from storage.models.enums import Platform
from storage.types import UTCDateTime, enum_type, utcnow


class ProcessedEvent(SQLModel, table=True):
    """One platform event id seen. Not scoped by workspace: it is checked before the tenant is
    known, and ids are unique per platform (Slack event_id, Feishu header.event_id)."""

    __tablename__ = "processed_event"
    __table_args__ = (sa.UniqueConstraint("platform", "event_id"),)

    id: int | None = Field(default=None, primary_key=True)
    platform: Platform = Field(sa_type=enum_type(Platform))
    event_id: str = Field(max_length=128)
    created_at: datetime = Field(default_factory=utcnow, sa_type=UTCDateTime, index=True)
