"""The fleet's shared send budget: each replica takes a send from the current window's row
(a second, a minute) before sending; when the window is spent it waits for the next one.

One statement a window: INSERT … ON CONFLICT DO UPDATE … WHERE used < limit RETURNING, so
replicas never overdraw it and a replica alone gets the whole of it.
"""

from __future__ import annotations

import math

import sqlalchemy as sa
from sqlalchemy.dialects import postgresql
from sqlalchemy.engine import Connection

from storage.models import RateBudget

TABLE = RateBudget.__table__  # type: ignore[attr-defined]
KEEP_SECONDS = 3600  # windows older than this are deleted now and then


def take(
    connection: Connection, *, platform: str, now: float, windows: list[tuple[int, float]]
) -> float:
    """Take one send at `now` (epoch seconds) from each (window length, limit); 0 when taken,
    else the seconds until the first exhausted window ends (nothing is taken then)."""
    taken: list[tuple[int, int]] = []
    for length, limit in windows:
        start = int(now // length) * length
        statement = (
            postgresql.insert(TABLE)
            .values(platform=platform, window_seconds=length, window_start=start, used=1)
            .on_conflict_do_update(
                index_elements=["platform", "window_seconds", "window_start"],
                set_={"used": TABLE.c.used + 1},
                where=TABLE.c.used < math.floor(limit),
            )
            .returning(TABLE.c.used)
        )
        if connection.execute(statement).first() is None:
            for done_length, done_start in taken:  # give back what the other windows took
                connection.execute(
                    sa.update(TABLE)
                    .where(
                        TABLE.c.platform == platform,
                        TABLE.c.window_seconds == done_length,
                        TABLE.c.window_start == done_start,
                    )
                    .values(used=TABLE.c.used - 1)
                )
            return max(0.001, start + length - now)
        taken.append((length, start))
    return 0.0


def forget_old(connection: Connection, *, now: float) -> int:
    """Delete windows long over; how many."""
    result = connection.execute(
        sa.delete(TABLE).where(TABLE.c.window_start < int(now) - KEEP_SECONDS)
    )
    return int(result.rowcount or 0)
