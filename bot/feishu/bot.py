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
from bot.feishu.card import Card, clip, render_card
from bot.feishu.inbound import Incoming, from_card_action, from_menu, from_message
from bot.feishu.own_cards import is_own_card, remember_card
from bot.feishu.tenancy import FEISHU_LANGUAGE, identify
from bot.identity import Speaker
from bot.text import render_text
from digests.i18n import translate
from digests.message import Message, Section
from storage.models import Platform

log = logging.getLogger("okrbot.feishu")

CARD_BUDGET_SECONDS = 2.0
TOAST_MAX = 500
# Forms where a person types a lot (the check-in, an objective with its KRs): a refusal is a
# toast, and the card keeps what was typed.
KEEP_CARD_ON_ERROR = frozenset(
    {"checkin.submit_all", "okr.new.submit"}
)  # a click is answered with the new card when it is ready by then
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
        now and a patch of the clicked card once the work is done. A refused check-in or
        objective form answers with a toast and leaves the card as it is, typing and all."""
        incoming = from_card_action(data)
        if incoming is None or not self._claim(incoming.event_id):
            return {}
        future = self.executor.submit(contextvars.copy_context().run, self._card_answer, incoming)
        try:
            answer = future.result(timeout=self.card_budget)
        except FutureTimeout:
            future.add_done_callback(lambda done: self._patch_later(incoming, done))
            working = translate(FEISHU_LANGUAGE, "feishu.working")
            return {"toast": {"type": "info", "content": working}}
        return {key: value for key, value in answer.items() if key != "refused"}

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
            message_id = self.api.send_card(
                receive_id_type=incoming.receive_id_type,
                receive_id=incoming.receive_id,
                card=card,
                uuid=send_uuid(incoming.event_id) if incoming.event_id else None,
            )
            if message_id:
                remember_card(self.core.engine, message_id=message_id, open_id=incoming.open_id)
        except Exception:
            log.exception("feishu reply failed", extra={"event_id": incoming.event_id})

    def _patch_later(self, incoming: Incoming, done: Future[dict[str, Any]]) -> None:
        if incoming.message_id is None or done.exception() is not None:
            return
        answer = done.result()
        try:
            own = is_own_card(
                self.core.engine, message_id=incoming.message_id, open_id=incoming.open_id
            )
            if "card" in answer and own:
                self.api.patch_card(message_id=incoming.message_id, card=answer["card"]["data"])
            elif "card" in answer or "refused" in answer:
                # Too late for a toast, or a card okrbot did not send this person: a new
                # message to the person who clicked.
                self.api.send_card(
                    receive_id_type="open_id",
                    receive_id=incoming.open_id,
                    card=answer["card"]["data"] if "card" in answer else answer["refused"],
                    uuid=send_uuid(incoming.event_id) if incoming.event_id else None,
                )
        except Exception:
            log.exception("feishu card patch failed", extra={"event_id": incoming.event_id})

    def _card_answer(self, incoming: Incoming) -> dict[str, Any]:
        """The callback's answer: the new card, or a toast for a refused form submission."""
        reply, locale = self._reply_of(incoming)
        card = render_card(reply, locale=locale, image_keys=self._upload_images(reply))
        action = incoming.action
        if reply.is_error and action is not None and action.action_id in KEEP_CARD_ON_ERROR:
            toast = {"type": "error", "content": clip(render_text(reply), TOAST_MAX)}
            return {"toast": toast, "refused": card}
        return {"card": {"type": "raw", "data": card}}

    def _answer(self, incoming: Incoming) -> Card:
        reply, locale = self._reply_of(incoming)
        return render_card(reply, locale=locale, image_keys=self._upload_images(reply))

    def _reply_of(self, incoming: Incoming) -> tuple[Message, str]:
        who = identify(
            engine=self.core.engine,
            config=self.config,
            tenant_key=incoming.tenant_key,
            open_id=incoming.open_id,
            fetch_profile=lambda: self.api.user_profile(incoming.open_id),
        )
        if not isinstance(who, Speaker):
            text = translate(who.locale, who.reason)
            return Message(blocks=[Section(text=text)], summary=text), who.locale
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
        return reply, who.locale

    def _upload_images(self, message: Message) -> dict[str, str]:
        keys: dict[str, str] = {}
        for block in message.blocks:
            if block.kind == "image" and block.path not in keys:
                key = self.api.upload_image(block.path)
                if key:
                    keys[block.path] = key
        return keys
