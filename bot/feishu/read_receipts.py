"""Who has read a message the bot sent on Feishu: `im.v1.message.read_users`, paged.

Feishu answers only for messages the bot itself sent within the last 7 days. Every page is
paced (bot/feishu/pacing.py) and retried while throttled (bot/feishu/retry.py).
"""

from __future__ import annotations

import time
from collections.abc import Callable
from datetime import UTC, datetime
from typing import Any

from lark_oapi.api.im.v1 import ReadUsersMessageRequest

from bot.feishu.pacing import Pacer
from bot.feishu.retry import is_rate_limited, with_retry

# One pacer per process for read-receipt queries, within the app-wide 50/s and 1,000/min.
PACER = Pacer()


class ReadUsersError(Exception):
    """Feishu refused a read_users query (`throttled`: still rate limited after retries)."""

    def __init__(self, code: int | None, msg: str | None, *, throttled: bool) -> None:
        super().__init__(f"feishu: {code} {msg}")
        self.code = code
        self.throttled = throttled


def read_time(timestamp: str | None, default: datetime) -> datetime:
    """A read_users timestamp (milliseconds since the epoch, as text) as aware UTC."""
    try:
        return datetime.fromtimestamp(int(timestamp or "") / 1000, tz=UTC)
    except (ValueError, OverflowError, OSError):
        return default


def _page(
    client: Any, request: ReadUsersMessageRequest, pacer: Pacer, sleep: Callable[[float], None]
) -> Any:
    def call() -> Any:
        pacer.wait()
        return client.im.v1.message.read_users(request)

    return with_retry(call, sleep=sleep)


def read_users(
    client: Any,
    message_id: str,
    *,
    now: datetime,
    pacer: Pacer = PACER,
    sleep: Callable[[float], None] = time.sleep,
) -> dict[str, datetime]:
    """open_id -> when they read `message_id` (`now` when Feishu gives no time).

    Raises ReadUsersError when Feishu refuses (too old, not the bot's, throttled)."""
    readers: dict[str, datetime] = {}
    token: str | None = None
    while True:
        # Feishu's default page size: a direct message has at most one reader anyway.
        builder = ReadUsersMessageRequest.builder().message_id(message_id).user_id_type("open_id")
        if token:
            builder = builder.page_token(token)
        response = _page(client, builder.build(), pacer, sleep)
        if not response.success():
            raise ReadUsersError(response.code, response.msg, throttled=is_rate_limited(response))
        data = response.data
        for item in (data.items if data is not None else None) or []:
            if item.user_id:
                readers[str(item.user_id)] = read_time(item.timestamp, now)
        if data is None or not data.has_more or not data.page_token:
            return readers
        token = str(data.page_token)
