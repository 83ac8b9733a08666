"""Claim a platform event id once, across replicas: the database's unique key decides."""

from __future__ import annotations

from datetime import timedelta

import sqlalchemy as sa
from sqlalchemy.engine import Engine
from sqlalchemy.exc import IntegrityError

from storage.models import Platform, ProcessedEvent
from storage.types import utcnow


def claim_event(engine: Engine, *, platform: Platform, event_id: str) -> bool:
    """True the first time an event id is claimed, False for every retry or redelivery.

    Commits on its own connection, so the claim holds even when handling fails later (a
    platform retry then does not apply a half-done update twice).
    """
    try:
        with engine.begin() as connection:
            connection.execute(
                sa.insert(ProcessedEvent).values(
                    platform=platform, event_id=event_id, created_at=utcnow()
                )
            )
    except IntegrityError:
        return False
    return True


def forget_old_events(engine: Engine, *, older_than: timedelta = timedelta(days=7)) -> int:
    """Delete claims older than any platform retries (Feishu's last retry is after 6 hours)."""
    cutoff = utcnow() - older_than
    with engine.begin() as connection:
        result = connection.execute(
            sa.delete(ProcessedEvent).where(ProcessedEvent.created_at < cutoff)  # type: ignore[arg-type]
        )
    return int(result.rowcount or 0)
