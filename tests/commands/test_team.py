"""`/okr team`: a manager sees each direct report's objectives (progress, confidence) and the
approvals waiting for them; someone with no reports is told so. Runs on SQLite and PostgreSQL."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import timedelta
from typing import Any

import pytest
from sqlalchemy.engine import Engine
from sqlmodel import Session, select

from bot.text import render_text
from commands.actions import Action
from commands.grammar import parse
from commands.types import OkrTeam
from digests.message import Actions, Message
from storage.models import (
    ApprovalRequest,
    ApprovalStatus,
    CheckIn,
    ObjectiveStatus,
    OutboxMessage,
    Person,
    Role,
    Workspace,
)
from storage.models.enums import Confidence
from tests import factories
from tests.flows.conftest import inbox_messages, reply
from tests.suite_clock import suite_now


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


def test_pending_and_draft_objectives_are_named_by_status_not_as_on_track(
    engine: Engine, team: Team
) -> None:
    shown = render_text(reply(engine, team.lara, "/okr team"))
    assert "O-2 Open Shenzhen — awaiting approval" in shown
    pending_line = next(line for line in shown.splitlines() if "Open Shenzhen" in line)
    assert "on track" not in pending_line
    assert "0%" not in pending_line


def test_no_approve_hint_when_nothing_waits(engine: Engine, team: Team, session: Session) -> None:
    assert "/okr approve O-n" in render_text(reply(engine, team.lara, "/okr team"))
    for request in session.exec(select(ApprovalRequest)):
        request.status = ApprovalStatus.APPROVED
        session.add(request)
    session.commit()
    shown = render_text(reply(engine, team.lara, "/okr team"))
    assert "/okr approve" not in shown
    assert "approval request" not in shown


@pytest.fixture
def week(session: Session, team: Team) -> Team:
    """Now-dated: a cycle around the suite's today; Bob owns a KR too; Ana checked in
    this week, Bob only last week; Cai has nothing to check in on."""
    ws = session.get(Workspace, team.lara.workspace_id)
    assert ws is not None
    today = suite_now().date()
    cycle = factories.cycle(
        session,
        ws,
        "now",
        start_date=today - timedelta(days=40),
        end_date=today + timedelta(days=40),
    )
    for owner, title in [(team.ana, "Sign EV accounts"), (team.bob, "Open two depots")]:
        objective = factories.objective(session, ws, cycle, owner, f"{owner.name}'s objective")
        kr = factories.key_result(session, objective, owner, title, target=5)
        assert kr.id is not None
        assert owner.id is not None
        assert ws.id is not None
        when = suite_now() - (timedelta(days=8) if owner is team.bob else timedelta(0))
        session.add(
            CheckIn(
                workspace_id=ws.id,
                key_result_id=kr.id,
                person_id=owner.id,
                value=1,
                previous_value=0,
                confidence=Confidence.ON_TRACK,
                created_at=when,
            )
        )
    factories.person(session, ws, "cai@example.com", "Cai Chen", manager_id=team.lara.id)
    session.commit()
    return team


def now_reply(engine: Engine, who: Person, text: str = "", **kwargs: Any) -> Message:
    return reply(engine, who, text, at=suite_now(), **kwargs)


def nudges(engine: Engine) -> list[tuple[int, str]]:
    with Session(engine) as session:
        rows = session.exec(select(OutboxMessage).where(OutboxMessage.kind == "team_nudge"))
        return [(row.person_id, row.dedupe_key) for row in rows]


def test_who_has_and_has_not_checked_in_this_week(engine: Engine, week: Team) -> None:
    shown = render_text(now_reply(engine, week.lara, "/okr team"))
    assert "This week's check-ins: 1 of 2" in shown
    assert "Checked in: Ana Lima" in shown
    assert "Not yet: Bob Brown" in shown
    assert "Nothing to check in on: Cai Chen" in shown
    assert "[Nudge Bob Brown]" in shown
    assert "Nudge Ana" not in shown


def test_one_click_nudges_once_a_week(engine: Engine, week: Team) -> None:
    team = now_reply(engine, week.lara, "/okr team")
    (nudge,) = [b for block in team.blocks if isinstance(block, Actions) for b in block.buttons]
    assert (nudge.action_id, nudge.value) == ("team.nudge", str(week.bob.id))
    clicked = render_text(now_reply(engine, week.lara, action=Action(nudge.action_id, nudge.value)))
    assert "Reminded Bob Brown to check in." in clicked
    assert "Not yet: Bob Brown (reminded)" in clicked
    assert "[Nudge Bob Brown]" not in clicked
    again = render_text(now_reply(engine, week.lara, action=Action(nudge.action_id, nudge.value)))
    assert "Bob Brown was reminded this week already" in again
    assert nudges(engine) == [(week.bob.id, nudges(engine)[0][1])]
    (told,) = inbox_messages(engine, week.bob)
    text = render_text(told)
    assert "Lara Lead reminds you to check in on your key results this week: KR-" in text
    buttons = [
        b.action_id for block in told.blocks if isinstance(block, Actions) for b in block.buttons
    ]
    assert buttons == ["checkin.form", "checkin.start"]


def test_only_the_manager_nudges_their_own_reports(engine: Engine, week: Team) -> None:
    refused = render_text(
        now_reply(engine, week.ana, action=Action("team.nudge", str(week.bob.id)))
    )
    assert "Bob Brown does not report to you" in refused
    unknown = render_text(now_reply(engine, week.lara, action=Action("team.nudge", "99999")))
    assert "no longer on your team" in unknown
    assert nudges(engine) == []


def test_the_week_in_chinese(engine: Engine, week: Team, session: Session) -> None:
    lara = session.get(Person, week.lara.id)
    assert lara is not None
    lara.locale = "zh-CN"
    session.add(lara)
    session.commit()
    shown = render_text(now_reply(engine, lara, "目标 团队"))
    assert "本周打卡：1/2" in shown
    assert "未打卡：Bob Brown" in shown
    assert "[提醒 Bob Brown]" in shown
