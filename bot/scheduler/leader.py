"""Leader election: only one replica runs the schedules.

PostgreSQL: a session advisory lock held on a dedicated, non-pooled connection; when the
leader dies its connection closes, the lock is released, and the next follower to poll takes
over. SQLite: one process, always the leader.
"""

from __future__ import annotations

import contextlib
import logging
import threading

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
        self._mutex = threading.RLock()  # the poll loop and job threads share the connection

    def holds(self) -> bool:
        """Whether this process still holds the lock, asked on the lock's own connection right
        now (before each job run): a dropped connection means the lock is gone — another
        replica may already lead — so this process stops leading at once."""
        if self._engine is None:
            return True
        with self._mutex:
            if self._connection is None:
                return False
            try:
                self._connection.execute(sa.text("SELECT 1"))
                return True
            except sa.exc.DBAPIError:
                log.warning("leader lock connection lost: stepping down")
                self.release()
                return False

    def backend_pid(self) -> int | None:
        """The PostgreSQL backend holding the lock (for operators and tests), if any."""
        with self._mutex:
            if self._connection is None:
                return None
            return int(self._connection.execute(sa.text("SELECT pg_backend_pid()")).scalar_one())

    def poll(self) -> bool:
        if self._engine is None:
            return True
        with self._mutex:
            return self._poll()

    def _poll(self) -> bool:
        assert self._engine is not None
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
        with self._mutex:
            self._release()

    def _release(self) -> None:
        if self._connection is not None:
            with contextlib.suppress(sa.exc.DBAPIError):
                self._connection.close()
            self._connection = None
