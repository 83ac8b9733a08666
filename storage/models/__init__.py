"""All table models; importing this package registers them on SQLModel.metadata."""

from sqlmodel import SQLModel

# Stable constraint names, so migrations (and their downgrades) can refer to them.
SQLModel.metadata.naming_convention = {
    "ix": "ix_%(table_name)s_%(column_0_N_name)s",
    "uq": "uq_%(table_name)s_%(column_0_N_name)s",
    "ck": "ck_%(table_name)s_%(constraint_name)s",
    "fk": "fk_%(table_name)s_%(column_0_name)s_%(referred_table_name)s",
    "pk": "pk_%(table_name)s",
}

# ruff: noqa: E402

from storage.models.audit import AuditLog
from storage.models.enums import (
    Aggregation,
    CheckInSource,
    Confidence,
    CycleState,
    Direction,
    Frequency,
    KpiDirection,
    KpiScope,
    Metric,
    ObjectiveStatus,
    OwnerType,
    Platform,
    ReadingSource,
    Role,
    Visibility,
)
from storage.models.events import ProcessedEvent
from storage.models.flows import (
    ApprovalKind,
    ApprovalRequest,
    ApprovalStatus,
    Delegation,
    FlowRun,
    KeyResultVersion,
)
from storage.models.kpi import (
    CorrectionStatus,
    KpiCorrection,
    KpiDefinition,
    KpiPeriodClose,
    KpiReading,
    KpiTarget,
)
from storage.models.kpi_alert import AlertState, KpiAlert, KpiFeedback
from storage.models.kpi_token import KpiApiToken
from storage.models.kr_kpi_link import KrKpiLink
from storage.models.okr import CheckIn, Cycle, KeyResult, Objective
from storage.models.org import Department, Person, PersonIdentity, PlatformMiss, Workspace
from storage.models.outbox import OutboxMessage, OutboxStatus, RatePace
from storage.models.review import KeyResultScore, ObjectiveCarry, ObjectiveReview
from storage.models.schedule import Broadcast, SchedulePreference

__all__ = [
    "Aggregation",
    "AlertState",
    "ApprovalKind",
    "ApprovalRequest",
    "ApprovalStatus",
    "AuditLog",
    "Broadcast",
    "CheckIn",
    "CheckInSource",
    "Confidence",
    "CorrectionStatus",
    "Cycle",
    "CycleState",
    "Delegation",
    "Department",
    "Direction",
    "FlowRun",
    "Frequency",
    "KeyResult",
    "KeyResultScore",
    "KeyResultVersion",
    "KpiAlert",
    "KpiApiToken",
    "KpiCorrection",
    "KpiDefinition",
    "KpiDirection",
    "KpiFeedback",
    "KpiPeriodClose",
    "KpiReading",
    "KpiScope",
    "KpiTarget",
    "KrKpiLink",
    "Metric",
    "Objective",
    "ObjectiveCarry",
    "ObjectiveReview",
    "ObjectiveStatus",
    "OutboxMessage",
    "OutboxStatus",
    "OwnerType",
    "Person",
    "PersonIdentity",
    "Platform",
    "PlatformMiss",
    "ProcessedEvent",
    "RatePace",
    "ReadingSource",
    "Role",
    "SchedulePreference",
    "Visibility",
    "Workspace",
]
