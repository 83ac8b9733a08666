"""A controllable clock and a recording transport for the outbox worker."""

from __future__ import annotations

import threading
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta

from sqlmodel import Session

from bot.delivery.outcome import Envelope, Outcome, Sent
from digests.message import Message, Section
from storage.models import Person, PersonIdentity, Platform, Workspace
from storage.repos import outbox
from tests import factories


@dataclass
class FakeClock:
    """Wall clock and monotonic clock in one; `sleep` advances both, never blocks."""

    now: datetime = field(default_factory=lambda: datetime(2026, 11, 23, 9, 0, tzinfo=UTC))
    mono: float = 1000.0
    slept: float = 0.0

    def __call__(self) -> datetime:
        return self.now

    def monotonic(self) -> float:
        return self.mono

    def sleep(self, seconds: float) -> None:
        self.advance(seconds)
        self.slept += seconds

    def advance(self, seconds: float) -> None:
        self.now += timedelta(seconds=seconds)
        self.mono += seconds


@dataclass
class RecordingTransport:
    """Records each send; `script` may answer a send differently (by outbox id)."""

    platform: Platform = Platform.SLACK
    sent: list[int] = field(default_factory=list)
    script: Callable[[Envelope], Outcome | None] = lambda envelope: None
    lock: threading.Lock = field(default_factory=threading.Lock)

    def send(self, envelope: Envelope) -> Outcome:
        scripted = self.script(envelope)
        if scripted is not None:
            return scripted
        with self.lock:
            self.sent.append(envelope.outbox_id)
        return Sent(f"ts-{envelope.outbox_id}")


def slack_people(session: Session, count: int) -> tuple[Workspace, list[Person]]:
    """A Slack workspace with `count` people who each have a Slack user id."""
    ws = factories.workspace(session, platform=Platform.SLACK, external_id="T1")
    people = []
    for index in range(count):
        person = factories.person(session, ws, f"p{index}@example.com")
        assert ws.id is not None
        assert person.id is not None
        session.add(
            PersonIdentity(
                workspace_id=ws.id,
                person_id=person.id,
                platform=Platform.SLACK,
                external_id=f"U{index:05d}",
            )
        )
        people.append(person)
    session.flush()
    return ws, people


def enqueue_each(
    session: Session, ws: Workspace, people: list[Person], due: datetime, key: str = "m"
) -> None:
    payload = Message(blocks=[Section(text="hello")]).model_dump_json()
    for person in people:
        assert ws.id is not None
        assert person.id is not None
        outbox.enqueue(
            session=session,
            workspace_id=ws.id,
            person_id=person.id,
            dedupe_key=f"{key}:{person.id}",
            kind="test",
            payload=payload,
            due_at=due,
        )
