"""`/okr team`: a manager sees each direct report's objectives (progress, confidence) and the
approvals waiting for them; someone with no reports is told so. Runs on SQLite and PostgreSQL."""

from __future__ import annotations

from dataclasses import dataclass

import pytest
from sqlalchemy.engine import Engine
from sqlmodel import Session

from bot.text import render_text
from commands.grammar import parse
from commands.types import OkrTeam
from storage.models import ApprovalRequest, ObjectiveStatus, Person, Role
from storage.models.enums import Confidence
from tests import factories
from tests.flows.conftest import reply


@dataclass
class Team:
    lara: Person
    ana: Person
    bob: Person


@pytest.fixture
def team(session: Session) -> Team:
    ws = factories.workspace(session, "acme")
    lara = factories.person(session, ws, "lara@example.com", "Lara Lead", role=Role.MANAGER)
    ana = factories.person(session, ws, "ana@example.com", "Ana Lima", manager_id=lara.id)
    bob = factories.person(session, ws, "bob@example.com", "Bob Brown", manager_id=lara.id)
    cycle = factories.cycle(session, ws)
    ev = factories.objective(session, ws, cycle, ana, "Win the EV segment")
    factories.key_result(
        session, ev, ana, "Sign EV accounts", start=0, target=4, confidence=Confidence.AT_RISK
    )
    pending = factories.objective(
        session, ws, cycle, ana, "Open Shenzhen", status=ObjectiveStatus.PENDING
    )
    assert ws.id is not None
    assert pending.id is not None
    assert ana.id is not None
    session.add(
        ApprovalRequest(
            workspace_id=ws.id, objective_id=pending.id, requester_id=ana.id, approver_id=lara.id
        )
    )
    session.commit()
    return Team(lara, ana, bob)


def test_team_verb_parses_in_both_languages() -> None:
    assert parse("/okr team") == OkrTeam()
    assert parse("目标 团队") == OkrTeam()


def test_a_manager_sees_the_team(engine: Engine, team: Team) -> None:
    shown = render_text(reply(engine, team.lara, "/okr team"))
    assert "1 approval request waiting for you" in shown
    assert "Ana Lima" in shown
    assert "O-1 Win the EV segment" in shown
    assert "at risk" in shown
    assert "O-2 Open Shenzhen" in shown
    assert "Waiting for your approval: 1" in shown
    bob_part = shown.split("Bob Brown", 1)[1]
    assert "No objectives this cycle yet." in bob_part


def test_the_team_in_chinese(engine: Engine, team: Team, session: Session) -> None:
    lara = session.get(Person, team.lara.id)
    assert lara is not None
    lara.locale = "zh-CN"
    session.add(lara)
    session.commit()
    shown = render_text(reply(engine, team.lara, "目标 团队"))
    assert "我的团队" in shown
    assert "等待你审批：1" in shown


def test_someone_without_reports_has_no_team(engine: Engine, team: Team) -> None:
    message = reply(engine, team.ana, "/okr team")
    assert message.is_error
    assert "Nobody reports to you" in render_text(message)
