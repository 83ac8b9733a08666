"""`okrbot serve`: the HTTP app (Slack, Feishu, API, health) and background connections."""

from __future__ import annotations

from typing import Annotated

import typer

from bot.cli import ConfigOption, app, config_path, friendly_errors


@app.command("serve")
def serve(
    port: Annotated[int, typer.Option("--port", help="TCP port to listen on.")] = 8080,
    host: Annotated[str, typer.Option("--host", help="Interface to bind.")] = "0.0.0.0",
    config: ConfigOption = None,
) -> None:
    """Serve Slack and Feishu webhooks, the API, /healthz, /readyz and /metrics; start Socket
    Mode / long connection when configured. Refuses a database whose schema is not current."""
    with friendly_errors():
        import uvicorn

        from bot.core import Core
        from bot.http_app import (
            background_services,
            build_app,
            link_at_start,
            proactive_services,
        )
        from bot.logging_setup import configure_logging
        from bot.runtime import open_runtime
        from bot.token_crypto import warn_if_unencrypted

        runtime = open_runtime(config_path(config))
        settings = runtime.config.logging
        configure_logging(level=settings.level, fmt=settings.format)
        warn_if_unencrypted(runtime)
        link_at_start(runtime)
        core = Core(runtime.engine, settings=runtime.settings)
        web = build_app(runtime, core)  # first: it sets up the metrics the services count in
        services = background_services(runtime, core)
        services.extend(proactive_services(runtime))
        for service in services:
            service.start()
        try:
            # log_config=None: uvicorn's own lines go through okrbot's handler (JSON, redacted).
            uvicorn.run(
                web, host=host, port=port, log_level=settings.level.lower(), log_config=None
            )
        finally:
            for service in services:
                service.stop()
