"""Data retention: old check-in notes blanked, old delivery logs and dedupe rows deleted.

Numbers are never touched: a check-in keeps its value and confidence when its note goes.
Only outbox rows that are finished (sent or dead) are deleted; pending ones stay.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta

from sqlmodel import Session, col, delete, update

from storage.models import CheckIn, OutboxMessage, OutboxStatus, ProcessedEvent


@dataclass(frozen=True)
class RetentionResult:
    """How many rows each rule changed."""

    notes_blanked: int = 0
    outbox_deleted: int = 0
    events_deleted: int = 0

    @property
    def total(self) -> int:
        return self.notes_blanked + self.outbox_deleted + self.events_deleted


def apply_retention(
    *,
    session: Session,
    now: datetime,
    checkin_notes_days: int | None,
    delivery_log_days: int | None,
    processed_events_days: int | None,
) -> RetentionResult:
    """Apply each rule that has a number of days (None switches a rule off), in the caller's
    transaction; rows older than `now` minus that many days are affected."""
    notes = outbox = events = 0
    if checkin_notes_days is not None:
        cutoff = now - timedelta(days=checkin_notes_days)
        notes = _count(
            session.exec(
                update(CheckIn)
                .where(col(CheckIn.created_at) < cutoff, col(CheckIn.note).is_not(None))
                .values(note=None)
            )
        )
    if delivery_log_days is not None:
        cutoff = now - timedelta(days=delivery_log_days)
        outbox = _count(
            session.exec(
                delete(OutboxMessage).where(
                    col(OutboxMessage.created_at) < cutoff,
                    col(OutboxMessage.status).in_([OutboxStatus.SENT, OutboxStatus.DEAD]),
                )
            )
        )
    if processed_events_days is not None:
        cutoff = now - timedelta(days=processed_events_days)
        events = _count(
            session.exec(delete(ProcessedEvent).where(col(ProcessedEvent.created_at) < cutoff))
        )
    return RetentionResult(notes_blanked=notes, outbox_deleted=outbox, events_deleted=events)


def _count(result: object) -> int:
    return int(getattr(result, "rowcount", 0) or 0)
