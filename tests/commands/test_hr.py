"""`/hr broadcast` and `/hr status` as dialogues through the real core on both databases."""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta

import pytest
from sqlalchemy.engine import Engine
from sqlmodel import Session, col, select

from bot.core import Core, Inbound
from bot.text import render_text
from commands.actions import Action
from storage.models import (
    AuditLog,
    Broadcast,
    CheckIn,
    Confidence,
    OutboxMessage,
    OutboxStatus,
    Person,
    Platform,
    Role,
)
from storage.repos import broadcasts
from tests import factories
from tests.suite_clock import at

NOW = datetime(2026, 11, 25, 9, 0, tzinfo=UTC)  # a Wednesday


@dataclass
class Org:
    hr: Person
    boss: Person
    ana: Person
    bob: Person
    ops: Person
    admin: Person


@pytest.fixture
def org(session: Session) -> Org:
    ws = factories.workspace(session, "acme", timezone="Asia/Shanghai")
    sales = factories.department(session, ws, "Sales")
    ops_dept = factories.department(session, ws, "Ops")
    hr = factories.person(session, ws, "hr@example.com", "Hana HR", role=Role.HR_ADMIN)
    admin = factories.person(session, ws, "admin@example.com", "Adam Admin", role=Role.ADMIN)
    boss = factories.person(
        session, ws, "boss@example.com", "Bea Boss", role=Role.MANAGER, department_id=sales.id
    )
    ana = factories.person(
        session, ws, "ana@example.com", "Ana Lima", manager_id=boss.id, department_id=sales.id
    )
    bob = factories.person(
        session, ws, "bob@example.com", "Bob Brown", department_id=sales.id, locale="zh-CN"
    )
    ops = factories.person(session, ws, "ops@example.com", "Oli Ops", department_id=ops_dept.id)
    factories.person(session, ws, "gone@example.com", "Gone", active=False)
    cycle = factories.cycle(session, ws)
    objective = factories.objective(session, ws, cycle, ana, "Win the EV segment")
    kr = factories.key_result(session, objective, ana, "Sign accounts", start=0, target=5)
    session.add(
        CheckIn(
            workspace_id=ws.id,
            key_result_id=kr.id,
            person_id=ana.id,
            value=1,
            previous_value=0,
            confidence=Confidence.ON_TRACK,
            created_at=NOW - timedelta(days=1),
        )
    )
    session.commit()
    return Org(hr, boss, ana, bob, ops, admin)


def say(engine: Engine, who: Person, text: str = "", action: Action | None = None) -> str:
    assert who.id is not None
    at(NOW)
    core = Core(engine)
    return render_text(
        core.handle(Inbound(Platform.CONSOLE, who.workspace_id, who.id, text, action=action))
    )


def click(engine: Engine, who: Person, action_id: str, value: str) -> str:
    return say(engine, who, action=Action(action_id, value))


def rows(engine: Engine) -> list[tuple[str, int, str]]:
    with Session(engine) as session:
        found = session.exec(select(OutboxMessage).order_by(col(OutboxMessage.id)))
        return [(row.dedupe_key, row.person_id, row.kind) for row in found]


def ids(*people: Person) -> set[int]:
    return {p.id for p in people if p.id is not None}


def test_preview_then_send_queues_one_row_per_person(engine: Engine, org: Org) -> None:
    preview = say(engine, org.hr, "/hr broadcast everyone Q4 reviews due Friday")
    assert "Audience everyone: 6 people" in preview
    assert "Q4 reviews due Friday" in preview
    assert "Send" in preview
    assert rows(engine) == []  # a preview sends nothing
    sent = click(engine, org.hr, "hr_broadcast.send", "1")
    assert "Broadcast #1 is on its way: 6 messages queued" in sent
    queued = rows(engine)
    assert sorted(key for key, _, _ in queued) == sorted(
        f"broadcast:1:{pid}" for pid in ids(org.hr, org.admin, org.boss, org.ana, org.bob, org.ops)
    )
    assert {kind for _, _, kind in queued} == {"broadcast"}
    with Session(engine) as session:
        bob_row = session.exec(
            select(OutboxMessage).where(OutboxMessage.person_id == org.bob.id)
        ).one()
        assert "来自 HR 的消息" in bob_row.payload  # each in their own language
        assert "Q4 reviews due Friday" in bob_row.payload
        assert session.exec(select(Broadcast)).one().confirmed_at is not None


def test_confirm_twice_and_send_again_add_no_duplicates(engine: Engine, org: Org) -> None:
    first = say(engine, org.hr, "/hr 广播 department:Sales Q4 reviews due Friday confirm")
    assert "3 messages queued" in first
    again = say(engine, org.hr, "/hr broadcast department:sales Q4 reviews due Friday confirm")
    assert "already sent" in again
    assert "already sent" in click(engine, org.hr, "hr_broadcast.send", "1")
    assert len(rows(engine)) == 3
    with Session(engine) as session:
        assert len(session.exec(select(Broadcast)).all()) == 1


def test_crash_mid_broadcast_resumes_without_duplicates(engine: Engine, org: Org) -> None:
    say(engine, org.hr, "/hr broadcast everyone Reviews due")
    with Session(engine) as session:  # as if a crash left only two rows behind
        for person in (org.ana, org.bob):
            assert person.id is not None
            session.add(
                OutboxMessage(
                    workspace_id=person.workspace_id,
                    person_id=person.id,
                    dedupe_key=broadcasts.key(1, person.id),
                    kind="broadcast",
                    payload="{}",
                )
            )
        session.commit()
    assert "4 messages queued" in click(engine, org.hr, "hr_broadcast.send", "1")
    assert len(rows(engine)) == 6


@pytest.mark.parametrize("who", ["ana", "boss"])
def test_only_hr_may_broadcast_or_see_status(engine: Engine, org: Org, who: str) -> None:
    person = getattr(org, who)
    for text in ("/hr broadcast everyone hello confirm", "/hr status"):
        assert "Only HR admins and admins" in say(engine, person, text)
    assert "Only HR admins and admins" in click(engine, person, "hr_broadcast.send", "1")
    assert rows(engine) == []
    assert "Audience everyone" in say(engine, org.admin, "/hr broadcast everyone hello")


@pytest.mark.parametrize(
    ("spec", "expected"),
    [
        ("everyone", ["hr", "admin", "boss", "ana", "bob", "ops"]),
        ("department:sales", ["boss", "ana", "bob"]),
        ("department:Sales,Ops", ["boss", "ana", "bob", "ops"]),
        ("department:SALES", ["boss", "ana", "bob"]),
        ("role:manager", ["boss"]),
        ("role:hr_admin", ["hr"]),
        ("managers", ["boss"]),
        ("no-checkin", ["hr", "admin", "boss", "bob", "ops"]),
        ("no-okrs", ["hr", "admin", "boss", "bob", "ops"]),
    ],
)
def test_audiences_resolve(session: Session, org: Org, spec: str, expected: list[str]) -> None:
    found = broadcasts.resolve(
        session=session, workspace_id=org.hr.workspace_id, spec=spec, now=NOW
    )
    assert {p.id for p in found} == ids(*(getattr(org, name) for name in expected))


def test_last_weeks_check_in_does_not_count_this_week(session: Session, org: Org) -> None:
    next_week = NOW + timedelta(days=7)
    found = broadcasts.resolve(
        session=session, workspace_id=org.hr.workspace_id, spec="no-checkin", now=next_week
    )
    assert org.ana.id in {p.id for p in found}


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("/hr broadcast nobody-at-all hello", "nobody-at-all is not an audience"),
        ("/hr broadcast department:Legal hello", "There is no department called Legal"),
        ("/hr broadcast role:ceo hello", "ceo is not a role"),
        ("/hr broadcast everyone", "Say who to send to and what"),
        ("/hr status abc", "abc is not a broadcast number"),
        ("/hr status 99", "There is no broadcast 99"),
        ("/hr status", "No broadcast has been sent yet"),
    ],
)
def test_bad_input_gets_a_reason_and_usage(
    engine: Engine, org: Org, text: str, expected: str
) -> None:
    reply = say(engine, org.hr, text)
    assert expected in reply
    assert "Traceback" not in reply


def test_hr_help_lists_the_hr_commands(engine: Engine, org: Org) -> None:
    reply = say(engine, org.ana, "/hr")
    assert "/hr broadcast AUDIENCE MESSAGE" in reply
    assert "/hr status [ID]" in reply


def test_the_status_of_a_draft_says_it_was_never_sent(engine: Engine, org: Org) -> None:
    say(engine, org.hr, "/hr broadcast everyone hello")
    assert "Broadcast #1 is a draft: it was previewed but never sent" in say(
        engine, org.hr, "/hr status 1"
    )
    assert "No broadcast has been sent yet" in say(engine, org.hr, "/hr status")
    click(engine, org.hr, "hr_broadcast.send", "1")
    assert "Delivered" in say(engine, org.hr, "/hr status 1")


def test_cancel_drops_the_draft(engine: Engine, org: Org) -> None:
    say(engine, org.hr, "/hr broadcast everyone hello")
    assert "cancelled" in click(engine, org.hr, "hr_broadcast.cancel", "1")
    with Session(engine) as session:
        assert session.exec(select(Broadcast)).all() == []
    assert "There is no broadcast 1" in click(engine, org.hr, "hr_broadcast.send", "1")


def _mark(engine: Engine, person: Person, status: OutboxStatus, error: str | None = None) -> None:
    with Session(engine) as session:
        row = session.exec(select(OutboxMessage).where(OutboxMessage.person_id == person.id)).one()
        row.status, row.last_error = status, error
        session.add(row)
        session.commit()


def test_status_counts_and_remind_the_rest(engine: Engine, org: Org) -> None:
    say(engine, org.hr, "/hr broadcast department:sales Q4 reviews due Friday confirm")
    _mark(engine, org.boss, OutboxStatus.SENT)
    _mark(engine, org.ana, OutboxStatus.SENT)
    _mark(engine, org.bob, OutboxStatus.DEAD, "user_not_found")
    with Session(engine) as session:  # Ana checks in after the broadcast went out
        session.add(
            CheckIn(
                workspace_id=org.ana.workspace_id,
                key_result_id=1,
                person_id=org.ana.id,
                value=2,
                previous_value=1,
                confidence=Confidence.ON_TRACK,
                created_at=NOW + timedelta(hours=1),
            )
        )
        session.commit()
    status = say(engine, org.hr, "/hr status")
    assert re.search(r"Audience:\s+department Sales · 3", status)  # as the department is spelled
    assert re.search(r"Delivered:\s+2", status)
    assert re.search(r"Pending:\s+0", status)
    assert re.search(r"Undeliverable:\s+1", status)
    assert "Undeliverable to Bob Brown: their chat account is gone or deactivated" in status
    assert re.search(r"Read:\s+not reported", status)
    assert re.search(r"Responded:\s+1", status)
    assert "Remind the rest (2)" in status
    assert say(engine, org.hr, "/hr status 1") == status

    reminded = click(engine, org.hr, "hr_broadcast.remind", "1")
    assert "Reminder round 1 for broadcast #1: 2 messages queued" in reminded
    reminders = [(key, pid) for key, pid, kind in rows(engine) if kind == "broadcast_reminder"]
    assert sorted(reminders) == sorted(
        (f"broadcast:1:remind:1:{p.id}", p.id) for p in (org.boss, org.bob)
    )
    with Session(engine) as session:  # each reminder in its reader's language
        payloads = {
            row.person_id: row.payload
            for row in session.exec(
                select(OutboxMessage).where(OutboxMessage.kind == "broadcast_reminder")
            )
        }
    assert "HR 提醒" in payloads[org.bob.id or 0]
    assert "Reminder from HR" in payloads[org.boss.id or 0]
    assert all("Q4 reviews due Friday" in payload for payload in payloads.values())
    assert "Reminder round 2" in click(engine, org.hr, "hr_broadcast.remind", "1")
    assert re.search(r"Delivered:\s+2", say(engine, org.hr, "/hr status"))  # reminders apart


def test_responded_counts_chat_actions_not_the_senders_own(engine: Engine, org: Org) -> None:
    say(engine, org.hr, "/hr broadcast everyone Please update your KRs confirm")
    assert re.search(r"Responded:\s+0", say(engine, org.hr, "/hr status"))
    assert "→" in say(engine, org.ana, "/okr update KR-1 3")
    with Session(engine) as session:  # rows carry the wall clock; put them on the test clock
        for row in session.exec(select(AuditLog)):
            row.created_at = NOW + timedelta(hours=1)
            session.add(row)
        for check_in in session.exec(select(CheckIn).where(CheckIn.value == 3)):
            check_in.created_at = NOW + timedelta(hours=1)
            session.add(check_in)
        session.commit()
    status = say(engine, org.hr, "/hr status")
    assert re.search(r"Responded:\s+1", status)
    assert "Remind the rest (5)" in status
