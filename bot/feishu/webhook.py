"""POST /feishu/events: a replay window, then the lark dispatcher; SDK failures become 4xx."""

from __future__ import annotations

import json
import logging
import time
from collections.abc import Callable, Mapping
from typing import Any

import lark_oapi as lark
from starlette.concurrency import run_in_threadpool
from starlette.requests import Request
from starlette.responses import JSONResponse, Response

log = logging.getLogger("okrbot.feishu")

TIMESTAMP_HEADER = "X-Lark-Request-Timestamp"
_DENIED = ("verification_token", "signature", "credentials")


def outside_window(
    headers: Mapping[str, str], *, window: float, now: Callable[[], float] = time.time
) -> bool:
    """True when X-Lark-Request-Timestamp is present and further than `window` seconds from
    now, or unreadable. (Without it, an encrypted event fails the SDK's signature check.)"""
    stamp = headers.get(TIMESTAMP_HEADER)
    if stamp is None:
        return False
    try:
        return abs(now() - float(stamp)) > window
    except ValueError:
        return True


def status_for_failure(body: bytes) -> int:
    """The SDK answers 500 for every failure; say what it was: 401 for a bad token or
    signature, 200 for an authentic event nobody handles (no retries), else 400."""
    try:
        message = str(json.loads(body).get("msg", ""))
    except ValueError:
        message = ""
    if any(word in message for word in _DENIED):
        return 401
    if message.startswith("processor not found"):
        return 200
    return 400


def endpoint(dispatcher: Any, *, window: float) -> Callable[[Request], Any]:
    """The Starlette endpoint feeding `dispatcher` (an EventDispatcherHandler)."""

    async def events(request: Request) -> Response:
        if outside_window(request.headers, window=window):
            return JSONResponse({"msg": "request timestamp outside the replay window"}, 401)
        raw = lark.RawRequest()
        raw.uri = request.url.path
        raw.body = await request.body()
        raw.headers = request.headers  # case-insensitive lookups, as the SDK needs
        answer = await run_in_threadpool(dispatcher.do, raw)
        content: bytes = answer.content or b""
        status = int(answer.status_code)
        if status >= 500:
            status = status_for_failure(content)
            log.warning("feishu event refused", extra={"status": status})
            if status == 200:
                content = b'{"msg":"ignored"}'
        return Response(content=content, status_code=status, media_type="application/json")

    return events
