"""app.yaml: the company's settings, validated on load with errors naming key and line."""

from __future__ import annotations

import os
from datetime import date
from pathlib import Path
from typing import Annotated, Any, Literal
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

import yaml
from pydantic import (
    BaseModel,
    ConfigDict,
    Discriminator,
    Field,
    Tag,
    ValidationError,
    field_validator,
    model_validator,
)

from commands.words import KPI_DIRECTION_WORDS, normalise
from storage import cycle_names
from storage import kpi_target_rules as kpi_targets
from storage.cycle_calendar import Cadence
from storage.db import DEFAULT_DATABASE_URL
from storage.models.enums import Aggregation, CycleState, Frequency, KpiDirection

_Loader: Any = getattr(yaml, "CSafeLoader", yaml.SafeLoader)

CONFIG_ENV = "OKRBOT_CONFIG"
DATABASE_URL_ENV = "OKRBOT_DATABASE_URL"


class ConfigError(Exception):
    """app.yaml is missing, not YAML, or does not validate. The message says where."""


class _Section(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)


def _check_timezone(value: str) -> str:
    try:
        ZoneInfo(value)
    except (ZoneInfoNotFoundError, ValueError) as error:
        raise ValueError(
            f"unknown time zone {value!r} (use an IANA name like Asia/Shanghai)"
        ) from error
    return value


class CompanyConfig(_Section):
    name: str = "My Company"
    workspace: str = Field(default="default", pattern=r"^[a-z0-9][a-z0-9_-]{0,63}$")
    timezone: str = "UTC"
    language: Literal["en", "zh-CN"] = "en"
    admins: list[str] = Field(
        default_factory=list,
        description="emails of the company workspace's admins (the first admin, before chat)",
    )

    _tz = field_validator("timezone")(_check_timezone)


class DatabaseConfig(_Section):
    url: str = DEFAULT_DATABASE_URL


class CycleCadenceConfig(_Section):
    """Cycles by the calendar: every quarter (half, year) of the company year, named and moved
    on by okrbot (`2027-Q1`, `2027-H1`, `2027`), so app.yaml is right in any year."""

    cadence: Cadence
    first_month: int = Field(default=1, ge=1, le=12, description="the company year's first month")
    plan_ahead: int = Field(
        default=1, ge=0, le=4, description="cycles set up for planning before they start"
    )


class CycleConfig(_Section):
    name: str = Field(pattern=cycle_names.PATTERN)
    start: date
    end: date
    state: CycleState = CycleState.PLANNING

    @model_validator(mode="after")
    def _ordered(self) -> CycleConfig:
        if self.end <= self.start:
            raise ValueError("end must be after start")
        return self


Weekday = Literal["mon", "tue", "wed", "thu", "fri", "sat", "sun"]


def _weekdays() -> list[Weekday]:
    return ["mon", "tue", "wed", "thu", "fri"]


TIME_PATTERN = r"^([01]\d|2[0-3]):[0-5]\d$"


class CheckinConfig(_Section):
    day: Weekday = "mon"
    time: str = Field(default="10:00", pattern=TIME_PATTERN)
    nudge_day: Weekday | None = "wed"
    skip_if_updated_within_days: int = Field(default=3, ge=0)
    working_days: list[Weekday] = Field(default_factory=_weekdays)
    escalate_after_missed: int = Field(default=2, ge=0, description="0 switches it off")
    escalation_day: Weekday = "fri"
    catch_up_hours: int = Field(
        default=12, ge=1, le=96, description="a prompt missed by downtime is sent this late"
    )


class DigestSchedule(_Section):
    enabled: bool = True
    day: Weekday = "fri"
    time: str = Field(default="16:00", pattern=TIME_PATTERN)


def _hr_digest() -> DigestSchedule:
    return DigestSchedule(time="17:00")


class DigestsConfig(_Section):
    manager: DigestSchedule = Field(default_factory=DigestSchedule)
    hr: DigestSchedule = Field(default_factory=_hr_digest)


class SchedulerConfig(_Section):
    enabled: bool = True
    misfire_grace_seconds: int = Field(default=3600, ge=1)
    sweep_minutes: int = Field(default=15, ge=1, description="catch-up pass over every job")
    leader_poll_seconds: float = Field(default=5, gt=0, le=25)


class FlowsConfig(_Section):
    """Question-by-question flows (check-in, adjustment, new objective, review)."""

    idle_timeout_minutes: int = Field(
        default=1440, ge=1, le=43200, description="a flow waiting this long for an answer expires"
    )


class RateLimitConfig(_Section):
    per_second: float = Field(gt=0)
    per_minute: float | None = Field(default=None, gt=0)
    per_recipient: float | None = Field(default=None, gt=0, description="per person, per second")
    burst: float = Field(default=1, ge=1)


def _slack_limit() -> RateLimitConfig:
    return RateLimitConfig(per_second=5, per_recipient=1)


def _feishu_limit() -> RateLimitConfig:
    return RateLimitConfig(per_second=50, per_minute=1000, per_recipient=5)


class DeliveryConfig(_Section):
    enabled: bool = True
    batch: int = Field(default=50, ge=1, le=1000)
    lease_seconds: float = Field(default=120, ge=5)
    max_attempts: int = Field(default=8, ge=1)
    backoff_seconds: float = Field(default=30, gt=0)
    concurrency: int = Field(default=4, ge=1, le=32, description="sends in flight per sender")
    slack: RateLimitConfig = Field(default_factory=_slack_limit)
    feishu: RateLimitConfig = Field(default_factory=_feishu_limit)

    @model_validator(mode="after")
    def _batch_fits_the_lease(self) -> DeliveryConfig:
        """A sender paces its batch at the platform's rate; the batch must go out well within
        the lease, or its last rows sit leased but unsent while other replicas wait (senders
        renew each lease before sending, so this costs time, never a duplicate)."""
        for name, limit in (("slack", self.slack), ("feishu", self.feishu)):
            rate = limit.per_second
            if limit.per_minute is not None:
                rate = min(rate, limit.per_minute / 60)
            seconds = self.batch / rate
            if seconds > self.lease_seconds / 2:
                fits = max(1, int(rate * self.lease_seconds / 2))
                raise ValueError(
                    f"delivery.batch {self.batch} at {name}'s {rate:g} messages a second takes "
                    f"{seconds:g} s, more than half of delivery.lease_seconds "
                    f"({self.lease_seconds:g} s): lower batch to {fits} or less, or raise "
                    f"lease_seconds to {2 * seconds:g} or more"
                )
        return self


class KpiThresholdConfig(_Section):
    warning: float | None = None
    critical: float | None = None


class KpiTargetConfig(_Section):
    """A target of the cascade: `scope` is `company`, `department:NAME` or `person:EMAIL`;
    no `period` means every period (a target for a narrower period wins)."""

    scope: str
    target: float
    warning: float | None = None
    critical: float | None = None
    period: str | None = None

    @field_validator("scope")
    @classmethod
    def _scope(cls, value: str) -> str:
        try:
            kpi_targets.parse_scope_text(value)
        except kpi_targets.TargetError:
            raise ValueError(
                f"{value!r} is not a scope: use company, department:NAME or person:EMAIL"
            ) from None
        return value

    @field_validator("period")
    @classmethod
    def _period(cls, value: str | None) -> str | None:
        try:
            kpi_targets.check_period(value)
        except kpi_targets.TargetError:
            raise ValueError(f"{value!r} is not a period: use 2026, 2026-Q4 or 2026-11") from None
        return value


class KpiConfig(_Section):
    code: str = Field(pattern=r"^[A-Z][A-Z0-9_]{0,63}$")
    name: str
    name_zh: str | None = None
    unit: str | None = None
    direction: KpiDirection
    frequency: Frequency = Frequency.MONTHLY
    aggregation: Aggregation = Aggregation.LAST
    min: float | None = Field(default=None, description="lowest possible reading")
    max: float | None = Field(default=None, description="highest possible reading")
    targets: list[KpiTargetConfig] = Field(default_factory=list)

    @field_validator("direction", mode="before")
    @classmethod
    def _direction_word(cls, value: Any) -> Any:
        """`lower`, `decrease`, `越低越好` … as well as `lower_is_better`."""
        if isinstance(value, str):
            return KPI_DIRECTION_WORDS.get(normalise(value.strip()), value)
        return value

    @model_validator(mode="after")
    def _thresholds(self) -> KpiConfig:
        if self.min is not None and self.max is not None and self.min >= self.max:
            raise ValueError(
                f"{self.code}: min ({self.min:g}) must be below max ({self.max:g}),"
                " or no reading could ever be recorded"
            )
        for target in self.targets:
            outside = [
                f"{name} {value:g}"
                for name, value in (
                    ("target", target.target),
                    ("warning", target.warning),
                    ("critical", target.critical),
                )
                if value is not None
                and (
                    (self.min is not None and value < self.min)
                    or (self.max is not None and value > self.max)
                )
            ]
            if outside:
                raise ValueError(
                    f"{self.code} {target.scope}: {', '.join(outside)} lies outside the KPI's"
                    f" bounds (min {_bound(self.min)}, max {_bound(self.max)})"
                )
            try:
                kpi_targets.check_thresholds(
                    self.direction, target.target, target.warning, target.critical
                )
            except kpi_targets.TargetError as error:
                from digests.i18n import translate

                message = translate("en", f"kpi.target.error.{error.reason}", **error.params)
                raise ValueError(f"{self.code} {target.scope}: {message}") from None
        return self


def _bound(value: float | None) -> str:
    return "none" if value is None else f"{value:g}"


class PayBandConfig(_Section):
    band: str
    min_completion: float = Field(description="lowest completion rate, in percent, of this band")


class PullSchedule(_Section):
    """When the scheduler pulls a SQL source, in the company's time zone (default daily 06:00)."""

    every: Literal["hour", "day", "week", "month"] = "day"
    time: str = Field(default="06:00", pattern=TIME_PATTERN, description="hourly: the minutes")
    day: Weekday = Field(default="mon", description="weekly: the day")
    day_of_month: int = Field(default=1, ge=1, le=28, description="monthly: the day")


class KpiSourceConfig(_Section):
    """A scheduled SQL pull: a read-only query returning scope, period, value for one KPI."""

    name: str = Field(pattern=r"^[a-z0-9][a-z0-9_-]{0,63}$")
    kpi: str = Field(pattern=r"^[A-Z][A-Z0-9_]{0,63}$")
    url_env: str = Field(description="environment variable holding the read-only database URL")
    query: str
    schedule: PullSchedule = Field(default_factory=PullSchedule)


class KpiAlertsConfig(_Section):
    channel: str | None = Field(default=None, description="channel that gets alert summaries")


class HttpConfig(_Section):
    """What one HTTP request to `okrbot serve` may cost (Slack and Feishu send small bodies)."""

    max_body_bytes: int = Field(default=1024 * 1024, ge=1024, description="413 above this")
    body_timeout_seconds: float = Field(
        default=10, gt=0, le=300, description="408 when a body takes longer to arrive"
    )


class KpiApiConfig(_Section):
    """`POST /api/v1/kpi/readings`: its own body limit and per-token rate limits."""

    max_body_bytes: int = Field(default=5 * 1024 * 1024, ge=1024)
    requests_per_minute: int = Field(default=120, ge=1, description="per token, per replica")
    burst: int = Field(default=20, ge=1)
    failed_auth_per_minute: int = Field(
        default=10, ge=1, description="wrong or revoked tokens per client address, per replica"
    )


class KpiAssessmentConfig(_Section):
    cap: float = Field(default=150, gt=0, description="completion rate cap, in percent")


class SlackConfig(_Section):
    enabled: bool = False
    api_base_url: str = "https://slack.com/api/"
    bot_token_env: str = "SLACK_BOT_TOKEN"
    signing_secret_env: str = "SLACK_SIGNING_SECRET"
    app_token_env: str = "SLACK_APP_TOKEN"
    client_id_env: str = "SLACK_CLIENT_ID"
    client_secret_env: str = "SLACK_CLIENT_SECRET"


class FeishuConfig(_Section):
    enabled: bool = False
    domain: str = "https://open.feishu.cn"
    app_id_env: str = "FEISHU_APP_ID"
    app_secret_env: str = "FEISHU_APP_SECRET"
    verification_token_env: str = "FEISHU_VERIFICATION_TOKEN"
    encrypt_key_env: str = "FEISHU_ENCRYPT_KEY"
    long_connection: bool = False
    replay_window_seconds: int = Field(default=300, ge=1)


class LoggingConfig(_Section):
    """`okrbot serve`'s logs; `auto` is JSON lines unless stderr is a terminal."""

    format: Literal["auto", "json", "text"] = "auto"
    level: Literal["DEBUG", "INFO", "WARNING", "ERROR", "CRITICAL"] = "INFO"

    @field_validator("level", mode="before")
    @classmethod
    def _upper(cls, value: object) -> object:
        return value.upper() if isinstance(value, str) else value


class RetentionConfig(_Section):
    """How long personal free text and delivery logs are kept; null keeps them for ever."""

    checkin_notes_days: int | None = Field(
        default=None, ge=1, description="check-in notes older than this are blanked"
    )
    delivery_log_days: int | None = Field(
        default=None, ge=1, description="sent and dead outbox messages older than this go"
    )
    processed_events_days: int | None = Field(
        default=None, ge=1, description="platform event ids (retry dedupe) older than this go"
    )


def _cycles_kind(value: Any) -> str:
    """`cycles:` is a list of dated cycles or a mapping naming a cadence."""
    return "[cadence]" if isinstance(value, dict | CycleCadenceConfig) else "[dated]"


class AppConfig(_Section):
    """The whole of app.yaml."""

    company: CompanyConfig = Field(default_factory=CompanyConfig)
    database: DatabaseConfig = Field(default_factory=DatabaseConfig)
    cycles: Annotated[
        Annotated[list[CycleConfig], Tag("[dated]")]
        | Annotated[CycleCadenceConfig, Tag("[cadence]")],
        Discriminator(_cycles_kind),
    ] = Field(default_factory=list)
    checkins: CheckinConfig = Field(default_factory=CheckinConfig)
    kpis: list[KpiConfig] = Field(default_factory=list)
    pay_bands: list[PayBandConfig] = Field(default_factory=list)
    kpi_sources: list[KpiSourceConfig] = Field(default_factory=list)
    kpi_alerts: KpiAlertsConfig = Field(default_factory=KpiAlertsConfig)
    kpi_assessment: KpiAssessmentConfig = Field(default_factory=KpiAssessmentConfig)
    kpi_api: KpiApiConfig = Field(default_factory=KpiApiConfig)
    http: HttpConfig = Field(default_factory=HttpConfig)
    slack: SlackConfig = Field(default_factory=SlackConfig)
    feishu: FeishuConfig = Field(default_factory=FeishuConfig)
    digests: DigestsConfig = Field(default_factory=DigestsConfig)
    scheduler: SchedulerConfig = Field(default_factory=SchedulerConfig)
    delivery: DeliveryConfig = Field(default_factory=DeliveryConfig)
    flows: FlowsConfig = Field(default_factory=FlowsConfig)
    logging: LoggingConfig = Field(default_factory=LoggingConfig)
    retention: RetentionConfig = Field(default_factory=RetentionConfig)

    @property
    def database_url(self) -> str:
        """`$OKRBOT_DATABASE_URL` when set, else `database.url`."""
        return os.environ.get(DATABASE_URL_ENV) or self.database.url


def find_config_path(explicit: Path | None) -> Path | None:
    """`--config PATH`, else `$OKRBOT_CONFIG`, else `./app.yaml` when it exists."""
    if explicit is not None:
        return explicit
    from_env = os.environ.get(CONFIG_ENV)
    if from_env:
        return Path(from_env)
    default = Path("app.yaml")
    return default if default.exists() else None


def load_config(explicit: Path | None = None) -> AppConfig:
    """Find and validate app.yaml; built-in defaults when there is none."""
    path = find_config_path(explicit)
    if path is None:
        return AppConfig()
    if not path.exists():
        raise ConfigError(f"{path}: no such file")
    return parse_config(path.read_text(encoding="utf-8"), source=str(path))


def parse_config(text: str, *, source: str = "app.yaml") -> AppConfig:
    """Validate YAML text; a ConfigError names the key, the line and what is wrong."""
    try:
        data = yaml.load(text, Loader=_Loader)
    except yaml.YAMLError as error:
        raise ConfigError(f"{source}: not valid YAML: {error}") from error
    if data is None:
        data = {}
    if not isinstance(data, dict):
        raise ConfigError(f"{source}: the top level must be a mapping of sections")
    try:
        return AppConfig.model_validate(data)
    except ValidationError as error:
        root = yaml.compose(text, Loader=_Loader)  # node positions, only needed to explain
        count = error.error_count()
        lines = [f"{source}: {count} problem{'' if count == 1 else 's'}:"]
        for problem in error.errors():
            # `[dated]` / `[cadence]` name which form of a key was meant; not a key themselves.
            loc = tuple(p for p in problem["loc"] if not str(p).startswith("["))
            key = ".".join(str(part) for part in loc)
            line = _line_of(root, loc)
            where = f"line {line}: " if line else ""
            lines.append(f"  {where}{key}: {_describe(problem)}")
        raise ConfigError("\n".join(lines)) from error


def _describe(problem: Any) -> str:
    if problem["type"] == "extra_forbidden":
        return "unknown key (check the spelling; see the configuration reference in README.md)"
    message = str(problem["msg"])
    return message.removeprefix("Value error, ")


def _line_of(node: yaml.Node | None, loc: tuple[Any, ...]) -> int | None:
    """The 1-based line of the YAML node at a pydantic error location."""
    best = node
    for part in loc:
        if isinstance(node, yaml.MappingNode):
            match = next((v for k, v in node.value if k.value == part), None)
            if match is None:
                key_node = next((k for k, _ in node.value if k.value == part), None)
                return key_node.start_mark.line + 1 if key_node else _mark(best)
            node = match
        elif isinstance(node, yaml.SequenceNode) and isinstance(part, int):
            if part >= len(node.value):
                return _mark(best)
            node = node.value[part]
        else:
            break
        best = node
    return _mark(best)


def _mark(node: yaml.Node | None) -> int | None:
    return node.start_mark.line + 1 if node is not None else None
