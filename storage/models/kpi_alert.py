"""KPI alert state (one row per crossing) and feedback on a KPI or KR."""

from __future__ import annotations

from datetime import datetime
from enum import StrEnum

from sqlmodel import Field, SQLModel

from storage.models.enums import KpiScope
from storage.types import UTCDateTime, enum_type, utcnow


class AlertState(StrEnum):
    OPEN = "open"
    RECOVERED = "recovered"


class KpiAlert(SQLModel, table=True):
    """A threshold crossing of one scope's KPI. While it is open the scope does not re-alert
    (hysteresis); a good reading closes it and is announced as a recovery."""

    __tablename__ = "kpi_alert"

    id: int | None = Field(default=None, primary_key=True)
    workspace_id: int = Field(foreign_key="workspace.id", index=True)
    kpi_id: int = Field(foreign_key="kpi_definition.id", index=True)
    target_id: int = Field(foreign_key="kpi_target.id")
    scope: KpiScope = Field(sa_type=enum_type(KpiScope))
    department_id: int | None = Field(default=None, foreign_key="department.id")
    person_id: int | None = Field(default=None, foreign_key="person.id")
    owner_id: int | None = Field(default=None, foreign_key="person.id")
    level: str = Field(max_length=16, description="warning or critical")
    state: AlertState = Field(default=AlertState.OPEN, sa_type=enum_type(AlertState))
    period: str = Field(max_length=16)
    value: float
    threshold: float
    reading_id: int = Field(foreign_key="kpi_reading.id")
    recovery_reading_id: int | None = Field(default=None, foreign_key="kpi_reading.id")
    created_at: datetime = Field(default_factory=utcnow, sa_type=UTCDateTime)
    recovered_at: datetime | None = Field(default=None, sa_type=UTCDateTime)
    acknowledged_by_id: int | None = Field(default=None, foreign_key="person.id")
    acknowledged_at: datetime | None = Field(default=None, sa_type=UTCDateTime)
    assigned_to_id: int | None = Field(default=None, foreign_key="person.id")


class KpiFeedback(SQLModel, table=True):
    """A manager's note to a person on a KPI or a KR, or the person's reply (`reply_to_id`)."""

    __tablename__ = "kpi_feedback"

    id: int | None = Field(default=None, primary_key=True)
    workspace_id: int = Field(foreign_key="workspace.id", index=True)
    author_id: int = Field(foreign_key="person.id")
    recipient_id: int = Field(foreign_key="person.id", index=True)
    kpi_id: int | None = Field(default=None, foreign_key="kpi_definition.id")
    key_result_id: int | None = Field(default=None, foreign_key="key_result.id")
    alert_id: int | None = Field(default=None, foreign_key="kpi_alert.id")
    reply_to_id: int | None = Field(default=None, foreign_key="kpi_feedback.id")
    text: str = Field(max_length=2000)
    created_at: datetime = Field(default_factory=utcnow, sa_type=UTCDateTime)
