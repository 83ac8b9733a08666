"""The platform hooks `okrbot serve` calls: HTTP routes and the Socket Mode connection.

bolt's sync App runs in Starlette's thread pool, so a slow handler never blocks the event loop.
"""

from __future__ import annotations

import logging
from collections.abc import Callable
from typing import Any

from slack_bolt import App, BoltRequest, BoltResponse
from slack_bolt.adapter.starlette.handler import to_bolt_request, to_starlette_response
from slack_sdk.signature import SignatureVerifier
from sqlalchemy.engine import Engine
from starlette.background import BackgroundTask
from starlette.concurrency import run_in_threadpool
from starlette.requests import Request
from starlette.responses import JSONResponse, PlainTextResponse, Response
from starlette.routing import BaseRoute, Route

from bot.core import Core
from bot.dedupe import claim_event
from bot.runtime import Runtime
from bot.slack.app import build_app
from bot.slack.credentials import SlackCredentials, credentials_from_env
from bot.slack.deferred import DeferringExecutor
from bot.slack.oauth import INSTALL_PATH, REDIRECT_PATH
from bot.slack.socket_mode import SocketModeService
from storage.models import Platform

log = logging.getLogger("okrbot.slack")

_APPS: dict[tuple[int, int], tuple[App, SlackCredentials]] = {}


def slack_app(runtime: Runtime, core: Core) -> tuple[App, SlackCredentials]:
    """One bolt App per (runtime, core), shared by the routes and Socket Mode."""
    key = (id(runtime), id(core))
    if key not in _APPS:
        credentials = credentials_from_env(runtime.config.slack)
        app, _answers = build_app(runtime, core, credentials)
        _APPS[key] = (app, credentials)
    return _APPS[key]


def starlette_routes(app: App, *, engine: Engine, signing_secret: str) -> list[BaseRoute]:
    """POST /slack/events, GET /slack/install, GET /slack/oauth_redirect for this App.

    A request to /slack/events is checked before bolt parses anything: a malformed timestamp or
    a bad signature is refused (401, its size and reason logged, never its body), and the exact
    bytes of a signed request are handled once — a replayed slash command or click is
    acknowledged and dropped, across replicas.
    """
    verifier = SignatureVerifier(signing_secret)

    executor = app.listener_runner.listener_executor
    deferring = executor if isinstance(executor, DeferringExecutor) else None

    def dispatch(bolt_request: BoltRequest) -> tuple[BoltResponse, list[Callable[[], None]]]:
        if deferring is None:
            return app.dispatch(bolt_request), []
        with deferring.collect() as held:
            return app.dispatch(bolt_request), held

    async def events(request: Request) -> Response:
        body = await request.body()
        stamp = request.headers.get("X-Slack-Request-Timestamp", "")
        signature = request.headers.get("X-Slack-Signature", "")
        if not (stamp.isdigit() and len(stamp) <= 12) or not verifier.is_valid(
            body, stamp, signature
        ):
            log.info("slack: request refused", extra={"reason": "signature", "bytes": len(body)})
            return JSONResponse({"error": "invalid request"}, status_code=401)
        claimed = await run_in_threadpool(
            claim_event, engine, platform=Platform.SLACK, event_id=f"sig:{signature[:120]}"
        )
        if not claimed:
            log.info("slack: dropped a replayed request", extra={"bytes": len(body)})
            return Response(status_code=200)
        bolt_request = to_bolt_request(request, body)
        bolt_response, held = await run_in_threadpool(dispatch, bolt_request)
        response = to_starlette_response(bolt_response)
        # Lazy work (the answer behind an ack) starts once the ack has been sent.
        response.background = BackgroundTask(_start_all, held)
        return response

    async def install(request: Request) -> Response:
        flow: Any = app.oauth_flow
        if flow is None:
            return PlainTextResponse("Slack OAuth is not configured.", status_code=404)
        bolt_request = to_bolt_request(request, await request.body())
        return to_starlette_response(
            await run_in_threadpool(flow.handle_installation, bolt_request)
        )

    async def oauth_redirect(request: Request) -> Response:
        flow: Any = app.oauth_flow
        if flow is None:
            return PlainTextResponse("Slack OAuth is not configured.", status_code=404)
        bolt_request = to_bolt_request(request, await request.body())
        return to_starlette_response(await run_in_threadpool(flow.handle_callback, bolt_request))

    return [
        Route("/slack/events", events, methods=["POST"]),
        Route(INSTALL_PATH, install, methods=["GET"]),
        Route(REDIRECT_PATH, oauth_redirect, methods=["GET"]),
    ]


def _start_all(held: list[Callable[[], None]]) -> None:
    for start in held:
        start()


def routes(runtime: Runtime, core: Core) -> list[BaseRoute]:
    """Slack's HTTP routes; none without a signing secret (Socket Mode only)."""
    app, credentials = slack_app(runtime, core)
    if not credentials.signing_secret:
        return []
    return starlette_routes(app, engine=runtime.engine, signing_secret=credentials.signing_secret)


def background(runtime: Runtime, core: Core) -> list[SocketModeService]:
    """The Socket Mode connection when an app-level token is set."""
    app, credentials = slack_app(runtime, core)
    if not credentials.app_token:
        return []
    return [SocketModeService(app, app_token=credentials.app_token)]


def link_at_start(runtime: Runtime) -> None:
    """With a single bot token, the company workspace is the token's team (auth.test)."""
    from bot.slack.reach import link_token_team

    link_token_team(runtime)
