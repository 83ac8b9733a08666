"""Retention: old check-in notes blanked (values kept), finished delivery logs and event ids
deleted after the configured days, nothing when unset; run as the scheduler runs it."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest
from sqlalchemy.engine import Engine
from sqlmodel import Session, select

from bot.config import AppConfig, ConfigError, parse_config
from bot.scheduler.context import JobRun
from bot.scheduler.registry import JOBS, next_runs
from storage.models import (
    CheckIn,
    Confidence,
    OutboxMessage,
    OutboxStatus,
    Platform,
    ProcessedEvent,
)
from storage.retention import apply_retention
from tests import factories

NOW = datetime(2026, 11, 23, 4, 30, tzinfo=UTC)


def seed(session: Session) -> None:
    """Check-ins, outbox rows and event ids aged 5, 40 and 400 days."""
    ws = factories.workspace(session)
    person = factories.person(session, ws, "ana@example.com")
    kr = factories.key_result(
        session, factories.objective(session, ws, factories.cycle(session, ws), person), person
    )
    assert ws.id is not None
    assert person.id is not None
    assert kr.id is not None
    for age in (5, 40, 400):
        at = NOW - timedelta(days=age)
        session.add(
            CheckIn(
                workspace_id=ws.id,
                key_result_id=kr.id,
                person_id=person.id,
                value=float(age),
                previous_value=0.0,
                confidence=Confidence.ON_TRACK,
                note=f"note {age}",
                created_at=at,
            )
        )
        for status in OutboxStatus:
            session.add(
                OutboxMessage(
                    workspace_id=ws.id,
                    person_id=person.id,
                    dedupe_key=f"k:{age}:{status.value}",
                    kind="checkin_prompt",
                    payload="{}",
                    status=status,
                    created_at=at,
                )
            )
        session.add(ProcessedEvent(platform=Platform.SLACK, event_id=f"Ev{age}", created_at=at))
    session.commit()


def state(session: Session) -> tuple[dict[float, str | None], set[str], set[str]]:
    notes = {c.value: c.note for c in session.exec(select(CheckIn))}
    keys = {m.dedupe_key for m in session.exec(select(OutboxMessage))}
    events = {e.event_id for e in session.exec(select(ProcessedEvent))}
    session.expire_all()
    return notes, keys, events


def test_old_rows_go_and_numbers_stay(session: Session) -> None:
    seed(session)
    result = apply_retention(
        session=session,
        now=NOW,
        checkin_notes_days=30,
        delivery_log_days=60,
        processed_events_days=7,
    )
    session.commit()
    assert (result.notes_blanked, result.outbox_deleted, result.events_deleted) == (2, 2, 2)
    notes, keys, events = state(session)
    assert notes == {5.0: "note 5", 40.0: None, 400.0: None}
    assert "k:400:sent" not in keys
    assert "k:400:dead" not in keys
    assert {"k:400:pending", "k:400:sending", "k:40:sent", "k:40:dead"} <= keys
    assert events == {"Ev5"}
    again = apply_retention(
        session=session,
        now=NOW,
        checkin_notes_days=30,
        delivery_log_days=60,
        processed_events_days=7,
    )
    assert again.total == 0


def test_the_scheduled_job_follows_app_yaml_and_a_clock(engine: Engine, session: Session) -> None:
    seed(session)
    job = JOBS["retention"]
    assert job.run(JobRun(engine, AppConfig(), NOW)) == 0  # off unless configured
    config = parse_config(
        "retention:\n"
        "  checkin_notes_days: 30\n"
        "  delivery_log_days: 1\n"
        "  processed_events_days: 30\n"
    )
    # One day of delivery log is raised to what escalations look back on (2 missed: 22 days).
    earlier = NOW - timedelta(days=380)  # then even the oldest rows were 20 days old
    assert job.run(JobRun(engine, config, earlier)) == 0
    assert job.run(JobRun(engine, config, NOW)) == 2 + 4 + 2
    notes, keys, events = state(session)
    assert notes[5.0] == "note 5"
    assert notes[40.0] is None
    assert "k:5:sent" in keys
    assert "k:40:sent" not in keys
    assert events == {"Ev5"}
    assert next_runs(engine, config, NOW)["retention"] == datetime(2026, 11, 23, 4, 30, tzinfo=UTC)


def test_bad_retention_values_are_explained() -> None:
    with pytest.raises(ConfigError, match=r"retention\.checkin_notes_days"):
        parse_config("retention:\n  checkin_notes_days: 0\n")
    with pytest.raises(ConfigError, match=r"retention\.notes_days: unknown key"):
        parse_config("retention:\n  notes_days: 30\n")
