"""Quarter-end scoring and review (复盘), and objectives carried into the next cycle."""

from __future__ import annotations

from datetime import datetime

import sqlalchemy as sa
from sqlmodel import Field, SQLModel

from storage.types import UTCDateTime, utcnow


class KeyResultScore(SQLModel, table=True):
    """The owner's and the manager's 0.0-1.0 score of one KR."""

    __tablename__ = "key_result_score"
    __table_args__ = (sa.UniqueConstraint("key_result_id"),)

    id: int | None = Field(default=None, primary_key=True)
    workspace_id: int = Field(foreign_key="workspace.id", index=True)
    key_result_id: int = Field(foreign_key="key_result.id")
    owner_score: float | None = None
    manager_score: float | None = None
    updated_at: datetime = Field(default_factory=utcnow, sa_type=UTCDateTime)


class ObjectiveReview(SQLModel, table=True):
    """The owner's retrospective of one objective and the manager's comment."""

    __tablename__ = "objective_review"
    __table_args__ = (sa.UniqueConstraint("objective_id"),)

    id: int | None = Field(default=None, primary_key=True)
    workspace_id: int = Field(foreign_key="workspace.id", index=True)
    objective_id: int = Field(foreign_key="objective.id")
    worked: str | None = Field(default=None, max_length=4000)
    did_not: str | None = Field(default=None, max_length=4000)
    next_steps: str | None = Field(default=None, max_length=4000)
    manager_comment: str | None = Field(default=None, max_length=4000)
    updated_at: datetime = Field(default_factory=utcnow, sa_type=UTCDateTime)


class ObjectiveCarry(SQLModel, table=True):
    """`to_objective_id` continues `from_objective_id` in a later cycle."""

    __tablename__ = "objective_carry"
    __table_args__ = (sa.UniqueConstraint("from_objective_id"),)

    id: int | None = Field(default=None, primary_key=True)
    workspace_id: int = Field(foreign_key="workspace.id", index=True)
    from_objective_id: int = Field(foreign_key="objective.id")
    to_objective_id: int = Field(foreign_key="objective.id")
    created_at: datetime = Field(default_factory=utcnow, sa_type=UTCDateTime)
