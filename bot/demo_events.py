"""The demo's live events, run through the product's own paths rather than written as rows.

A pending objective is submitted for approval (`approvals.submit`), so its manager finds
the request with its buttons in the outbox; the readings of `demo_data.ALERTED_TARGETS` are
checked as they arrive, month by month (`kpi_alerts.evaluate`), so a crossing raises a real
alert to the owner and their manager. Every row is dated when its event happened, so seeding
stays deterministic.
"""

from __future__ import annotations

from collections.abc import Iterator, Sequence
from contextlib import contextmanager
from datetime import datetime

import sqlalchemy as sa
from sqlmodel import Session, col

from commands.context import Context
from commands.operations import approvals, kpi_alerts
from digests.i18n import reader_locale
from storage.models import (
    KpiAlert,
    KpiReading,
    Objective,
    OutboxMessage,
    Person,
    Platform,
    Workspace,
)


def submit_for_approval(
    *, session: Session, workspace: Workspace, objective: Objective, owner: Person
) -> None:
    """Submit `objective` as its owner did when writing it; the manager's request is queued."""
    ctx = Context(
        session=session,
        workspace=workspace,
        person=owner,
        locale=reader_locale(owner, workspace),
        platform=Platform.CONSOLE,
        now=objective.created_at,
    )
    with _queued_at(session, workspace, objective.created_at):
        approvals.submit(ctx, objective)


def record_readings(
    readings: Sequence[KpiReading], *, session: Session, workspace: Workspace
) -> None:
    """Store one scope's readings oldest first, checking each for alerts as it arrives."""
    for reading in sorted(readings, key=lambda r: r.period):
        session.add(reading)
        session.flush()
        with _queued_at(session, workspace, reading.created_at):
            kpi_alerts.evaluate([reading], session=session, workspace=workspace, channel=None)
        _date_alerts(session, reading)


def _date_alerts(session: Session, reading: KpiReading) -> None:
    """An alert raised or recovered by `reading` happened when the reading was recorded."""
    session.execute(
        sa.update(KpiAlert)
        .where(col(KpiAlert.reading_id) == reading.id)
        .values(created_at=reading.created_at)
    )
    session.execute(
        sa.update(KpiAlert)
        .where(col(KpiAlert.recovery_reading_id) == reading.id)
        .values(recovered_at=reading.created_at)
    )


@contextmanager
def _queued_at(session: Session, workspace: Workspace, moment: datetime) -> Iterator[None]:
    """Messages queued inside the block are dated (and due) at `moment`, not at seeding time."""
    last = _last_outbox_id(session, workspace)
    yield
    session.execute(
        sa.update(OutboxMessage)
        .where(
            col(OutboxMessage.workspace_id) == workspace.id,
            col(OutboxMessage.id) > last,
        )
        .values(created_at=moment, due_at=moment)
    )


def _last_outbox_id(session: Session, workspace: Workspace) -> int:
    query = sa.select(sa.func.max(col(OutboxMessage.id))).where(
        col(OutboxMessage.workspace_id) == workspace.id
    )
    return session.execute(query).scalar_one_or_none() or 0
