"""Readings per second through POST /api/v1/kpi/readings on a real uvicorn server.

Usage: python bench/kpi_api.py [--batches N] [--size N] [--database-url URL]
Creates a throw-away workspace with one KPI and one target, then posts N batches of fresh
readings and prints readings/s (and the time of one resend of the last batch, all duplicates).
"""

from __future__ import annotations

import argparse
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))


def main() -> None:
    import httpx

    from bot.config import AppConfig
    from bot.core import Core
    from bot.http_app import build_app
    from bot.runtime import Runtime
    from storage import migrate
    from storage.db import make_engine, session_scope
    from storage.models import KpiDefinition, KpiDirection, KpiScope, KpiTarget, Platform
    from storage.repos import kpi_tokens, workspaces
    from tests.support.http_server import serve_asgi

    parser = argparse.ArgumentParser()
    parser.add_argument("--batches", type=int, default=10)
    parser.add_argument("--size", type=int, default=1000)
    parser.add_argument("--database-url")
    args = parser.parse_args()
    url = args.database_url or f"sqlite:///{tempfile.mkdtemp()}/bench.db"
    engine = make_engine(url)
    migrate.upgrade(engine)
    with session_scope(engine) as session:
        ws = workspaces.ensure(
            session=session,
            slug=f"bench{int(time.time())}",
            name="Bench",
            platform=Platform.CONSOLE,
            external_id=f"b{time.time()}",
        )
        assert ws.id is not None
        kpi = KpiDefinition(
            workspace_id=ws.id,
            code="OUTPUT",
            name="Output",
            direction=KpiDirection.HIGHER_IS_BETTER,
        )
        session.add(kpi)
        session.flush()
        assert kpi.id is not None
        session.add(
            KpiTarget(
                workspace_id=ws.id,
                kpi_id=kpi.id,
                scope=KpiScope.COMPANY,
                period="2000",
                target=100,
                warning=90,
            )
        )
        _, token = kpi_tokens.create(session=session, workspace_id=ws.id or 0, name="bench")
    app = build_app(Runtime(config=AppConfig(), engine=engine), Core(engine))
    headers = {"Authorization": f"Bearer {token}"}
    with serve_asgi(app) as base, httpx.Client(base_url=base, timeout=120) as client:
        total, started = 0, time.perf_counter()
        body: dict[str, object] = {}
        for batch in range(args.batches):
            readings = [
                {
                    "id": f"b{batch}-{n}",
                    "kpi": "OUTPUT",
                    "scope": "company",
                    "period": "2000-01",
                    "value": n % 120,
                }
                for n in range(args.size)
            ]
            body = {"readings": readings}
            response = client.post("/api/v1/kpi/readings", json=body, headers=headers)
            response.raise_for_status()
            total += response.json()["created"]
        elapsed = time.perf_counter() - started
        again = time.perf_counter()
        client.post("/api/v1/kpi/readings", json=body, headers=headers).raise_for_status()
        resend = time.perf_counter() - again
    print(
        f"{engine.dialect.name}: {total} readings in {elapsed:.2f}s = {total / elapsed:,.0f}/s; "
        f"resending a batch of {args.size} (all duplicates): {resend:.2f}s"
    )
    engine.dispose()


if __name__ == "__main__":
    main()
