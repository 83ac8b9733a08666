"""The KPI settings from app.yaml that chat handlers need (pay bands, cap, alert channel).

`configure` is called when app.yaml is loaded (bot.runtime); until then the defaults below
(the bands of the README example) apply.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from storage.kpi_assessment import Band

DEFAULT_BANDS = (
    Band("bonus", 120),
    Band("full", 100),
    Band("partial", 80),
    Band("deduction", 0),
)


@dataclass(frozen=True)
class KpiSettings:
    bands: tuple[Band, ...] = DEFAULT_BANDS
    cap: float = 150.0
    alert_channel: str | None = None


_current = [KpiSettings()]


def configure(config: Any) -> KpiSettings:
    """Take the KPI sections of a loaded AppConfig."""
    bands = tuple(Band(b.band, b.min_completion) for b in config.pay_bands) or DEFAULT_BANDS
    settings = KpiSettings(bands, config.kpi_assessment.cap, config.kpi_alerts.channel)
    _current[0] = settings
    return settings


def current() -> KpiSettings:
    """The settings in force."""
    return _current[0]
