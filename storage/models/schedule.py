"""Schedule preferences (pause, own day and time) and HR broadcasts."""

from __future__ import annotations

from datetime import date, datetime

import sqlalchemy as sa
from sqlmodel import Field, SQLModel

from storage.types import UTCDateTime, utcnow


class SchedulePreference(SQLModel, table=True):
    """A person's own check-in schedule: paused until a date, or another day and time."""

    __tablename__ = "schedule_preference"
    __table_args__ = (sa.UniqueConstraint("workspace_id", "person_id"),)

    id: int | None = Field(default=None, primary_key=True)
    workspace_id: int = Field(foreign_key="workspace.id", index=True)
    person_id: int = Field(foreign_key="person.id", index=True)
    paused_until: date | None = Field(default=None, description="no prompts before this day")
    checkin_day: str | None = Field(default=None, max_length=3, description="mon … sun")
    checkin_time: str | None = Field(default=None, max_length=5, description="HH:MM, local")
    updated_at: datetime = Field(default_factory=utcnow, sa_type=UTCDateTime)


class Broadcast(SQLModel, table=True):
    """An HR reminder to an audience: a draft until confirmed, then one outbox row a person."""

    id: int | None = Field(default=None, primary_key=True)
    workspace_id: int = Field(foreign_key="workspace.id", index=True)
    created_by_id: int | None = Field(default=None, foreign_key="person.id")
    audience: str = Field(max_length=500, description="audience spec, e.g. dept:Sales")
    text: str = Field(max_length=2000)
    audience_size: int = 0
    reminders: int = Field(default=0, description="how many 'remind the rest' rounds went out")
    created_at: datetime = Field(default_factory=utcnow, sa_type=UTCDateTime)
    confirmed_at: datetime | None = Field(default=None, sa_type=UTCDateTime)
