"""POST /feishu/events: check and open the request (bot.feishu.verify), then the lark dispatcher."""

from __future__ import annotations

import hashlib
import json
import logging
from collections.abc import Callable
from typing import Any

import lark_oapi as lark
from starlette.concurrency import run_in_threadpool
from starlette.requests import Request
from starlette.responses import JSONResponse, Response

from bot.feishu import verify

log = logging.getLogger("okrbot.feishu")

REFUSED = b'{"msg":"invalid request"}'
IGNORED = b'{"msg":"ignored"}'


def replay_key(opened: verify.Opened, body: bytes, signature: str | None) -> str | None:
    """What makes this push unique, to drop exact replays: its signature (a new timestamp and
    nonce each time), else the body of a push that carries no event id (old card callbacks)."""
    if signature:
        return f"sig:{signature[:120]}"
    header = opened.event.get("header")
    if isinstance(header, dict) and header.get("event_id"):
        return None  # the bot claims the event id itself
    return f"body:{hashlib.sha256(body).hexdigest()}"


def endpoint(
    dispatcher: Any,
    *,
    window: float,
    encrypt_key: str,
    verification_token: str,
    claim: Callable[[str], bool],
) -> Callable[[Request], Any]:
    """The Starlette endpoint: the request is checked and opened first (`verify.open_request`),
    then its plaintext goes to `dispatcher` (an EventDispatcherHandler that decrypts nothing).
    Every refusal is the same 401, whatever failed."""

    async def events(request: Request) -> Response:
        body = await request.body()
        try:
            opened = verify.open_request(
                body,
                request.headers,
                encrypt_key=encrypt_key,
                verification_token=verification_token,
                window=window,
            )
        except verify.Refused as refused:
            log.info("feishu: request refused", extra={"reason": str(refused), "bytes": len(body)})
            return Response(content=REFUSED, status_code=401, media_type="application/json")
        if opened.challenge is not None:
            return JSONResponse({"challenge": opened.challenge})
        key = replay_key(opened, body, request.headers.get(verify.SIGNATURE))
        if key is not None and not await run_in_threadpool(claim, key):
            log.info("feishu: dropped a replayed request", extra={"bytes": len(body)})
            return Response(content=IGNORED, status_code=200, media_type="application/json")
        raw = lark.RawRequest()
        raw.uri = request.url.path
        raw.body = json.dumps(opened.event).encode()
        raw.headers = request.headers  # case-insensitive lookups, as the SDK needs
        answer = await run_in_threadpool(dispatcher.do, raw)
        status = int(answer.status_code)
        if status >= 500:
            # Authentic, but the SDK could not handle it: no event type okrbot handles, or a
            # shape it cannot read. 200 stops Feishu's retries; nothing of the SDK's text goes back.
            log.warning("feishu: event not handled", extra={"status": status})
            return Response(
                content=b'{"msg":"ignored"}', status_code=200, media_type="application/json"
            )
        content: bytes = answer.content or b"{}"
        return Response(content=content, status_code=status, media_type="application/json")

    return events
