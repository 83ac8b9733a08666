"""The app.yaml settings handlers, flows and operations read: passed in with each request's
Context (built once at start-up from the config), never kept in a module global."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import timedelta
from typing import Any

from commands.operations.kpi_settings import KpiSettings

DEFAULT_FLOW_IDLE_MINUTES = 1440


@dataclass(frozen=True)
class Settings:
    kpi: KpiSettings = field(default_factory=KpiSettings)
    flow_idle_minutes: int = DEFAULT_FLOW_IDLE_MINUTES  # app.yaml `flows.idle_timeout_minutes`

    @property
    def flow_idle(self) -> timedelta:
        """How long a flow waits for an answer before it expires."""
        return timedelta(minutes=self.flow_idle_minutes)


def settings_of(config: Any) -> Settings:
    """The settings of a loaded AppConfig."""
    return Settings(
        kpi=KpiSettings.of(config),
        flow_idle_minutes=config.flows.idle_timeout_minutes,
    )
