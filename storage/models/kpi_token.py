"""API tokens for the KPI readings endpoint: one workspace each, stored only as a hash."""

from __future__ import annotations

from datetime import datetime

from sqlmodel import Field, SQLModel

from storage.types import UTCDateTime, utcnow


class KpiApiToken(SQLModel, table=True):
    """A bearer token for `POST /api/v1/kpi/readings`. Only its SHA-256 is kept."""

    __tablename__ = "kpi_api_token"

    id: int | None = Field(default=None, primary_key=True)
    workspace_id: int = Field(foreign_key="workspace.id", index=True)
    name: str = Field(max_length=100, description="what feeds with it, e.g. mes-line-3")
    token_hash: str = Field(max_length=64, unique=True)
    prefix: str = Field(max_length=12, description="first characters, to tell tokens apart")
    created_at: datetime = Field(default_factory=utcnow, sa_type=UTCDateTime)
    revoked_at: datetime | None = Field(default=None, sa_type=UTCDateTime)
