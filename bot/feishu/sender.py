"""Deliver outbox messages to Feishu: an interactive card to the person's open_id (or, for a
channel row, to the group chat's chat_id).

The outbox id is the send's `uuid`, which Feishu deduplicates for an hour — far longer than
a sender's lease — so a message resent after a crash lands once.
"""

from __future__ import annotations

import logging
from typing import Any

from lark_oapi.api.im.v1 import CreateMessageRequest, CreateMessageRequestBody

from bot.delivery.outcome import Dead, Envelope, Lookup, Outcome, Retry, Sent, Throttled
from bot.feishu.card import card_content, render_card
from bot.feishu.retry import is_rate_limited, reset_seconds
from storage.models import Platform

log = logging.getLogger("okrbot.feishu")

# The person can never get this message: left the company, out of the app's range, bot blocked.
PERMANENT_CODES = frozenset({230013, 230002, 230006, 230027, 230017, 99992361, 99992364, 230099})


def send_uuid(outbox_id: int) -> str:
    """The idempotency key of an outbox message on Feishu (≤ 50 characters)."""
    return f"okrbot-outbox-{outbox_id}"


def classify(response: Any) -> Outcome:
    """An Open API response as an outcome."""
    if is_rate_limited(response):
        return Throttled(after=reset_seconds(response), error=f"feishu: {response.code}")
    if response.success():
        data = getattr(response, "data", None)
        return Sent(str(getattr(data, "message_id", "")) or None)
    if response.code in PERMANENT_CODES:
        return Dead(f"feishu: {response.code} {response.msg}")
    return Retry(f"feishu: {response.code} {response.msg}")


class FeishuSender:
    """The Feishu transport of the outbox worker (`client` is a lark Client)."""

    platform = Platform.FEISHU

    def __init__(self, client: Any) -> None:
        self.client = client

    def send(self, envelope: Envelope) -> Outcome:
        card = render_card(envelope.message, locale=envelope.locale)
        body = (
            CreateMessageRequestBody.builder()
            .receive_id(envelope.recipient)
            .msg_type("interactive")
            .content(card_content(card))
            .uuid(send_uuid(envelope.outbox_id))
            .build()
        )
        request = (
            CreateMessageRequest.builder()
            .receive_id_type("chat_id" if envelope.to_channel else "open_id")
            .request_body(body)
            .build()
        )
        try:
            response = self.client.im.v1.message.create(request)
        except OSError as error:
            return Retry(f"feishu: {type(error).__name__}")
        return classify(response)

    def find_by_email(self, *, workspace_id: int, email: str) -> Lookup:
        """The open_id of a person never seen on Feishu (contact batch_get_id by email)."""
        from bot.feishu.reach import open_id_by_email

        return open_id_by_email(self.client, email)
