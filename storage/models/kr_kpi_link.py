"""An explicit link between a key result and a KPI: insights compare their weekly changes even
when they do not share a department."""

from __future__ import annotations

from datetime import datetime

import sqlalchemy as sa
from sqlmodel import Field, SQLModel

from storage.types import UTCDateTime, utcnow


class KrKpiLink(SQLModel, table=True):
    """`/okr link KR-n CODE`: this KR is expected to move with this KPI."""

    __tablename__ = "kr_kpi_link"
    __table_args__ = (sa.UniqueConstraint("key_result_id", "kpi_id"),)

    id: int | None = Field(default=None, primary_key=True)
    workspace_id: int = Field(foreign_key="workspace.id", index=True)
    key_result_id: int = Field(foreign_key="key_result.id", index=True)
    kpi_id: int = Field(foreign_key="kpi_definition.id", index=True)
    created_by_id: int | None = Field(default=None, foreign_key="person.id")
    created_at: datetime = Field(default_factory=utcnow, sa_type=UTCDateTime)
