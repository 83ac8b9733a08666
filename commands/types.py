"""Typed commands: what the grammar produces and the handlers consume."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date
from enum import StrEnum
from typing import Any

from storage.models.enums import Aggregation, Confidence, Frequency, KpiDirection


class ValueKind(StrEnum):
    PLAIN = "plain"
    PERCENT = "percent"
    CURRENCY = "currency"
    BOOLEAN = "boolean"


@dataclass(frozen=True)
class Value:
    """A number as typed: `65`, `65%`, `1.2k`, `¥1,000,000`, `yes`."""

    amount: float
    kind: ValueKind = ValueKind.PLAIN
    currency: str | None = None
    text: str = ""
    added: bool = False  # typed with a `+`: in a check-in, an amount to add to the current value


@dataclass(frozen=True)
class OkrList:
    person: str | None = None
    cycle: str | None = None  # any cycle by name; none: the current one


@dataclass(frozen=True)
class OkrUpdate:
    kr_number: int
    value: Value
    confidence: Confidence | None = None
    note: str | None = None


@dataclass(frozen=True)
class OkrUpdateMany:
    """Several KRs in one line (`KR-1 4, KR-2 6.2m at-risk; KR-3 2.5`): recorded together or
    not at all."""

    updates: tuple[OkrUpdate, ...]


@dataclass(frozen=True)
class OkrShow:
    objective_number: int
    kr_number: int | None = None  # `/okr show KR-n`: the objective KR-n belongs to


@dataclass(frozen=True)
class OkrTeam:
    """A manager's direct reports: objective progress, confidence, pending approvals."""


@dataclass(frozen=True)
class Help:
    topic: str = "all"


@dataclass(frozen=True)
class KpiList:
    pass


@dataclass(frozen=True)
class KpiShow:
    code: str


@dataclass(frozen=True)
class KpiRecord:
    code: str
    value: Value
    period: str | None = None


@dataclass(frozen=True)
class OkrNew:
    scope: str = "person"


@dataclass(frozen=True)
class OkrEdit:
    objective_number: int


@dataclass(frozen=True)
class OkrEditField:
    """Change one field of a draft: the objective's title (`kr_number` None) or a KR's title,
    target, start, unit or weight; `value` as typed."""

    objective_number: int
    kr_number: int | None
    field: str
    value: str


@dataclass(frozen=True)
class OkrSubmit:
    """Send a draft (again) for approval."""

    objective_number: int


@dataclass(frozen=True)
class OkrDecide:
    decision: str
    objective_number: int | None
    comment: str | None = None
    kr_number: int | None = None  # `/okr approve KR-n`: that KR's pending adjustment


@dataclass(frozen=True)
class FlowCancel:
    pass


@dataclass(frozen=True)
class KpiTree:
    code: str
    period: str | None = None


@dataclass(frozen=True)
class KpiAssess:
    person: str | None = None
    period: str | None = None


@dataclass(frozen=True)
class KpiFeedbackSend:
    """`/kpi feedback CODE|KR-n @person TEXT`: where the name ends is decided by who exists."""

    person_and_text: str
    code: str = ""
    kr_number: int | None = None


@dataclass(frozen=True)
class KpiCorrectionAct:
    """`/kpi correction approve|reject N`: HR's decision on a closed period's change."""

    correction_id: int
    approve: bool


@dataclass(frozen=True)
class KpiFeedbackReply:
    feedback_id: int
    text: str


@dataclass(frozen=True)
class KpiAlertAct:
    """`/kpi ack N`, `/kpi assign N @person`: an alert's buttons, typed."""

    alert_id: int
    act: str  # "ack" or "assign"
    person: str = ""


@dataclass(frozen=True)
class KpiDefine:
    """Add or change an indicator of the library; None leaves a field as it is."""

    code: str
    name: str | None = None
    name_zh: str | None = None
    unit: str | None = None
    direction: KpiDirection | None = None
    frequency: Frequency | None = None
    aggregation: Aggregation | None = None


@dataclass(frozen=True)
class OkrPause:
    """Stop check-in prompts before `until`; None resumes them."""

    until: date | None = None


@dataclass(frozen=True)
class OkrPromptTime:
    """A person's own check-in day (`mon` … `sun`) and time (`HH:MM`); None: the default."""

    day: str | None = None
    time: str | None = None


@dataclass(frozen=True)
class OkrScore:
    """Score an objective's KRs and write its review (the owner), or add the manager's."""

    objective_number: int


@dataclass(frozen=True)
class OkrReview:
    """A cycle's review report: `scope` is person (`subject` names them, None: me), team or
    department (`subject` names it, None: mine); `cycle` None: the cycle in review."""

    scope: str = "person"
    subject: str | None = None
    cycle: str | None = None


@dataclass(frozen=True)
class HrBroadcast:
    """`audience` and `text`; or, for `department:…`, `departments_and_text` to be told apart by
    the department names that exist ("Machining Workshop Reviews due")."""

    audience: str
    text: str
    confirm: bool = False
    departments_and_text: str = ""


@dataclass(frozen=True)
class HrStatus:
    broadcast_id: int | None = None


@dataclass(frozen=True)
class KpiTargetSet:
    """`/kpi target CODE SCOPE TARGET [warning W] [critical C] [PERIOD]`."""

    code: str
    scope: str
    target: Value
    warning: Value | None = None
    critical: Value | None = None
    period: str | None = None


@dataclass(frozen=True)
class OkrDelegate:
    """`/okr delegate @person [until DATE]`; `person` None calls the delegation off."""

    person: str | None = None
    until: date | None = None


@dataclass(frozen=True)
class KpiPeriodAct:
    """`/kpi period close|open PERIOD` or `/kpi period` (the closed ones)."""

    action: str = "list"
    period: str | None = None


@dataclass(frozen=True)
class HrRole:
    """`/hr role @person ROLE`: an admin gives someone a role."""

    person: str
    role: str


@dataclass(frozen=True)
class HrAudit:
    """Who changed what: by one person (the actor), within inclusive days."""

    person: str | None = None
    since: date | None = None
    until: date | None = None


@dataclass(frozen=True)
class OkrLink:
    """Link a KR with a KPI (`remove`: unlink); no code lists the KR's links."""

    kr_number: int
    code: str | None = None
    remove: bool = False


@dataclass(frozen=True)
class HrInsights:
    """The org health view: check-in rate, KRs at risk, approval turnaround, KPI alerts."""


@dataclass(frozen=True)
class OkrMap:
    """The alignment map: around one objective, a person, a department, or everything."""

    objective_number: int | None = None
    subject: str | None = None
    everything: bool = False


@dataclass(frozen=True)
class OkrCycle:
    """`list`, `open NAME [START END]` or `close NAME [carry [to CYCLE]]`."""

    action: str = "list"
    name: str | None = None
    start: date | None = None
    end: date | None = None
    carry: bool = False
    carry_to: str | None = None
    confirm: bool = False


@dataclass(frozen=True)
class OkrCarry:
    """Carry an unfinished objective into a later cycle (the next one by default)."""

    objective_number: int
    cycle: str | None = None


@dataclass(frozen=True)
class OkrCheckin:
    """The guided check-in: each of the person's active KRs in turn."""


@dataclass(frozen=True)
class OkrAdjust:
    """Propose a change to a KR (a new target now, or step by step); the manager approves."""

    kr_number: int
    target: Value | None = None
    reason: str | None = None
    title: str | None = None  # `KR-n TITLE | TARGET REASON`: a new title with the target


Command = (
    OkrList
    | OkrUpdate
    | OkrUpdateMany
    | OkrShow
    | OkrTeam
    | Help
    | KpiList
    | KpiShow
    | KpiRecord
    | KpiTree
    | KpiAssess
    | KpiFeedbackSend
    | KpiFeedbackReply
    | KpiCorrectionAct
    | KpiAlertAct
    | KpiDefine
    | OkrNew
    | OkrEdit
    | OkrEditField
    | OkrSubmit
    | OkrDecide
    | FlowCancel
    | OkrPause
    | OkrPromptTime
    | HrBroadcast
    | HrStatus
    | HrInsights
    | OkrLink
    | HrAudit
    | HrRole
    | KpiPeriodAct
    | OkrDelegate
    | KpiTargetSet
    | OkrMap
    | OkrCycle
    | OkrCarry
    | OkrScore
    | OkrReview
    | OkrCheckin
    | OkrAdjust
)


@dataclass
class CommandError(Exception):
    """Bad input. `key` names a catalog message; `usage` names the command whose usage to show."""

    key: str
    params: dict[str, Any] = field(default_factory=dict)
    usage: str | None = None

    def __str__(self) -> str:
        return f"{self.key} {self.params}"
