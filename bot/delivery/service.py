"""The outbox senders `okrbot serve` runs: one thread per enabled platform."""

from __future__ import annotations

import threading
from typing import TYPE_CHECKING

from bot.delivery.outcome import Transport
from bot.delivery.ratelimit import Limiter
from bot.delivery.shared_budget import SharedBudget, shared_budget_for
from bot.delivery.worker import OutboxWorker, WorkerSettings

if TYPE_CHECKING:
    from bot.config import DeliveryConfig, RateLimitConfig
    from bot.runtime import Runtime


def limiter_of(config: RateLimitConfig) -> Limiter:
    """A limiter with the configured (or published default) limits of one platform."""
    return Limiter(
        per_second=config.per_second,
        per_minute=config.per_minute,
        per_recipient=config.per_recipient,
        burst=config.burst,
    )


def budget_of(runtime: Runtime, platform: str, config: RateLimitConfig) -> SharedBudget | None:
    """The platform's rate shared by every replica (PostgreSQL), None on SQLite."""
    return shared_budget_for(runtime.engine, platform, config.per_second, config.per_minute)


def settings_of(config: DeliveryConfig) -> WorkerSettings:
    return WorkerSettings(
        batch=config.batch,
        lease_seconds=config.lease_seconds,
        max_attempts=config.max_attempts,
        backoff_seconds=config.backoff_seconds,
        concurrency=config.concurrency,
    )


def _slack_transport(runtime: Runtime) -> Transport:
    from bot.slack.credentials import credentials_from_env
    from bot.slack.sender import SlackSender, client_factory, installed_token_lookup

    credentials = credentials_from_env(runtime.config.slack)
    token_for = None
    if credentials.oauth and not credentials.bot_token:
        token_for = installed_token_lookup(runtime.engine, credentials.client_id or "")
    return SlackSender(
        client_factory(
            base_url=runtime.config.slack.api_base_url,
            bot_token=credentials.bot_token,
            token_for=token_for,
        )
    )


def _feishu_transport(runtime: Runtime) -> Transport:
    from bot.feishu.api import build_client
    from bot.feishu.credentials import credentials_from_env
    from bot.feishu.sender import FeishuSender

    credentials = credentials_from_env(runtime.config.feishu)
    return FeishuSender(build_client(credentials, runtime.config.feishu.domain))


class DeliveryService:
    """Drains the outbox for Slack and Feishu in background threads."""

    name = "outbox-sender"

    def __init__(self, runtime: Runtime) -> None:
        self.runtime = runtime
        self._stop = threading.Event()
        self._threads: list[threading.Thread] = []

    def workers(self) -> list[OutboxWorker]:
        config = self.runtime.config
        settings = settings_of(config.delivery)
        found: list[OutboxWorker] = []
        if config.slack.enabled:
            transport = _slack_transport(self.runtime)
            found.append(
                OutboxWorker(
                    self.runtime.engine,
                    transport,
                    limiter_of(config.delivery.slack),
                    settings=settings,
                    budget=budget_of(self.runtime, "slack", config.delivery.slack),
                )
            )
        if config.feishu.enabled:
            transport = _feishu_transport(self.runtime)
            found.append(
                OutboxWorker(
                    self.runtime.engine,
                    transport,
                    limiter_of(config.delivery.feishu),
                    settings=settings,
                    budget=budget_of(self.runtime, "feishu", config.delivery.feishu),
                )
            )
        return found

    def start(self) -> None:
        for worker in self.workers():
            thread = threading.Thread(
                target=worker.run,
                args=(self._stop,),
                name=f"outbox-{worker.transport.platform.value}",
                daemon=True,
            )
            thread.start()
            self._threads.append(thread)

    def stop(self) -> None:
        self._stop.set()
        for thread in self._threads:
            thread.join(timeout=10)
