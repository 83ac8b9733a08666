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
    """Serve Slack and Feishu webhooks, the API and /healthz; start Socket Mode / long
    connection when configured. Refuses a database whose schema is not current."""
    with friendly_errors():
        import uvicorn

        from bot.core import Core
        from bot.http_app import background_services, build_app, proactive_services
        from bot.runtime import open_runtime

        runtime = open_runtime(config_path(config))
        core = Core(runtime.engine)
        services = background_services(runtime, core)
        services.extend(proactive_services(runtime))
        for service in services:
            service.start()
        try:
            uvicorn.run(build_app(runtime, core), host=host, port=port, log_level="info")
        finally:
            for service in services:
                service.stop()
