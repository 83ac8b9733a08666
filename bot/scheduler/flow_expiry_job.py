"""The flow expiry job: every few minutes, close question-by-question flows left idle longer
than `flows.idle_timeout_minutes` and tell each person once (flows.expiry)."""

from __future__ import annotations

from datetime import UTC

from apscheduler.triggers.cron import CronTrigger

from bot.config import AppConfig
from bot.scheduler.context import JobRun
from storage.db import session_scope

EVERY_MINUTES = 5


def expiry_triggers(config: AppConfig) -> dict[str, CronTrigger]:
    """Every five minutes (the sweep runs it too)."""
    return {"flow_expiry@every5min": CronTrigger(minute=f"*/{EVERY_MINUTES}", timezone=UTC)}


def expire_flows(run: JobRun) -> int:
    """Close the idle flows; how many people were told."""
    from bot.wiring import default_wiring
    from flows.expiry import expire_idle

    with session_scope(run.engine) as session:
        return expire_idle(session=session, now=run.now, flows=default_wiring().flow)
