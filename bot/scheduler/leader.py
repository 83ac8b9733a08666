"""Leader election: only one replica runs the schedules.

PostgreSQL: a session advisory lock held on a dedicated, non-pooled connection; when the
leader dies its connection closes, the lock is released, and the next follower to poll takes
over. SQLite: one process, always the leader.
"""

from __future__ import annotations

import contextlib
import logging

import sqlalchemy as sa
from sqlalchemy.engine import Connection, Engine

log = logging.getLogger("okrbot.scheduler")

LOCK_KEY = 0x6F6B72626F74  # "okrbot"


class LeaderLock:
    """`poll()` says whether this process leads now (taking the lock when it is free)."""

    def __init__(self, engine: Engine, key: int = LOCK_KEY) -> None:
        self.key = key
        self._is_postgres = engine.dialect.name == "postgresql"
        self._engine = (
            sa.create_engine(engine.url, poolclass=sa.pool.NullPool) if self._is_postgres else None
        )
        self._connection: Connection | None = None

    def poll(self) -> bool:
        if self._engine is None:
            return True
        try:
            if self._connection is not None:
                self._connection.execute(sa.text("SELECT 1"))
                return True
            connection = self._engine.connect()
            got = connection.execute(
                sa.text("SELECT pg_try_advisory_lock(:key)"), {"key": self.key}
            ).scalar()
            connection.commit()
            if got:
                self._connection = connection
                return True
            connection.close()
        except sa.exc.DBAPIError:
            log.warning("leader lock check failed", exc_info=True)
            self.release()
        return False

    def release(self) -> None:
        if self._connection is not None:
            with contextlib.suppress(sa.exc.DBAPIError):
                self._connection.close()
            self._connection = None
