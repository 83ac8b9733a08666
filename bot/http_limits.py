"""ASGI middleware bounding what a request may cost before anything parses it.

Slack and Feishu send small bodies; the KPI API has a limit of its own. A request that says it
is larger is answered 413 at once, unread; one whose body turns out larger, or arrives slower
than the read timeout, is cut off (413 / 408). The log line of a refusal holds its route, size
and reason — never the body.
"""

from __future__ import annotations

import asyncio
import json
import logging
import time
from collections.abc import Mapping

from bot.http_observe import ASGIApp, Message, Receive, Scope, Send

log = logging.getLogger("okrbot.http")


class _Refused(Exception):
    def __init__(self, status: int, reason: str) -> None:
        super().__init__(reason)
        self.status, self.reason = status, reason


class LimitRequests:
    """413 for bodies over the limit of their path (longest prefix in `limits`, else
    `default`), 408 for bodies that take longer than `timeout` seconds to arrive."""

    def __init__(
        self, app: ASGIApp, *, default: int, limits: Mapping[str, int], timeout: float
    ) -> None:
        self.app = app
        self.default = default
        self.limits = dict(limits)
        self.timeout = timeout

    def limit_of(self, path: str) -> int:
        """The body limit of a path."""
        found = [prefix for prefix in self.limits if path.startswith(prefix)]
        return self.limits[max(found, key=len)] if found else self.default

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        path = str(scope.get("path", ""))
        limit = self.limit_of(path)
        declared = _content_length(scope)
        if declared is not None and declared > limit:
            await _refuse(send, path, 413, "too_large", declared)
            return
        received = 0
        deadline = time.monotonic() + self.timeout
        started = False

        async def bounded_receive() -> Message:
            nonlocal received
            remaining = deadline - time.monotonic()
            try:
                message = await asyncio.wait_for(receive(), timeout=max(remaining, 0.001))
            except TimeoutError:
                raise _Refused(408, "body_timeout") from None
            if message["type"] == "http.request":
                received += len(message.get("body", b""))
                if received > limit:
                    raise _Refused(413, "too_large")
            return message

        async def tracked_send(message: Message) -> None:
            nonlocal started
            if message["type"] == "http.response.start":
                started = True
            await send(message)

        try:
            await self.app(scope, bounded_receive, tracked_send)
        except _Refused as refused:
            if started:
                raise
            await _refuse(send, path, refused.status, refused.reason, received)


def _content_length(scope: Scope) -> int | None:
    for name, value in scope.get("headers") or []:
        if name == b"content-length":
            try:
                return int(value)
            except ValueError:
                return None
    return None


async def _refuse(send: Send, path: str, status: int, reason: str, size: int) -> None:
    log.info("http request refused", extra={"route": path, "reason": reason, "bytes": size})
    body = json.dumps({"error": reason}).encode()
    await send(
        {
            "type": "http.response.start",
            "status": status,
            "headers": [
                (b"content-type", b"application/json"),
                (b"content-length", str(len(body)).encode()),
                (b"connection", b"close"),
            ],
        }
    )
    await send({"type": "http.response.body", "body": body})
