"""Delegation: a manager names someone to decide their approvals while they are away.

One delegate at a time; it lasts until the day given (inclusive, in the manager's time zone)
or until called off. The rule "in force on a day" lives here, for access checks and for the
approval requests that go to the delegate as well."""

from __future__ import annotations

from datetime import date

import sqlalchemy as sa
from sqlmodel import Session, col, select

from storage.models import Delegation, Person, Platform
from storage.repos import audit


def in_force(today: date) -> sa.ColumnElement[bool]:
    """The SQL condition of a delegation still in force on `today`."""
    return sa.or_(col(Delegation.until).is_(None), col(Delegation.until) >= today)


def delegates_of(session: Session, manager: Person, today: date) -> list[Person]:
    """The people deciding for `manager` today (one, or none)."""
    query = (
        select(Person)
        .join(Delegation, col(Delegation.delegate_id) == col(Person.id))
        .where(
            Delegation.workspace_id == manager.workspace_id,
            Delegation.manager_id == manager.id,
            in_force(today),
            col(Person.active).is_(True),
        )
    )
    return list(session.exec(query))


def delegate(
    *,
    session: Session,
    manager: Person,
    to: Person,
    until: date | None,
    platform: Platform,
) -> None:
    """Make `to` the manager's one delegate (replacing any other), audit-logged."""
    before = [p.email for p in delegates_of(session, manager, date.min)]
    _drop(session, manager)
    session.add(
        Delegation(
            workspace_id=manager.workspace_id,
            manager_id=manager.id or 0,
            delegate_id=to.id or 0,
            until=until,
        )
    )
    session.flush()
    audit.record(
        session=session,
        workspace_id=manager.workspace_id,
        actor_id=manager.id,
        platform=platform,
        action="delegate_on",
        entity_type="person",
        entity_id=to.id,
        entity_ref=to.email,
        before={"delegates": before},
        after={"delegate": to.email, "until": until.isoformat() if until else None},
    )


def call_off(*, session: Session, manager: Person, platform: Platform) -> list[Person]:
    """End the manager's delegation; who it was (empty when there was none)."""
    ended = delegates_of(session, manager, date.min)
    if not ended:
        return []
    _drop(session, manager)
    audit.record(
        session=session,
        workspace_id=manager.workspace_id,
        actor_id=manager.id,
        platform=platform,
        action="delegate_off",
        entity_type="person",
        entity_id=manager.id,
        entity_ref=manager.email,
        before={"delegates": [p.email for p in ended]},
        after=None,
    )
    return ended


def _drop(session: Session, manager: Person) -> None:
    session.execute(
        sa.delete(Delegation).where(
            col(Delegation.workspace_id) == manager.workspace_id,
            col(Delegation.manager_id) == manager.id,
        )
    )
