"""`POST /api/v1/kpi/readings`: a JSON batch of readings, bearer token per workspace.

Body: `{"readings": [{"id": "...", "kpi": "LOSS_RATE", "scope": "person:hao@acme.com",
"period": "2026-11", "value": 4.2}, ...]}` (a bare list also works). All or nothing: one bad
reading refuses the batch with 422 naming each bad field; an id seen before is a duplicate, not
an error, so a client may safely resend.
"""

from __future__ import annotations

import json
from decimal import Decimal
from typing import Any

from starlette.concurrency import run_in_threadpool
from starlette.requests import Request
from starlette.responses import JSONResponse
from starlette.routing import BaseRoute, Route

from bot.core import Core
from bot.runtime import Runtime
from bot.throttle import Throttle
from storage.repos.kpi_tokens import digest as kpi_tokens_digest

MAX_BATCH = 5000


def _error(status: int, code: str, message: str, **extra: Any) -> JSONResponse:
    return JSONResponse({"error": code, "message": message, **extra}, status_code=status)


def _slow_down(wait: int) -> JSONResponse:
    response = _error(429, "rate_limited", f"too many requests; retry after {wait} s")
    response.headers["Retry-After"] = str(wait)
    return response


def _parse(body: bytes) -> Any:
    """The JSON body; numbers kept exact (a 5,000-digit value is refused later, not parsed into
    an integer Python will not convert). ValueError for anything that is not JSON."""
    try:
        return json.loads(body, parse_int=Decimal, parse_float=Decimal)
    except (ValueError, UnicodeDecodeError, RecursionError) as error:
        raise ValueError("not JSON") from error


def _bearer(request: Request) -> str | None:
    scheme, _, token = request.headers.get("authorization", "").partition(" ")
    return token.strip() or None if scheme.lower() == "bearer" else None


def _workspace_of(runtime: Runtime, token: str) -> int | None:
    from storage.db import session_scope
    from storage.repos import kpi_tokens

    with session_scope(runtime.engine) as session:
        return kpi_tokens.workspace_of(session=session, token=token)


def _store(runtime: Runtime, workspace_id: int, readings: list[Any]) -> JSONResponse:
    from commands.operations.kpi_intake import explain, ingest
    from storage.db import session_scope
    from storage.models import ReadingSource, Workspace

    with session_scope(runtime.engine) as session:
        workspace = session.get(Workspace, workspace_id)
        assert workspace is not None
        report = ingest(
            readings,
            session=session,
            workspace=workspace,
            source=ReadingSource.API,
            need_id=True,
            all_or_nothing=True,
            alert_channel=runtime.config.kpi_alerts.channel,
        )
        if report.rejected:
            session.rollback()
            errors = [
                {
                    "index": r.index,
                    "field": f"readings[{r.index}].{r.field}",
                    "reason": r.reason,
                    "message": explain(r),
                }
                for r in report.rejected
            ]
            return _error(422, "invalid_readings", explain(report.rejected[0]), errors=errors)
        return JSONResponse(
            {
                "created": len(report.written),
                "duplicates": report.duplicates,
                "alerts": report.alerts,
                "recoveries": report.recoveries,
            }
        )


def routes(runtime: Runtime, core: Core) -> list[BaseRoute]:
    """The KPI API routes (always mounted: they need no chat platform)."""

    limits = runtime.config.kpi_api
    per_token = Throttle(per_minute=limits.requests_per_minute, burst=limits.burst)
    failures = Throttle(
        per_minute=limits.failed_auth_per_minute, burst=limits.failed_auth_per_minute
    )

    async def post_readings(request: Request) -> JSONResponse:
        client = request.client.host if request.client else "?"
        token = _bearer(request)
        if token is None:
            return _error(401, "unauthorized", "send Authorization: Bearer <token>")
        workspace_id = await run_in_threadpool(_workspace_of, runtime, token)
        if workspace_id is None:
            # Guessing tokens costs a client its turn: a few misses a minute, then 429.
            wait = failures.wait(client)
            if wait:
                return _slow_down(wait)
            return _error(401, "unauthorized", "unknown or revoked token")
        wait = per_token.wait(kpi_tokens_digest(token))
        if wait:
            return _slow_down(wait)
        body = await request.body()
        try:
            data = _parse(body)
        except ValueError:
            return _error(400, "bad_json", "the body is not JSON")
        readings = data.get("readings") if isinstance(data, dict) else data
        if not isinstance(readings, list):
            return _error(422, "invalid_readings", "readings: must be a list", field="readings")
        if not readings:
            return _error(422, "invalid_readings", "readings: is empty", field="readings")
        if len(readings) > MAX_BATCH:
            return _error(
                413, "too_many", f"readings: at most {MAX_BATCH} per request", field="readings"
            )
        return await run_in_threadpool(_store, runtime, workspace_id, readings)

    return [Route("/api/v1/kpi/readings", post_readings, methods=["POST"])]
