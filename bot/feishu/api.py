"""Outgoing Open API calls: send and update cards, upload charts, read a user's profile.

Every send is paced (bot/feishu/pacing.py) and retried when throttled (bot/feishu/retry.py).
"""

from __future__ import annotations

import logging
from typing import Any

import lark_oapi as lark
from lark_oapi.api.contact.v3 import GetUserRequest
from lark_oapi.api.im.v1 import (
    CreateImageRequest,
    CreateImageRequestBody,
    CreateMessageRequest,
    CreateMessageRequestBody,
    PatchMessageRequest,
    PatchMessageRequestBody,
)

from bot.feishu.card import Card, card_content
from bot.feishu.credentials import FeishuCredentials
from bot.feishu.pacing import Pacer
from bot.feishu.retry import with_retry
from bot.identity import PlatformProfile

log = logging.getLogger("okrbot.feishu")


def build_client(credentials: FeishuCredentials, domain: str) -> Any:
    """A lark Client for this app on `domain` (Feishu, Lark, a proxy or a test stub)."""
    return (
        lark.Client.builder()
        .app_id(credentials.app_id)
        .app_secret(credentials.app_secret)
        .domain(domain.rstrip("/"))
        .log_level(lark.LogLevel.WARNING)
        .build()
    )


class FeishuApi:
    """The few Open API calls the adapter makes, paced and retried."""

    def __init__(self, client: Any, *, pacer: Pacer | None = None, **retry: Any) -> None:
        self.client = client
        self.pacer = pacer or Pacer()
        self._retry = retry

    def send_card(
        self, *, receive_id_type: str, receive_id: str, card: Card, uuid: str | None
    ) -> str | None:
        """Send a card; the new message id, None on failure. `uuid` makes resends no-ops."""
        body = (
            CreateMessageRequestBody.builder()
            .receive_id(receive_id)
            .msg_type("interactive")
            .content(card_content(card))
        )
        if uuid:
            body = body.uuid(uuid)
        request = (
            CreateMessageRequest.builder()
            .receive_id_type(receive_id_type)
            .request_body(body.build())
            .build()
        )

        def call() -> Any:
            self.pacer.wait(receive_id)
            return self.client.im.v1.message.create(request)

        response = with_retry(call, **self._retry)
        if not response.success():
            log.error("feishu send failed", extra={"code": response.code, "msg": response.msg})
            return None
        return str(response.data.message_id)

    def patch_card(self, *, message_id: str, card: Card) -> bool:
        """Replace the card of a message the bot sent (card clicks update in place)."""
        request = (
            PatchMessageRequest.builder()
            .message_id(message_id)
            .request_body(PatchMessageRequestBody.builder().content(card_content(card)).build())
            .build()
        )

        def call() -> Any:
            self.pacer.wait(message_id)
            return self.client.im.v1.message.patch(request)

        response = with_retry(call, **self._retry)
        if not response.success():
            log.error("feishu patch failed", extra={"code": response.code, "msg": response.msg})
        return bool(response.success())

    def upload_image(self, path: str) -> str | None:
        """Upload a PNG (a chart) for use in cards; its image_key, None on failure."""
        with open(path, "rb") as image:
            request = (
                CreateImageRequest.builder()
                .request_body(
                    CreateImageRequestBody.builder().image_type("message").image(image).build()
                )
                .build()
            )
            response = with_retry(lambda: self.client.im.v1.image.create(request), **self._retry)
        return str(response.data.image_key) if response.success() else None

    def user_profile(self, open_id: str) -> PlatformProfile | None:
        """Email, name and time zone of a user (contact.v3.user.get), None when unavailable."""
        request = GetUserRequest.builder().user_id(open_id).user_id_type("open_id").build()
        try:
            response = with_retry(lambda: self.client.contact.v3.user.get(request), **self._retry)
        except Exception:
            log.warning("feishu user lookup failed", exc_info=True)
            return None
        if not response.success() or response.data is None or response.data.user is None:
            log.warning("feishu user lookup refused", extra={"code": response.code})
            return None
        user = response.data.user
        return PlatformProfile(
            email=user.email or user.enterprise_email,
            name=user.name,
            timezone=user.time_zone,
            locale=None,  # the contact API does not expose a user's language
        )
