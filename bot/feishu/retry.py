"""Retry an Open API call that Feishu throttled, after the reset time it names."""

from __future__ import annotations

import logging
import time
from collections.abc import Callable
from typing import Any, TypeVar

log = logging.getLogger("okrbot.feishu")

RATE_LIMIT_CODES = frozenset({99991400, 99991402, 230020, 11232})
RESET_HEADER = "x-ogw-ratelimit-reset"
DEFAULT_WAIT = 1.0
MAX_WAIT = 60.0

R = TypeVar("R")


def is_rate_limited(response: Any) -> bool:
    """HTTP 429, or one of Feishu's throttling codes (older APIs answer 400 with them)."""
    raw = getattr(response, "raw", None)
    return getattr(raw, "status_code", None) == 429 or response.code in RATE_LIMIT_CODES


def reset_seconds(response: Any) -> float:
    """Seconds until the limit resets, from `x-ogw-ratelimit-reset` (1 s when absent)."""
    headers = getattr(getattr(response, "raw", None), "headers", None) or {}
    for key, value in headers.items():
        if key.lower() == RESET_HEADER:
            try:
                return min(MAX_WAIT, max(0.0, float(value)))
            except ValueError:
                break
    return DEFAULT_WAIT


def with_retry(
    call: Callable[[], R],
    *,
    attempts: int = 4,
    sleep: Callable[[float], None] = time.sleep,
) -> R:
    """Run `call` (an SDK request returning a response); retry while it is rate limited."""
    response = call()
    for _ in range(attempts - 1):
        if not is_rate_limited(response):
            break
        wait = reset_seconds(response)
        log.warning("feishu rate limited", extra={"code": getattr(response, "code", None)})
        sleep(wait)
        response = call()
    return response
