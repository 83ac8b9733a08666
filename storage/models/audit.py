"""The audit log: who changed what, when, and from which platform."""

from __future__ import annotations

from datetime import datetime

import sqlalchemy as sa
from sqlmodel import Field, SQLModel

from storage.models.enums import Platform
from storage.types import UTCDateTime, enum_type, utcnow


class AuditLog(SQLModel, table=True):
    """One change. `before`/`after` hold JSON text of the changed fields."""

    __tablename__ = "audit_log"

    id: int | None = Field(default=None, primary_key=True)
    workspace_id: int = Field(foreign_key="workspace.id", index=True)
    actor_id: int | None = Field(default=None, foreign_key="person.id", index=True)
    platform: Platform = Field(sa_type=enum_type(Platform))
    action: str = Field(max_length=64)
    entity_type: str = Field(max_length=64)
    entity_id: int | None = None
    entity_ref: str | None = Field(default=None, max_length=64)
    before: str | None = Field(default=None, sa_type=sa.Text)
    after: str | None = Field(default=None, sa_type=sa.Text)
    created_at: datetime = Field(default_factory=utcnow, sa_type=UTCDateTime, index=True)
