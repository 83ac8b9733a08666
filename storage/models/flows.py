"""Durable conversation state, approvals, delegations and KR version history."""

from __future__ import annotations

from datetime import date, datetime
from enum import StrEnum

import sqlalchemy as sa
from sqlmodel import Field, SQLModel

from storage.types import UTCDateTime, enum_type, utcnow


class FlowRun(SQLModel, table=True):
    """One person's place in one flow; `version` moves by one on every step (compare-and-set)."""

    __tablename__ = "flow_run"
    __table_args__ = (sa.UniqueConstraint("workspace_id", "person_id", "flow"),)

    id: int | None = Field(default=None, primary_key=True)
    workspace_id: int = Field(foreign_key="workspace.id", index=True)
    person_id: int = Field(foreign_key="person.id", index=True)
    flow: str = Field(max_length=64)
    state: str = Field(max_length=64)
    data: str = Field(default="{}", sa_type=sa.Text, description="the flow's answers as JSON")
    version: int = 1
    started_at: datetime = Field(default_factory=utcnow, sa_type=UTCDateTime)
    updated_at: datetime = Field(default_factory=utcnow, sa_type=UTCDateTime)
    expires_at: datetime = Field(sa_type=UTCDateTime, index=True)


class ApprovalKind(StrEnum):
    OBJECTIVE = "objective"
    ADJUSTMENT = "adjustment"


class ApprovalStatus(StrEnum):
    PENDING = "pending"
    APPROVED = "approved"
    CHANGES_REQUESTED = "changes_requested"
    REJECTED = "rejected"
    WITHDRAWN = "withdrawn"


class ApprovalRequest(SQLModel, table=True):
    """A submitted objective (or KR adjustment) waiting for its owner's manager."""

    __tablename__ = "approval_request"

    id: int | None = Field(default=None, primary_key=True)
    workspace_id: int = Field(foreign_key="workspace.id", index=True)
    objective_id: int = Field(foreign_key="objective.id", index=True)
    kind: ApprovalKind = Field(default=ApprovalKind.OBJECTIVE, sa_type=enum_type(ApprovalKind))
    key_result_id: int | None = Field(
        default=None, foreign_key="key_result.id", index=True, description="an adjustment's KR"
    )
    requester_id: int = Field(foreign_key="person.id", index=True)
    approver_id: int | None = Field(default=None, foreign_key="person.id", index=True)
    status: ApprovalStatus = Field(
        default=ApprovalStatus.PENDING, sa_type=enum_type(ApprovalStatus)
    )
    proposal: str = Field(default="{}", sa_type=sa.Text, description="an adjustment as JSON")
    reason: str | None = Field(default=None, max_length=2000)
    comment: str | None = Field(default=None, max_length=2000)
    decided_by_id: int | None = Field(default=None, foreign_key="person.id")
    decided_at: datetime | None = Field(default=None, sa_type=UTCDateTime)
    created_at: datetime = Field(default_factory=utcnow, sa_type=UTCDateTime)


class Delegation(SQLModel, table=True):
    """`delegate_id` may decide approvals on behalf of `manager_id`, through `until` (a day in
    the manager's time zone; none: until called off)."""

    __table_args__ = (sa.UniqueConstraint("workspace_id", "manager_id", "delegate_id"),)

    id: int | None = Field(default=None, primary_key=True)
    workspace_id: int = Field(foreign_key="workspace.id", index=True)
    manager_id: int = Field(foreign_key="person.id", index=True)
    delegate_id: int = Field(foreign_key="person.id", index=True)
    until: date | None = None


class KeyResultVersion(SQLModel, table=True):
    """One version of a KR's definition; adjustments add a row, never change one."""

    __tablename__ = "key_result_version"
    __table_args__ = (sa.UniqueConstraint("key_result_id", "version"),)

    id: int | None = Field(default=None, primary_key=True)
    workspace_id: int = Field(foreign_key="workspace.id", index=True)
    key_result_id: int = Field(foreign_key="key_result.id", index=True)
    version: int
    title: str = Field(max_length=300)
    start_value: float
    target_value: float
    unit: str | None = Field(default=None, max_length=32)
    weight: float = 1.0
    reason: str | None = Field(default=None, max_length=2000)
    approval_id: int | None = Field(default=None, foreign_key="approval_request.id")
    changed_by_id: int | None = Field(default=None, foreign_key="person.id")
    created_at: datetime = Field(default_factory=utcnow, sa_type=UTCDateTime)
