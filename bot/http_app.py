"""The one HTTP app `okrbot serve` runs: health, plus the routes of each enabled platform.

A platform plugs in as a module (see PLATFORM_MODULES) exposing
`routes(runtime, core) -> list[BaseRoute]` and optionally
`background(runtime, core) -> list[BackgroundService]` for connections that need no public URL
(Slack Socket Mode, Feishu long connection). A module is imported only when its platform is
enabled, so a disabled platform's SDK is never loaded.
"""

from __future__ import annotations

import importlib
from collections.abc import Callable
from typing import Protocol

import sqlalchemy as sa
from starlette.applications import Starlette
from starlette.concurrency import run_in_threadpool
from starlette.requests import Request
from starlette.responses import JSONResponse, Response
from starlette.routing import BaseRoute, Route

from bot.core import Core
from bot.http_limits import LimitRequests
from bot.http_observe import ObserveRequests
from bot.metrics import CONTENT_TYPE, for_engine
from bot.readiness import readiness
from bot.runtime import Runtime

PLATFORM_MODULES: dict[str, str] = {"slack": "bot.slack.http", "feishu": "bot.feishu.http"}
# Route modules mounted whatever the platforms: `routes(runtime, core) -> list[BaseRoute]`.
ALWAYS_MODULES: tuple[str, ...] = ("bot.kpi_api",)


class BackgroundService(Protocol):
    """Something `serve` runs beside the HTTP server, in its own thread."""

    name: str

    def start(self) -> None: ...

    def stop(self) -> None: ...


def enabled_platforms(runtime: Runtime) -> list[str]:
    """Names of the platforms switched on in app.yaml."""
    config = runtime.config
    return [name for name in PLATFORM_MODULES if getattr(config, name).enabled]


def _platform_hook(name: str, hook: str) -> Callable[[Runtime, Core], list[object]] | None:
    module = importlib.import_module(PLATFORM_MODULES[name])
    found: Callable[[Runtime, Core], list[object]] | None = getattr(module, hook, None)
    return found


def build_app(runtime: Runtime, core: Core) -> Starlette:
    """The Starlette app with /healthz, /readyz, /metrics and every enabled platform's routes."""

    async def healthz(request: Request) -> JSONResponse:
        try:
            with runtime.engine.connect() as connection:
                connection.execute(sa.text("SELECT 1"))
        except Exception:
            return JSONResponse({"status": "error", "database": "unreachable"}, status_code=503)
        return JSONResponse({"status": "ok", "database": "ok"})

    routes: list[BaseRoute] = [Route("/healthz", healthz, methods=["GET"])]
    routes.extend(observability_routes(runtime))
    for module_name in ALWAYS_MODULES:
        routes.extend(importlib.import_module(module_name).routes(runtime, core))
    for name in enabled_platforms(runtime):
        hook = _platform_hook(name, "routes")
        if hook is not None:
            routes.extend(route for route in hook(runtime, core) if isinstance(route, BaseRoute))
    app = Starlette(routes=routes)
    paths = {route.path for route in routes if isinstance(route, Route)}
    http = runtime.config.http
    app.add_middleware(
        LimitRequests,
        default=http.max_body_bytes,
        limits={"/api/": runtime.config.kpi_api.max_body_bytes},
        timeout=http.body_timeout_seconds,
    )
    app.add_middleware(ObserveRequests, metrics=for_engine(runtime.engine), routes=paths)
    return app


def observability_routes(runtime: Runtime) -> list[BaseRoute]:
    """`GET /readyz` (database reachable, schema current) and `GET /metrics` (Prometheus)."""
    registry = for_engine(runtime.engine).registry

    async def readyz(request: Request) -> JSONResponse:
        ready, body = await run_in_threadpool(readiness, runtime.engine)
        return JSONResponse(body, status_code=200 if ready else 503)

    async def metrics(request: Request) -> Response:
        from prometheus_client import generate_latest

        body = await run_in_threadpool(generate_latest, registry)
        return Response(body, media_type=CONTENT_TYPE)

    return [
        Route("/readyz", readyz, methods=["GET"]),
        Route("/metrics", metrics, methods=["GET"]),
    ]


def link_at_start(runtime: Runtime) -> None:
    """Each enabled platform links the workspaces its credentials already name (a Slack bot
    token's team, a Feishu app's tenant), so nothing inbound has to happen first."""
    for name in enabled_platforms(runtime):
        module = importlib.import_module(PLATFORM_MODULES[name])
        hook: Callable[[Runtime], None] | None = getattr(module, "link_at_start", None)
        if hook is not None:
            hook(runtime)


def background_services(runtime: Runtime, core: Core) -> list[BackgroundService]:
    """The enabled platforms' background connections (Socket Mode, long connection)."""
    services: list[BackgroundService] = []
    for name in enabled_platforms(runtime):
        hook = _platform_hook(name, "background")
        if hook is not None:
            services.extend(hook(runtime, core))  # type: ignore[arg-type]
    return services


def proactive_services(runtime: Runtime) -> list[BackgroundService]:
    """The leader-elected scheduler and the outbox senders (app.yaml `scheduler`, `delivery`)."""
    services: list[BackgroundService] = []
    if runtime.config.scheduler.enabled:
        from bot.scheduler.service import SchedulerService

        services.append(SchedulerService(runtime))
    if runtime.config.delivery.enabled:
        from bot.delivery.service import DeliveryService

        services.append(DeliveryService(runtime))
    return services
