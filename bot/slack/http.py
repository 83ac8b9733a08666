"""The platform hooks `okrbot serve` calls: HTTP routes and the Socket Mode connection.

bolt's sync App runs in Starlette's thread pool, so a slow handler never blocks the event loop.
"""

from __future__ import annotations

from typing import Any

from slack_bolt import App
from slack_bolt.adapter.starlette.handler import to_bolt_request, to_starlette_response
from starlette.concurrency import run_in_threadpool
from starlette.requests import Request
from starlette.responses import PlainTextResponse, Response
from starlette.routing import BaseRoute, Route

from bot.core import Core
from bot.runtime import Runtime
from bot.slack.app import build_app
from bot.slack.credentials import SlackCredentials, credentials_from_env
from bot.slack.oauth import INSTALL_PATH, REDIRECT_PATH
from bot.slack.socket_mode import SocketModeService

_APPS: dict[tuple[int, int], tuple[App, SlackCredentials]] = {}


def slack_app(runtime: Runtime, core: Core) -> tuple[App, SlackCredentials]:
    """One bolt App per (runtime, core), shared by the routes and Socket Mode."""
    key = (id(runtime), id(core))
    if key not in _APPS:
        credentials = credentials_from_env(runtime.config.slack)
        app, _answers = build_app(runtime, core, credentials)
        _APPS[key] = (app, credentials)
    return _APPS[key]


def starlette_routes(app: App) -> list[BaseRoute]:
    """POST /slack/events, GET /slack/install, GET /slack/oauth_redirect for this App."""

    async def events(request: Request) -> Response:
        bolt_request = to_bolt_request(request, await request.body())
        return to_starlette_response(await run_in_threadpool(app.dispatch, bolt_request))

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


def routes(runtime: Runtime, core: Core) -> list[BaseRoute]:
    """Slack's HTTP routes; none without a signing secret (Socket Mode only)."""
    app, credentials = slack_app(runtime, core)
    return starlette_routes(app) if credentials.signing_secret else []


def background(runtime: Runtime, core: Core) -> list[SocketModeService]:
    """The Socket Mode connection when an app-level token is set."""
    app, credentials = slack_app(runtime, core)
    if not credentials.app_token:
        return []
    return [SocketModeService(app, app_token=credentials.app_token)]
