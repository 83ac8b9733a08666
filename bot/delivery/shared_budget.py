"""A sender's share of its platform's rate across replicas (PostgreSQL): before each send it
takes one from the fleet's window of the second (and of the minute); so one replica alone
sends at the full limit, three together never above it."""

from __future__ import annotations

import time
from collections.abc import Callable
from dataclasses import dataclass, field

from sqlalchemy.engine import Engine

from storage.repos import rate_budget


@dataclass
class SharedBudget:
    """`wait()` is the seconds until this replica may send (0: a send was taken)."""

    engine: Engine
    platform: str
    per_second: float
    per_minute: float | None = None
    wall: Callable[[], float] = time.time
    _takes: int = field(default=0)

    def windows(self) -> list[tuple[int, float]]:
        found = [(1, self.per_second)]
        if self.per_minute:
            found.append((60, self.per_minute))
        return found

    def wait(self) -> float:
        """Take one send from the fleet's budget now; else how long until there is room."""
        now = self.wall()
        with self.engine.begin() as connection:
            waited = rate_budget.take(
                connection, platform=self.platform, now=now, windows=self.windows()
            )
            self._takes += 1
            if self._takes % 1000 == 0:
                rate_budget.forget_old(connection, now=now)
        return waited


def shared_budget_for(
    engine: Engine, platform: str, per_second: float, per_minute: float | None
) -> SharedBudget | None:
    """The fleet budget on PostgreSQL; None on SQLite (one process: its own limiter is all)."""
    if engine.dialect.name != "postgresql":
        return None
    return SharedBudget(engine, platform, per_second, per_minute)
