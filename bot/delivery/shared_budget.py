"""A sender's place in its platform's rate across replicas (PostgreSQL): before each send it
takes the next slot of the fleet's one schedule and waits until then, so sends from every
replica are spaced 1 / limit apart — one replica alone sends at the full limit, three together
never above it, in any stretch of a second (or a minute)."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

from sqlalchemy.engine import Engine

from storage.repos import rate_pace


@dataclass
class SharedBudget:
    """`wait()` takes the next slot and answers the seconds until it (0: send now)."""

    engine: Engine
    platform: str
    per_second: float
    per_minute: float | None = None
    # Epoch seconds; None means the database's clock (the one clock all replicas share).
    wall: Callable[[], float] | None = None

    @property
    def interval(self) -> float:
        """Seconds between two sends of the fleet: the stricter of the two limits."""
        spacing = 1.0 / self.per_second
        if self.per_minute:
            spacing = max(spacing, 60.0 / self.per_minute)
        return spacing

    def wait(self) -> float:
        """Take this send's slot in the fleet's schedule; the seconds to wait for it."""
        now = None if self.wall is None else self.wall()
        with self.engine.begin() as connection:
            return rate_pace.take_slot(
                connection, platform=self.platform, interval=self.interval, now=now
            )


def shared_budget_for(
    engine: Engine, platform: str, per_second: float, per_minute: float | None
) -> SharedBudget | None:
    """The fleet's schedule on PostgreSQL; None on SQLite (one process: its own limiter is
    all)."""
    if engine.dialect.name != "postgresql":
        return None
    return SharedBudget(engine, platform, per_second, per_minute)
