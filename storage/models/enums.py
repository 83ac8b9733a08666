"""Enumerations used across the store. Values are what the database holds."""

from enum import StrEnum


class Platform(StrEnum):
    CONSOLE = "console"
    SLACK = "slack"
    FEISHU = "feishu"
    API = "api"
    CLI = "cli"
    IMPORT = "import"  # file imports and SQL pulls, as an audit source
    SCHEDULER = "scheduler"  # scheduled jobs (cycles moved on by the calendar), as an audit source


class Role(StrEnum):
    EMPLOYEE = "employee"
    MANAGER = "manager"
    HR_ADMIN = "hr_admin"
    ADMIN = "admin"


class CycleState(StrEnum):
    PLANNING = "planning"
    ACTIVE = "active"
    REVIEW = "review"
    CLOSED = "closed"


class OwnerType(StrEnum):
    PERSON = "person"
    DEPARTMENT = "department"
    COMPANY = "company"


class ObjectiveStatus(StrEnum):
    DRAFT = "draft"
    PENDING = "pending"
    APPROVED = "approved"
    CHANGES_REQUESTED = "changes_requested"
    REJECTED = "rejected"
    ARCHIVED = "archived"


class Visibility(StrEnum):
    PUBLIC = "public"
    TEAM = "team"
    PRIVATE = "private"


class Metric(StrEnum):
    NUMBER = "number"
    PERCENT = "percent"
    CURRENCY = "currency"
    BOOLEAN = "boolean"
    MILESTONE = "milestone"


class Direction(StrEnum):
    INCREASE = "increase"
    DECREASE = "decrease"


class Confidence(StrEnum):
    ON_TRACK = "on_track"
    AT_RISK = "at_risk"
    OFF_TRACK = "off_track"


class CheckInSource(StrEnum):
    CHAT = "chat"
    API = "api"
    IMPORT = "import"


class KpiDirection(StrEnum):
    HIGHER_IS_BETTER = "higher_is_better"
    LOWER_IS_BETTER = "lower_is_better"


class Frequency(StrEnum):
    DAILY = "daily"
    WEEKLY = "weekly"
    MONTHLY = "monthly"
    QUARTERLY = "quarterly"


class Aggregation(StrEnum):
    SUM = "sum"
    AVG = "avg"
    LAST = "last"


class KpiScope(StrEnum):
    COMPANY = "company"
    DEPARTMENT = "department"
    PERSON = "person"


class ReadingSource(StrEnum):
    CHAT = "chat"
    API = "api"
    IMPORT = "import"
    SQL = "sql"
