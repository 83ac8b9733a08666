"""Prometheus metrics: one registry per database engine, served at `GET /metrics`.

The core, the outbox senders and the scheduler each hold an engine, so `recorder(engine)`
finds their shared `Metrics` without passing it through every constructor, and two apps in
one process (tests) never mix their figures. The HTTP app creates them (`for_engine`); where
nothing serves /metrics (console chat, CLI) `recorder` answers None and nothing is counted,
and prometheus_client is not even imported. Outbox depth and age are read at scrape time
with one grouped query.
"""

from __future__ import annotations

import logging
import threading
import weakref
from collections.abc import Iterator
from datetime import datetime
from typing import TYPE_CHECKING

import sqlalchemy as sa
from sqlalchemy.engine import Engine
from sqlmodel import col

from storage.types import utcnow

if TYPE_CHECKING:
    from prometheus_client.core import GaugeMetricFamily

log = logging.getLogger("okrbot.metrics")

CONTENT_TYPE = "text/plain; version=0.0.4; charset=utf-8"
LATENCY_BUCKETS = (0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1.0, 2.5, 5.0, 10.0)


class OutboxCollector:
    """`okrbot_outbox_depth` and `okrbot_outbox_oldest_age_seconds`, by platform, at scrape.

    Depth counts messages pending or sending; the age is how long the most overdue of them
    has been due (0 when none is overdue).
    """

    def __init__(self, engine: Engine) -> None:
        self._engine = weakref.ref(engine)

    def collect(self) -> Iterator[GaugeMetricFamily]:
        from prometheus_client.core import GaugeMetricFamily

        from storage.models import OutboxMessage, OutboxStatus, Workspace

        depth = GaugeMetricFamily(
            "okrbot_outbox_depth", "Outbox messages pending or sending", labels=["platform"]
        )
        age = GaugeMetricFamily(
            "okrbot_outbox_oldest_age_seconds",
            "How long the most overdue waiting outbox message has been due",
            labels=["platform"],
        )
        engine = self._engine()
        if engine is None:
            return
        platform = col(Workspace.platform)
        query = (
            sa.select(platform, sa.func.count(), sa.func.min(col(OutboxMessage.due_at)))
            .join(Workspace, col(Workspace.id) == col(OutboxMessage.workspace_id))
            .where(col(OutboxMessage.status).in_([OutboxStatus.PENDING, OutboxStatus.SENDING]))
            .group_by(platform)
        )
        try:
            with engine.connect() as connection:
                rows = connection.execute(query).all()
        except sa.exc.SQLAlchemyError:
            log.warning("metrics: outbox query failed", exc_info=True)
            return
        now = utcnow()
        for value, count, oldest in rows:
            name = getattr(value, "value", str(value))
            depth.add_metric([name], float(count))
            overdue = (now - oldest).total_seconds() if isinstance(oldest, datetime) else 0.0
            age.add_metric([name], max(0.0, overdue))
        yield depth
        yield age


class Metrics:
    """Every okrbot metric, in its own registry."""

    def __init__(self, engine: Engine | None = None) -> None:
        from prometheus_client import CollectorRegistry, Counter, Gauge, Histogram

        self.registry = CollectorRegistry(auto_describe=True)
        r = self.registry
        self.requests = Counter(
            "okrbot_requests",
            "Chat requests (commands and button clicks) handled by the core",
            ["platform", "outcome"],
            registry=r,
        )
        self.handler_seconds = Histogram(
            "okrbot_handler_seconds",
            "Time the core took to answer one request",
            ["platform"],
            buckets=LATENCY_BUCKETS,
            registry=r,
        )
        self.http_requests = Counter(
            "okrbot_http_requests",
            "HTTP requests served, by route and status class",
            ["route", "status"],
            registry=r,
        )
        self.sends = Counter(
            "okrbot_outbox_sends",
            "Outbox send attempts, by platform and outcome (sent, retry, dead, throttled)",
            ["platform", "outcome"],
            registry=r,
        )
        self.send_failures = Counter(
            "okrbot_outbox_send_failures",
            "Outbox sends that did not succeed (retry, dead or throttled)",
            ["platform"],
            registry=r,
        )
        self.ratelimit_waits = Counter(
            "okrbot_ratelimit_waits",
            "Times a sender paused for its own rate limiter or a platform's throttling",
            ["platform", "reason"],
            registry=r,
        )
        self.ratelimit_wait_seconds = Counter(
            "okrbot_ratelimit_wait_seconds",
            "Seconds senders spent pausing for rate limits",
            ["platform"],
            registry=r,
        )
        self.leader = Gauge(
            "okrbot_scheduler_leader", "1 when this replica runs the schedules", registry=r
        )
        self.jobs_run = Counter(
            "okrbot_scheduler_jobs_run",
            "Scheduled job runs, by job and outcome (ok, error)",
            ["job", "outcome"],
            registry=r,
        )
        self.jobs_missed = Counter(
            "okrbot_scheduler_jobs_missed",
            "Scheduled runs APScheduler skipped (missed their misfire grace time)",
            ["job"],
            registry=r,
        )
        if engine is not None:
            r.register(OutboxCollector(engine))


_by_engine: weakref.WeakKeyDictionary[Engine, Metrics] = weakref.WeakKeyDictionary()
_lock = threading.Lock()


def for_engine(engine: Engine) -> Metrics:
    """The metrics of the app running on `engine` (created on first use)."""
    with _lock:
        found = _by_engine.get(engine)
        if found is None:
            found = _by_engine[engine] = Metrics(engine)
        return found


def recorder(engine: Engine) -> Metrics | None:
    """The metrics of `engine` when an HTTP app serves them, else None (count nothing)."""
    return _by_engine.get(engine)


def job_name(job_id: str) -> str:
    """`checkin_prompt@Asia/Shanghai@mon@10:00` → `checkin_prompt` (bounded label values)."""
    return job_id.split("@", 1)[0]
