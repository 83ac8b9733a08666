"""The weekly check-in prompt as people get it: the real job queues it, the real sender of a
platform renders it. Shared by the step-counting tests of each platform."""

from __future__ import annotations

from datetime import datetime, timedelta
from zoneinfo import ZoneInfo

from sqlalchemy.engine import Engine
from sqlmodel import select

from bot.config import AppConfig
from bot.scheduler.checkins import checkin_prompts
from bot.scheduler.context import JobRun
from digests.message import Message
from storage.db import session_scope
from storage.models import KeyResult, OutboxMessage, Person


def monday_ten(zone: str) -> datetime:
    """A Monday at 10:00 in `zone` (the default prompt time), inside the factories' cycle."""
    return datetime(2026, 10, 26, 10, 0, tzinfo=ZoneInfo(zone))


def queue_prompts(engine: Engine, *, zone: str = "UTC") -> dict[str, Message]:
    """Run the check-in prompt job (every KR last updated a month ago) and return the queued
    prompts by the person's email."""
    at = monday_ten(zone)
    with session_scope(engine) as session:
        for kr in session.exec(select(KeyResult)):
            kr.updated_at = at - timedelta(days=30)
            session.add(kr)
    checkin_prompts(JobRun(engine, AppConfig(), at))
    with session_scope(engine) as session:
        rows = session.exec(select(OutboxMessage).where(OutboxMessage.kind == "checkin_prompt"))
        found: dict[str, Message] = {}
        for row in rows:
            person = session.get(Person, row.person_id)
            assert person is not None
            found[person.email] = Message.model_validate_json(row.payload)
        return found
