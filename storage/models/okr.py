"""OKRs: cycles, objectives, key results and their check-in history."""

from __future__ import annotations

from datetime import date, datetime

import sqlalchemy as sa
from sqlmodel import Field, SQLModel

from storage.models.enums import (
    CheckInSource,
    Confidence,
    CycleState,
    Direction,
    Metric,
    ObjectiveStatus,
    OwnerType,
    Visibility,
)
from storage.types import UTCDateTime, enum_type, utcnow


class Cycle(SQLModel, table=True):
    """A goal period such as 2026-Q4."""

    __table_args__ = (sa.UniqueConstraint("workspace_id", "name"),)

    id: int | None = Field(default=None, primary_key=True)
    workspace_id: int = Field(foreign_key="workspace.id", index=True)
    name: str = Field(max_length=32)
    start_date: date
    end_date: date
    state: CycleState = Field(default=CycleState.PLANNING, sa_type=enum_type(CycleState))


class Objective(SQLModel, table=True):
    """An objective owned by a person, a department or the company; `number` makes `O-n`."""

    __table_args__ = (sa.UniqueConstraint("workspace_id", "number"),)

    id: int | None = Field(default=None, primary_key=True)
    workspace_id: int = Field(foreign_key="workspace.id", index=True)
    number: int
    cycle_id: int = Field(foreign_key="cycle.id", index=True)
    title: str = Field(max_length=300)
    description: str | None = Field(default=None, max_length=4000)
    owner_type: OwnerType = Field(sa_type=enum_type(OwnerType))
    owner_person_id: int | None = Field(default=None, foreign_key="person.id", index=True)
    owner_department_id: int | None = Field(default=None, foreign_key="department.id")
    parent_id: int | None = Field(default=None, foreign_key="objective.id", index=True)
    status: ObjectiveStatus = Field(
        default=ObjectiveStatus.DRAFT, sa_type=enum_type(ObjectiveStatus)
    )
    visibility: Visibility = Field(default=Visibility.PUBLIC, sa_type=enum_type(Visibility))
    created_by_id: int | None = Field(default=None, foreign_key="person.id")
    created_at: datetime = Field(default_factory=utcnow, sa_type=UTCDateTime)
    updated_at: datetime = Field(default_factory=utcnow, sa_type=UTCDateTime)


class KeyResult(SQLModel, table=True):
    """A measurable key result; `number` makes `KR-n`. `current_value` is the latest check-in."""

    __tablename__ = "key_result"
    __table_args__ = (sa.UniqueConstraint("workspace_id", "number"),)

    id: int | None = Field(default=None, primary_key=True)
    workspace_id: int = Field(foreign_key="workspace.id", index=True)
    number: int
    objective_id: int = Field(foreign_key="objective.id", index=True)
    title: str = Field(max_length=300)
    metric: Metric = Field(default=Metric.NUMBER, sa_type=enum_type(Metric))
    start_value: float = 0.0
    target_value: float
    current_value: float
    direction: Direction = Field(default=Direction.INCREASE, sa_type=enum_type(Direction))
    unit: str | None = Field(default=None, max_length=32)
    weight: float = 1.0
    confidence: Confidence = Field(default=Confidence.ON_TRACK, sa_type=enum_type(Confidence))
    owner_id: int = Field(foreign_key="person.id", index=True)
    created_at: datetime = Field(default_factory=utcnow, sa_type=UTCDateTime)
    updated_at: datetime = Field(default_factory=utcnow, sa_type=UTCDateTime)


class CheckIn(SQLModel, table=True):
    """One recorded value of a key result. Rows are only ever added, never changed."""

    __tablename__ = "check_in"

    id: int | None = Field(default=None, primary_key=True)
    workspace_id: int = Field(foreign_key="workspace.id", index=True)
    key_result_id: int = Field(foreign_key="key_result.id", index=True)
    person_id: int = Field(foreign_key="person.id", index=True)
    value: float
    previous_value: float
    confidence: Confidence = Field(sa_type=enum_type(Confidence))
    note: str | None = Field(default=None, max_length=2000)
    source: CheckInSource = Field(default=CheckInSource.CHAT, sa_type=enum_type(CheckInSource))
    created_at: datetime = Field(default_factory=utcnow, sa_type=UTCDateTime, index=True)
