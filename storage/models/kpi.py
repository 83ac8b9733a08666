"""KPIs: the indicator library, cascaded targets and readings."""

from __future__ import annotations

from datetime import datetime
from enum import StrEnum

import sqlalchemy as sa
from sqlmodel import Field, SQLModel

from storage.models.enums import (
    Aggregation,
    Frequency,
    KpiDirection,
    KpiScope,
    ReadingSource,
)
from storage.types import UTCDateTime, enum_type, utcnow


class KpiDefinition(SQLModel, table=True):
    """An indicator in the library, e.g. LOSS_RATE (%, lower is better, monthly)."""

    __tablename__ = "kpi_definition"
    __table_args__ = (sa.UniqueConstraint("workspace_id", "code"),)

    id: int | None = Field(default=None, primary_key=True)
    workspace_id: int = Field(foreign_key="workspace.id", index=True)
    code: str = Field(max_length=64)
    name: str = Field(max_length=200)
    name_zh: str | None = Field(default=None, max_length=200)
    unit: str | None = Field(default=None, max_length=32)
    direction: KpiDirection = Field(sa_type=enum_type(KpiDirection))
    frequency: Frequency = Field(default=Frequency.MONTHLY, sa_type=enum_type(Frequency))
    aggregation: Aggregation = Field(default=Aggregation.LAST, sa_type=enum_type(Aggregation))
    owner_id: int | None = Field(default=None, foreign_key="person.id")
    min_value: float | None = Field(default=None, description="lowest possible reading")
    max_value: float | None = Field(default=None, description="highest possible reading")

    def bounds(self) -> tuple[float | None, float | None]:
        """The readings it can have: its own bounds, else 0–100 for a percent."""
        if self.min_value is not None or self.max_value is not None:
            return self.min_value, self.max_value
        return (0.0, 100.0) if (self.unit or "").strip() == "%" else (None, None)


class KpiTarget(SQLModel, table=True):
    """A target for one scope over a period label (2026, 2026-Q4, 2026-11 ...).

    `parent_id` links a cascaded target to the one it supports.
    """

    __tablename__ = "kpi_target"

    id: int | None = Field(default=None, primary_key=True)
    workspace_id: int = Field(foreign_key="workspace.id", index=True)
    kpi_id: int = Field(foreign_key="kpi_definition.id", index=True)
    scope: KpiScope = Field(sa_type=enum_type(KpiScope))
    department_id: int | None = Field(default=None, foreign_key="department.id")
    person_id: int | None = Field(default=None, foreign_key="person.id", index=True)
    period: str = Field(max_length=16)
    target: float
    warning: float | None = None
    critical: float | None = None
    weight: float = 1.0
    parent_id: int | None = Field(default=None, foreign_key="kpi_target.id")


class KpiReading(SQLModel, table=True):
    """A measured value of a KPI for one scope and period."""

    __tablename__ = "kpi_reading"
    __table_args__ = (sa.UniqueConstraint("workspace_id", "client_id"),)

    id: int | None = Field(default=None, primary_key=True)
    workspace_id: int = Field(foreign_key="workspace.id", index=True)
    kpi_id: int = Field(foreign_key="kpi_definition.id", index=True)
    scope: KpiScope = Field(sa_type=enum_type(KpiScope))
    department_id: int | None = Field(default=None, foreign_key="department.id")
    person_id: int | None = Field(default=None, foreign_key="person.id", index=True)
    period: str = Field(max_length=16, index=True)
    value: float
    source: ReadingSource = Field(default=ReadingSource.CHAT, sa_type=enum_type(ReadingSource))
    client_id: str | None = Field(default=None, max_length=128)
    recorded_by_id: int | None = Field(default=None, foreign_key="person.id")
    created_at: datetime = Field(default_factory=utcnow, sa_type=UTCDateTime)


class KpiPeriodClose(SQLModel, table=True):
    """A KPI period HR has closed (e.g. 2026-11 once pay bands are settled): its readings can
    then be changed only by HR admins and admins."""

    __tablename__ = "kpi_period_close"
    __table_args__ = (sa.UniqueConstraint("workspace_id", "period"),)

    id: int | None = Field(default=None, primary_key=True)
    workspace_id: int = Field(foreign_key="workspace.id", index=True)
    period: str = Field(max_length=16)
    closed_by_id: int | None = Field(default=None, foreign_key="person.id")
    closed_at: datetime = Field(default_factory=utcnow, sa_type=UTCDateTime)


class CorrectionStatus(StrEnum):
    PENDING = "pending"
    APPROVED = "approved"
    REJECTED = "rejected"


class KpiCorrection(SQLModel, table=True):
    """A change to a reading of a closed KPI period, asked for in chat and waiting for HR: it
    is written only when an HR admin or admin approves it."""

    __tablename__ = "kpi_correction"

    id: int | None = Field(default=None, primary_key=True)
    workspace_id: int = Field(foreign_key="workspace.id", index=True)
    kpi_id: int = Field(foreign_key="kpi_definition.id")
    scope: KpiScope = Field(sa_type=enum_type(KpiScope))
    department_id: int | None = Field(default=None, foreign_key="department.id")
    person_id: int | None = Field(default=None, foreign_key="person.id")
    period: str = Field(max_length=16)
    old_value: float | None = None
    new_value: float
    requested_by_id: int = Field(foreign_key="person.id")
    status: CorrectionStatus = Field(
        default=CorrectionStatus.PENDING, sa_type=enum_type(CorrectionStatus)
    )
    decided_by_id: int | None = Field(default=None, foreign_key="person.id")
    decided_at: datetime | None = Field(default=None, sa_type=UTCDateTime)
    created_at: datetime = Field(default_factory=utcnow, sa_type=UTCDateTime)
