"""The platform hooks `okrbot serve` calls: POST /feishu/events and the long connection.

Both hand events to one dispatcher, so webhook and long connection behave the same.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from starlette.routing import BaseRoute, Route

from bot.core import Core
from bot.dedupe import claim_event
from bot.feishu.api import FeishuApi, build_client
from bot.feishu.bot import FeishuBot
from bot.feishu.credentials import FeishuCredentials, credentials_from_env
from bot.feishu.dispatcher import build_dispatcher
from bot.feishu.long_connection import LongConnectionService
from bot.feishu.webhook import endpoint
from bot.runtime import Runtime
from storage.models import Platform

EVENTS_PATH = "/feishu/events"


@dataclass(frozen=True)
class FeishuAdapter:
    """The bot, its dispatcher and credentials for one (runtime, core)."""

    bot: FeishuBot
    dispatcher: Any
    credentials: FeishuCredentials


_ADAPTERS: dict[tuple[int, int], FeishuAdapter] = {}


def adapter(runtime: Runtime, core: Core) -> FeishuAdapter:
    """One adapter per (runtime, core), shared by the route and the long connection."""
    key = (id(runtime), id(core))
    if key not in _ADAPTERS:
        credentials = credentials_from_env(runtime.config.feishu)
        api = FeishuApi(build_client(credentials, runtime.config.feishu.domain))
        bot = FeishuBot(core=core, config=runtime.config, api=api)
        _ADAPTERS[key] = FeishuAdapter(bot, build_dispatcher(bot, credentials), credentials)
    return _ADAPTERS[key]


def routes(runtime: Runtime, core: Core) -> list[BaseRoute]:
    """POST /feishu/events (events and card callbacks)."""
    found = adapter(runtime, core)
    window = float(runtime.config.feishu.replay_window_seconds)
    events = endpoint(
        found.dispatcher,
        window=window,
        encrypt_key=found.credentials.encrypt_key,
        verification_token=found.credentials.verification_token,
        claim=lambda key: claim_event(runtime.engine, platform=Platform.FEISHU, event_id=key),
    )
    return [Route(EVENTS_PATH, events, methods=["POST"])]


def background(runtime: Runtime, core: Core) -> list[LongConnectionService]:
    """The long connection, when `feishu.long_connection` is on."""
    if not runtime.config.feishu.long_connection:
        return []
    found = adapter(runtime, core)
    return [
        LongConnectionService(
            credentials=found.credentials,
            dispatcher=found.dispatcher,
            domain=runtime.config.feishu.domain,
        )
    ]


def link_at_start(runtime: Runtime) -> None:
    """A self-built app serves one tenant: learn it now (tenant query), not on the first event."""
    from bot.feishu.reach import link_app_tenant

    link_app_tenant(runtime)
