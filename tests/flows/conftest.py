"""A small company for flow dialogues: Ana reports to Lara (Sales head); Bob is a peer; Hana
is HR; a company objective to align to."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, datetime

import pytest
from sqlalchemy.engine import Engine
from sqlmodel import Session, select

from bot.core import Core, Inbound
from bot.text import render_text
from commands.actions import Action
from commands.settings import Settings
from digests.message import Message
from storage.models import (
    ApprovalRequest,
    OutboxMessage,
    OwnerType,
    Person,
    Platform,
    Role,
    Workspace,
)
from tests import factories
from tests.suite_clock import at as clock_at

NOW = datetime(2026, 11, 23, 9, 0, tzinfo=UTC)


@dataclass
class Team:
    workspace: Workspace
    ana: Person
    bob: Person
    lara: Person
    hana: Person
    boss: Person


@pytest.fixture
def team(session: Session) -> Team:
    ws = factories.workspace(session, "acme", timezone="Asia/Shanghai")
    sales = factories.department(session, ws, "Sales")
    boss = factories.person(session, ws, "ceo@example.com", "Cai Boss", role=Role.ADMIN)
    lara = factories.person(
        session,
        ws,
        "lara@example.com",
        "Lara Lead",
        role=Role.MANAGER,
        department_id=sales.id,
        manager_id=boss.id,
    )
    sales.head_person_id = lara.id
    ana = factories.person(
        session, ws, "ana@example.com", "Ana Lima", manager_id=lara.id, department_id=sales.id
    )
    bob = factories.person(
        session, ws, "bob@example.com", "Bob Brown", manager_id=lara.id, department_id=sales.id
    )
    hana = factories.person(session, ws, "hana@example.com", "Hana HR", role=Role.HR_ADMIN)
    cycle = factories.cycle(session, ws)
    factories.objective(
        session,
        ws,
        cycle,
        boss,
        "Lead the EV battery market",
        owner_type=OwnerType.COMPANY,
        owner_person_id=None,
    )
    session.commit()
    return Team(ws, ana, bob, lara, hana, boss)


def ask(
    engine: Engine,
    who: Person,
    text: str = "",
    *,
    action: Action | None = None,
    platform: Platform = Platform.CONSOLE,
    at: datetime = NOW,
    settings: Settings | None = None,
) -> str:
    """What the bot answers `who` (plain text)."""
    answer = reply(engine, who, text, action=action, platform=platform, at=at, settings=settings)
    return render_text(answer)


def reply(
    engine: Engine,
    who: Person,
    text: str = "",
    *,
    action: Action | None = None,
    platform: Platform = Platform.CONSOLE,
    at: datetime = NOW,
    settings: Settings | None = None,
) -> Message:
    assert who.id is not None
    clock_at(at)
    bot = Core(engine, settings=settings)
    return bot.handle(Inbound(platform, who.workspace_id, who.id, text, action=action))


def inbox(engine: Engine, who: Person) -> list[str]:
    """The messages queued for `who`, as plain text, oldest first."""
    with Session(engine) as session:
        rows = session.exec(
            select(OutboxMessage)
            .where(OutboxMessage.person_id == who.id)
            .order_by(OutboxMessage.id)
        )
        return [render_text(Message.model_validate_json(row.payload)) for row in rows]


def inbox_messages(engine: Engine, who: Person) -> list[Message]:
    with Session(engine) as session:
        rows = session.exec(
            select(OutboxMessage)
            .where(OutboxMessage.person_id == who.id)
            .order_by(OutboxMessage.id)
        )
        return [Message.model_validate_json(row.payload) for row in rows]


def approval_id(engine: Engine) -> int:
    with Session(engine) as session:
        request = session.exec(select(ApprovalRequest).order_by(ApprovalRequest.id.desc())).first()
        assert request is not None
        assert request.id is not None
        return request.id
