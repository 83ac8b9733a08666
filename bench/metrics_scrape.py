"""Cost of one `GET /metrics` scrape as the outbox backlog grows (the depth/age query runs at
scrape time), on SQLite and PostgreSQL.

Run: .venv/bin/python bench/metrics_scrape.py [--sizes 0,10000,100000] [--scrapes 20]
                                               [--postgres URL | --no-postgres]
Prints the median and worst time to render the whole registry per backlog size.
"""

from __future__ import annotations

import argparse
import os
import statistics
import sys
import tempfile
import time
import uuid
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

import sqlalchemy as sa  # noqa: E402
from prometheus_client import generate_latest  # noqa: E402
from sqlalchemy.engine import Engine  # noqa: E402
from sqlmodel import select  # noqa: E402

from bot.metrics import for_engine  # noqa: E402
from storage import migrate  # noqa: E402
from storage.db import make_engine, session_scope  # noqa: E402
from storage.models import OutboxMessage, Person, Platform, Workspace  # noqa: E402
from storage.types import utcnow  # noqa: E402

DEFAULT_PG = os.environ.get(
    "OKRBOT_TEST_POSTGRES_URL", "postgresql+psycopg://postgres@127.0.0.1:5432/test"
)


def seed_backlog(engine: Engine, total: int) -> None:
    """Grow the pending outbox of one Slack workspace to `total` rows."""
    now = utcnow()
    with session_scope(engine) as session:
        workspace = session.exec(select(Workspace)).first()
        if workspace is None:
            workspace = Workspace(
                slug="bench", name="Bench", platform=Platform.SLACK, external_id="T"
            )
            session.add(workspace)
            session.flush()
            assert workspace.id is not None
            session.add(Person(workspace_id=workspace.id, email="p@example.com", name="P"))
            session.flush()
        person = session.exec(select(Person)).first()
        assert person is not None
        person_id = person.id
        have = session.exec(select(sa.func.count()).select_from(OutboxMessage)).one()
        rows = [
            {
                "workspace_id": workspace.id,
                "person_id": person_id,
                "dedupe_key": f"bench:{n}",
                "kind": "bench",
                "payload": "{}",
                "due_at": now,
                "created_at": now,
            }
            for n in range(have, total)
        ]
        for start in range(0, len(rows), 5000):
            session.execute(sa.insert(OutboxMessage), rows[start : start + 5000])


def scrape_times(engine: Engine, scrapes: int) -> list[float]:
    registry = for_engine(engine).registry
    generate_latest(registry)  # warm up
    times = []
    for _ in range(scrapes):
        started = time.perf_counter()
        generate_latest(registry)
        times.append(time.perf_counter() - started)
    return times


def run(label: str, engine: Engine, sizes: list[int], scrapes: int) -> None:
    migrate.upgrade(engine)
    for size in sizes:
        seed_backlog(engine, size)
        times = scrape_times(engine, scrapes)
        print(
            f"{label:<10} backlog {size:>7,}  median {statistics.median(times) * 1000:7.1f} ms"
            f"  worst {max(times) * 1000:7.1f} ms"
        )


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--sizes", default="0,10000,100000")
    parser.add_argument("--scrapes", type=int, default=20)
    parser.add_argument("--postgres", default=DEFAULT_PG)
    parser.add_argument("--no-postgres", action="store_true")
    args = parser.parse_args()
    sizes = [int(s) for s in args.sizes.split(",")]
    with tempfile.TemporaryDirectory() as folder:
        engine = make_engine(f"sqlite:///{folder}/bench.db")
        run("sqlite", engine, sizes, args.scrapes)
        engine.dispose()
    if args.no_postgres:
        return
    schema = f"bench_{uuid.uuid4().hex[:8]}"
    admin = make_engine(args.postgres, poolclass=sa.pool.NullPool)
    with admin.begin() as connection:
        connection.execute(sa.text(f'CREATE SCHEMA "{schema}"'))
    try:
        separator = "&" if "?" in args.postgres else "?"
        engine = make_engine(f"{args.postgres}{separator}options=-csearch_path%3D{schema}")
        run("postgres", engine, sizes, args.scrapes)
        engine.dispose()
    finally:
        with admin.begin() as connection:
            connection.execute(sa.text(f'DROP SCHEMA "{schema}" CASCADE'))
        admin.dispose()


if __name__ == "__main__":
    main()
