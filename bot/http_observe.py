"""ASGI middleware for `okrbot serve`: a request id per HTTP request, and HTTP counters.

The id comes from `X-Request-Id` when a proxy sets one (else a new one), is echoed in the
response, and tags every log line written while the request is handled (the chat core
reuses it). Routes are counted by their path template; unknown paths count as `other`.
"""

from __future__ import annotations

import re
from collections.abc import Awaitable, Callable, MutableMapping
from typing import Any

from bot.logging_setup import new_request_id, request_scope
from bot.metrics import Metrics

Scope = MutableMapping[str, Any]
Message = MutableMapping[str, Any]
Receive = Callable[[], Awaitable[Message]]
Send = Callable[[Message], Awaitable[None]]
ASGIApp = Callable[[Scope, Receive, Send], Awaitable[None]]

_SAFE_ID = re.compile(r"^[A-Za-z0-9._-]{1,64}$")


class ObserveRequests:
    """Wraps the app: request-id context, `X-Request-Id` header, okrbot_http_requests_total."""

    def __init__(self, app: ASGIApp, *, metrics: Metrics, routes: set[str]) -> None:
        self.app = app
        self.metrics = metrics
        self.routes = routes

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        given = dict(scope.get("headers") or []).get(b"x-request-id", b"").decode("latin-1")
        request_id = given if _SAFE_ID.match(given) else new_request_id()
        route = scope.get("path", "") if scope.get("path") in self.routes else "other"
        status = 500

        async def send_with_id(message: Message) -> None:
            nonlocal status
            if message["type"] == "http.response.start":
                status = int(message["status"])
                headers = list(message.get("headers") or [])
                headers.append((b"x-request-id", request_id.encode("ascii")))
                message["headers"] = headers
            await send(message)

        with request_scope(request_id=request_id):
            try:
                await self.app(scope, receive, send_with_id)
            finally:
                self.metrics.http_requests.labels(route, str(status)).inc()
