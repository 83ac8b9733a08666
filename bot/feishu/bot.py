"""The Feishu bot: events in, core requests, cards out. Callbacks return at once; the core
and the sends run on worker threads (Feishu wants an answer within 3 seconds)."""

from __future__ import annotations

import contextvars
import logging
import uuid
from concurrent.futures import Future, ThreadPoolExecutor
from concurrent.futures import TimeoutError as FutureTimeout
from typing import Any

from bot.config import AppConfig
from bot.core import Core, Inbound
from bot.dedupe import claim_event
from bot.feishu.api import FeishuApi
from bot.feishu.card import Card, render_card
from bot.feishu.inbound import Incoming, from_card_action, from_menu, from_message
from bot.feishu.tenancy import FEISHU_LANGUAGE, identify
from bot.identity import Speaker
from digests.i18n import translate
from digests.message import Message, Section
from storage.models import Platform

log = logging.getLogger("okrbot.feishu")

CARD_BUDGET_SECONDS = 2.0  # a click is answered with the new card when it is ready by then
_UUID_NAMESPACE = uuid.UUID("6f6b7262-6f74-4665-8973-6875000000a1")


def send_uuid(event_id: str) -> str:
    """The idempotency key of the reply to an event: a redelivery never shows twice."""
    return str(uuid.uuid5(_UUID_NAMESPACE, event_id))


class FeishuBot:
    """Glue between the lark dispatcher's callbacks and the core."""

    def __init__(
        self,
        *,
        core: Core,
        config: AppConfig,
        api: FeishuApi,
        workers: int = 4,
        card_budget: float = CARD_BUDGET_SECONDS,
    ) -> None:
        self.core = core
        self.config = config
        self.api = api
        self.card_budget = card_budget
        self.executor = ThreadPoolExecutor(max_workers=workers, thread_name_prefix="feishu")

    def on_message(self, data: Any) -> None:
        """im.message.receive_v1: queue the command, return at once."""
        self._queue_reply(from_message(data))

    def on_menu(self, data: Any) -> None:
        """application.bot.menu_v6: the menu's event_key runs a command."""
        self._queue_reply(from_menu(data))

    def on_card_action(self, data: Any) -> dict[str, Any]:
        """card.action.trigger: the new card when it is ready within the budget, else a toast
        now and a patch of the clicked card once the work is done."""
        incoming = from_card_action(data)
        if incoming is None or not self._claim(incoming.event_id):
            return {}
        future = self.executor.submit(contextvars.copy_context().run, self._answer, incoming)
        try:
            return {"card": {"type": "raw", "data": future.result(timeout=self.card_budget)}}
        except FutureTimeout:
            future.add_done_callback(lambda done: self._patch_later(incoming, done))
            working = translate(FEISHU_LANGUAGE, "feishu.working")
            return {"toast": {"type": "info", "content": working}}

    def shutdown(self) -> None:
        """Finish queued work and stop the workers."""
        self.executor.shutdown(wait=True)

    def _claim(self, event_id: str) -> bool:
        if not event_id:
            return True
        return claim_event(self.core.engine, platform=Platform.FEISHU, event_id=event_id)

    def _queue_reply(self, incoming: Incoming | None) -> Future[None] | None:
        if incoming is None or not self._claim(incoming.event_id):
            return None
        # In the webhook request's context: the reply's log lines keep its request id.
        return self.executor.submit(contextvars.copy_context().run, self._reply, incoming)

    def _reply(self, incoming: Incoming) -> None:
        try:
            card = self._answer(incoming)
            self.api.send_card(
                receive_id_type=incoming.receive_id_type,
                receive_id=incoming.receive_id,
                card=card,
                uuid=send_uuid(incoming.event_id) if incoming.event_id else None,
            )
        except Exception:
            log.exception("feishu reply failed", extra={"event_id": incoming.event_id})

    def _patch_later(self, incoming: Incoming, done: Future[Card]) -> None:
        if incoming.message_id is None or done.exception() is not None:
            return
        try:
            self.api.patch_card(message_id=incoming.message_id, card=done.result())
        except Exception:
            log.exception("feishu card patch failed", extra={"event_id": incoming.event_id})

    def _answer(self, incoming: Incoming) -> Card:
        who = identify(
            engine=self.core.engine,
            config=self.config,
            tenant_key=incoming.tenant_key,
            open_id=incoming.open_id,
            fetch_profile=lambda: self.api.user_profile(incoming.open_id),
        )
        if not isinstance(who, Speaker):
            text = translate(who.locale, who.reason)
            return render_card(
                Message(blocks=[Section(text=text)], summary=text), locale=who.locale
            )
        reply = self.core.handle(
            Inbound(
                platform=Platform.FEISHU,
                workspace_id=who.workspace_id,
                person_id=who.person_id,
                text=incoming.text,
                event_id=incoming.event_id or None,
                action=incoming.action,
            )
        )
        return render_card(reply, locale=who.locale, image_keys=self._upload_images(reply))

    def _upload_images(self, message: Message) -> dict[str, str]:
        keys: dict[str, str] = {}
        for block in message.blocks:
            if block.kind == "image" and block.path not in keys:
                key = self.api.upload_image(block.path)
                if key:
                    keys[block.path] = key
        return keys
