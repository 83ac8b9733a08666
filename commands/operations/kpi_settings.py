"""The KPI settings from app.yaml that chat handlers need (pay bands, cap, alert channel).

They travel in `commands.settings.Settings` (ctx.settings); without a config the defaults
below (the bands of the README example) apply.
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

    @classmethod
    def of(cls, config: Any) -> KpiSettings:
        """The KPI sections of a loaded AppConfig."""
        bands = tuple(Band(b.band, b.min_completion) for b in config.pay_bands) or DEFAULT_BANDS
        return cls(bands, config.kpi_assessment.cap, config.kpi_alerts.channel)
