"""The manager digest's sections to act on — goals awaiting approval, open KPI alerts,
feedback on at-risk KRs — with buttons that work through the real core; private objectives
reach only their owner's management chain; the queries per batch do not grow with team size."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, datetime

import pytest
import sqlalchemy as sa
from sqlalchemy.engine import Engine
from sqlmodel import col, select

from bot.config import AppConfig
from bot.core import Core, Inbound
from bot.feishu.card import card_content, render_card
from bot.scheduler.checkins import checkin_prompts, escalations, nudges
from bot.scheduler.context import JobRun
from bot.scheduler.digest_jobs import hr_digests, manager_digests
from bot.slack.blockkit import render_message
from bot.text import render_text
from commands.actions import Action
from commands.operations.kpi_intake import ingest
from digests.message import Actions, Form, Message
from storage.db import session_scope
from storage.models import (
    ApprovalRequest,
    ApprovalStatus,
    Confidence,
    KpiAlert,
    KpiDefinition,
    KpiDirection,
    KpiFeedback,
    KpiScope,
    KpiTarget,
    ObjectiveStatus,
    OutboxMessage,
    Platform,
    ReadingSource,
    Role,
    Visibility,
)
from tests import factories
from tests.suite_clock import at

FRIDAY = datetime(2026, 10, 30, 16, 0, tzinfo=UTC)
MONDAY = datetime(2026, 10, 26, 10, 0, tzinfo=UTC)


@dataclass
class Team:
    workspace_id: int
    boss: int  # manages ana and bob
    ana: int  # has a private objective
    bob: int  # ana's teammate, who manages dan
    dan: int
    nia: int  # another manager; eve reports to her
    eve: int  # owns a KR inside ana's private objective
    hr: int
    request_id: int


def build(engine: Engine, *, extra_reports: int = 0) -> Team:
    with session_scope(engine) as session:
        ws = factories.workspace(session, "acme")
        shop = factories.department(session, ws, "Workshop")
        cyc = factories.cycle(session, ws)
        boss = factories.person(session, ws, "boss@acme.com", "Boss", role=Role.MANAGER)
        nia = factories.person(session, ws, "nia@acme.com", "Nia", role=Role.MANAGER)
        hr = factories.person(session, ws, "hr@acme.com", "Hana", role=Role.HR_ADMIN)
        ana, bob = (
            factories.person(
                session, ws, f"{n}@acme.com", n.title(), manager_id=boss.id, department_id=shop.id
            )
            for n in ("ana", "bob")
        )
        dan = factories.person(session, ws, "dan@acme.com", "Dan", manager_id=bob.id)
        eve = factories.person(session, ws, "eve@acme.com", "Eve", manager_id=nia.id)
        for index in range(extra_reports):
            extra = factories.person(session, ws, f"x{index}@acme.com", manager_id=boss.id)
            public = factories.objective(session, ws, cyc, extra, f"Extra {index}")
            factories.key_result(session, public, extra, "Extra KR", confidence=Confidence.AT_RISK)
        secret = factories.objective(
            session, ws, cyc, ana, "Secret plan", visibility=Visibility.PRIVATE
        )
        factories.key_result(
            session, secret, ana, "Secret KR", confidence=Confidence.AT_RISK, current=10
        )
        factories.key_result(
            session, secret, eve, "Secret side KR", confidence=Confidence.OFF_TRACK
        )
        team_only = factories.objective(
            session, ws, cyc, ana, "Workshop plan", visibility=Visibility.TEAM
        )
        factories.key_result(session, team_only, ana, "Team KR", confidence=Confidence.AT_RISK)
        public = factories.objective(session, ws, cyc, ana, "Grow")
        factories.key_result(session, public, ana, "Ship", confidence=Confidence.AT_RISK)
        for person in (bob, dan, eve):
            mine = factories.objective(session, ws, cyc, person, f"{person.name} goal")
            factories.key_result(session, mine, person, f"{person.name} KR")
        pending = factories.objective(
            session, ws, cyc, bob, "Cut scrap", status=ObjectiveStatus.PENDING
        )
        request = ApprovalRequest(
            workspace_id=ws.id or 0,
            objective_id=pending.id or 0,
            requester_id=bob.id or 0,
            approver_id=boss.id,
        )
        session.add(request)
        loss = KpiDefinition(
            workspace_id=ws.id or 0,
            code="LOSS_RATE",
            name="Loss rate",
            unit="%",
            direction=KpiDirection.LOWER_IS_BETTER,
        )
        session.add(loss)
        session.flush()
        session.add(
            KpiTarget(
                workspace_id=ws.id or 0,
                kpi_id=loss.id or 0,
                scope=KpiScope.PERSON,
                person_id=ana.id,
                period="2026",
                target=3,
                warning=4,
                critical=5,
            )
        )
        session.flush()
        row = {"kpi": "LOSS_RATE", "scope": "person:ana@acme.com", "period": "2026-10"}
        ingest([row | {"value": 4.6}], session=session, workspace=ws, source=ReadingSource.API)
        return Team(
            workspace_id=ws.id or 0,
            boss=boss.id or 0,
            ana=ana.id or 0,
            bob=bob.id or 0,
            dan=dan.id or 0,
            nia=nia.id or 0,
            eve=eve.id or 0,
            hr=hr.id or 0,
            request_id=request.id or 0,
        )


def digest_of(engine: Engine, person_id: int) -> Message:
    with session_scope(engine) as session:
        row = session.exec(
            select(OutboxMessage).where(
                OutboxMessage.kind == "manager_digest", OutboxMessage.person_id == person_id
            )
        ).one()
        return Message.model_validate_json(row.payload)


def buttons(message: Message) -> list[tuple[str, str, str]]:
    return [
        (b.action_id, b.value, b.label)
        for block in message.blocks
        if isinstance(block, Actions)
        for b in block.buttons
    ]


def click(
    engine: Engine, team: Team, person_id: int, action_id: str, value: str, **form: str
) -> Message:
    at(FRIDAY)
    core = Core(engine)
    inbound = Inbound(
        Platform.CONSOLE, team.workspace_id, person_id, action=Action(action_id, value, form)
    )
    return core.handle(inbound)


def test_digest_lists_approvals_and_alerts_with_working_buttons(engine: Engine) -> None:
    team = build(engine)
    assert manager_digests(JobRun(engine, AppConfig(), FRIDAY)) == 3  # boss, bob, nia
    digest = digest_of(engine, team.boss)
    text = render_text(digest)
    assert "Goals awaiting your approval" in text
    assert "Cut scrap · Bob · new objective" in text
    assert "Open KPI alerts" in text
    with session_scope(engine) as session:
        alert = session.exec(select(KpiAlert)).one()
    assert f"#{alert.id} LOSS_RATE Ana = 4.6% (warning, 2026-10)" in text
    found = buttons(digest)
    request = str(team.request_id)
    assert [(a, v) for a, v, _ in found if a.startswith("okr.")] == [
        ("okr.approve", request),
        ("okr.changes", request),
        ("okr.reject", request),
    ]
    assert ("kpi_alert.ack", str(alert.id), f"Acknowledge #{alert.id}") in found
    feedback = [(v, label) for a, v, label in found if a == "kpi_feedback.kr"]
    assert [label for _, label in feedback] == [
        "Feedback on KR-1",
        "Feedback on KR-3",
        "Feedback on KR-4",
    ]

    slack = render_message(digest)["blocks"]
    assert [e["action_id"] for b in slack if b["type"] == "actions" for e in b["elements"]][:3] == [
        "kpi_feedback.kr",
        "kpi_feedback.kr~1",
        "kpi_feedback.kr~2",
    ]
    assert "Goals awaiting your approval" in card_content(render_card(digest))

    acked = render_text(click(engine, team, team.boss, "kpi_alert.ack", str(alert.id)))
    assert f"Alert #{alert.id} acknowledged by Boss" in acked
    approved = render_text(click(engine, team, team.boss, "okr.approve", request))
    assert "approved" in approved.lower()
    form = click(engine, team, team.boss, "kpi_feedback.kr", feedback[0][0])
    assert any(isinstance(b, Form) for b in form.blocks)
    assert "Feedback to Ana" in render_text(form)
    sent = render_text(
        click(engine, team, team.boss, "kpi_feedback.kr", feedback[0][0], text="Keep going")
    )
    assert "sent to Ana" in sent
    refused = render_text(
        click(engine, team, team.nia, "kpi_feedback.kr", feedback[0][0], text="Hi")
    )
    assert "There is no key result" in refused  # Nia may not see it: it does not exist to her
    with session_scope(engine) as session:
        stored = session.exec(select(KpiFeedback)).one()
        assert (stored.author_id, stored.recipient_id, stored.text) == (
            team.boss,
            team.ana,
            "Keep going",
        )
        assert session.get(ApprovalRequest, team.request_id).status is ApprovalStatus.APPROVED
    # next week: the alert is acknowledged and the goal decided, so neither is listed again
    next_friday = datetime(2026, 11, 6, 16, 0, tzinfo=UTC)
    assert manager_digests(JobRun(engine, AppConfig(), next_friday)) == 3
    with session_scope(engine) as session:
        latest = session.exec(
            select(OutboxMessage)
            .where(OutboxMessage.kind == "manager_digest", OutboxMessage.person_id == team.boss)
            .order_by(col(OutboxMessage.id).desc())
        ).first()
        assert latest is not None
        later = render_text(Message.model_validate_json(latest.payload))
    assert "Open KPI alerts" not in later
    assert "Goals awaiting your approval" not in later


def test_a_private_objective_never_reaches_a_teammate(engine: Engine) -> None:
    team = build(engine)
    config = AppConfig()
    checkin_prompts(JobRun(engine, config, MONDAY, force=True))
    nudges(JobRun(engine, config, MONDAY, force=True))
    escalations(JobRun(engine, config, FRIDAY, force=True))
    manager_digests(JobRun(engine, config, FRIDAY))
    hr_digests(JobRun(engine, config, FRIDAY.replace(hour=17)))
    with session_scope(engine) as session:
        rows = session.exec(select(OutboxMessage)).all()
    by_person: dict[int, str] = {}
    for row in rows:
        by_person[row.person_id] = by_person.get(row.person_id, "") + row.payload
    # the owner's manager sees all three of ana's objectives' at-risk KRs
    boss = render_text(digest_of(engine, team.boss))
    assert "Secret KR" in boss
    assert "Team KR" in boss
    # bob (ana's teammate, himself a manager), nia (eve's manager, outside ana's chain),
    # dan, eve and HR: nothing of the private objective, whatever they were sent
    for person in (team.bob, team.nia, team.dan, team.hr):
        assert "Secret" not in by_person.get(person, ""), person
    assert "Secret side KR" not in render_text(digest_of(engine, team.nia))
    assert "Team KR" not in render_text(digest_of(engine, team.nia))  # another department
    assert team.bob in by_person  # bob did get a digest (about dan)
    hr = next(r for r in rows if r.kind == "hr_digest" and r.person_id == team.hr)
    lines = render_text(Message.model_validate_json(hr.payload)).splitlines()
    # by department, counts only: ana's private objective is one of the workshop's five
    workshop = next(line for line in lines if "Workshop" in line)
    assert workshop.endswith("Check-ins: 0 of 2 · Approved goals: 4 of 5")
    assert lines[0] == "Check-ins and approvals by department"


def _selects(engine: Engine, extra_reports: int) -> int:
    count = 0

    def listen(conn: object, cursor: object, statement: str, *args: object) -> None:
        nonlocal count
        count += statement.lstrip().upper().startswith("SELECT")

    sa.event.listen(engine, "before_cursor_execute", listen)
    try:
        manager_digests(JobRun(engine, AppConfig(), FRIDAY))
    finally:
        sa.event.remove(engine, "before_cursor_execute", listen)
    return count


@pytest.mark.parametrize("extra_reports", [0, 25])
def test_reads_per_batch_do_not_grow_with_the_team(engine: Engine, extra_reports: int) -> None:
    build(engine, extra_reports=extra_reports)
    # the workspace list, the people, and one batch of sections: the same for 2 or 27 reports
    assert _selects(engine, extra_reports) == 9
