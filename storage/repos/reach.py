"""People a platform could not find by email (`platform_miss`)."""

from __future__ import annotations

from datetime import datetime

import sqlalchemy as sa
from sqlmodel import Session, col, select

from storage.models import Person, Platform, PlatformMiss


def recent_miss(
    *, session: Session, person_id: int, platform: Platform, since: datetime
) -> PlatformMiss | None:
    """The person's miss on this platform when it was checked after `since`."""
    miss = session.exec(
        select(PlatformMiss).where(
            PlatformMiss.person_id == person_id, PlatformMiss.platform == platform
        )
    ).first()
    return miss if miss is not None and miss.checked_at > since else None


def record_miss(
    *,
    session: Session,
    workspace_id: int,
    person_id: int,
    platform: Platform,
    reason: str,
    now: datetime,
) -> PlatformMiss:
    """Remember that the platform does not know this person (counting repeated misses)."""
    miss = session.exec(
        select(PlatformMiss).where(
            PlatformMiss.person_id == person_id, PlatformMiss.platform == platform
        )
    ).first()
    if miss is None:
        miss = PlatformMiss(
            workspace_id=workspace_id,
            person_id=person_id,
            platform=platform,
            reason=reason[:200],
            first_missed_at=now,
            checked_at=now,
        )
    else:
        miss.misses += 1
        miss.reason, miss.checked_at = reason[:200], now
    session.add(miss)
    session.flush()
    return miss


def clear_miss(*, session: Session, person_id: int, platform: Platform) -> None:
    """The person's platform id is known now."""
    session.execute(
        sa.delete(PlatformMiss).where(
            col(PlatformMiss.person_id) == person_id, col(PlatformMiss.platform) == platform
        )
    )


def unreachable(*, session: Session, workspace_id: int) -> list[tuple[Person, PlatformMiss]]:
    """Active people of a workspace no platform could find, by name."""
    rows = session.exec(
        select(Person, PlatformMiss)
        .join(PlatformMiss, col(PlatformMiss.person_id) == col(Person.id))
        .where(PlatformMiss.workspace_id == workspace_id, col(Person.active).is_(True))
        .order_by(col(Person.name), col(Person.id))
    ).all()
    return [(person, miss) for person, miss in rows]
