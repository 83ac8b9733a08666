"""The fleet's shared send schedule: each send, from any replica, takes the next slot of its
platform's schedule — the later of now and the previous slot plus one interval — and waits
until it. So sends are spaced one interval apart across the fleet: one replica alone sends at
the full rate, three together never faster, and no two windows can meet in a burst.

One statement a send (INSERT … ON CONFLICT DO UPDATE … RETURNING): the row lock orders
concurrent askers. Time is the database's clock (`clock_timestamp()`, one clock for every
replica) unless the caller passes its own `now`.
"""

from __future__ import annotations

import sqlalchemy as sa
from sqlalchemy.dialects import postgresql
from sqlalchemy.engine import Connection

from storage.models import RatePace

TABLE = RatePace.__table__  # type: ignore[attr-defined]
DATABASE_NOW = sa.func.extract("epoch", sa.func.clock_timestamp())


def take_slot(
    connection: Connection, *, platform: str, interval: float, now: float | None = None
) -> float:
    """Take the platform's next send slot; the seconds from now until it (0: send at once).

    After an idle spell the schedule starts again from now: missed slots are not made up."""
    current = DATABASE_NOW if now is None else sa.literal(now, sa.Float())
    statement = (
        postgresql.insert(TABLE)
        .values(platform=platform, last_slot=current)
        .on_conflict_do_update(
            index_elements=["platform"],
            set_={"last_slot": sa.func.greatest(current, TABLE.c.last_slot + interval)},
        )
        .returning(TABLE.c.last_slot, current)
    )
    slot, at = connection.execute(statement).one()
    return max(0.0, float(slot) - float(at))
