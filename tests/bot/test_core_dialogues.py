"""Dialogues through the real core on a real database (SQLite and PostgreSQL).

Each case is what a person types and what the bot must answer; only the platform is stood in
for (the console adapter's plain-text rendering).
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, datetime

import pytest
import sqlalchemy as sa
from sqlalchemy.engine import Engine
from sqlmodel import Session, func, select

from bot.core import Core, Inbound
from bot.text import render_text
from storage.models import (
    AuditLog,
    CheckIn,
    Confidence,
    Direction,
    KeyResult,
    KpiDefinition,
    KpiDirection,
    KpiReading,
    KpiScope,
    KpiTarget,
    Metric,
    Person,
    Platform,
    Role,
    Visibility,
    Workspace,
)
from tests import factories
from tests.suite_clock import at

NOW = datetime(2026, 11, 23, 9, 0, tzinfo=UTC)


@dataclass
class Company:
    workspace: Workspace
    ana: Person
    bob: Person
    lead: Person
    wei: Person


@pytest.fixture
def company(session: Session) -> Company:
    ws = factories.workspace(session, "acme", timezone="Asia/Shanghai")
    sales = factories.department(session, ws, "Sales")
    lead = factories.person(
        session, ws, "lead@example.com", "Lara Lead", role=Role.MANAGER, department_id=sales.id
    )
    sales.head_person_id = lead.id
    ana = factories.person(
        session,
        ws,
        "ana@example.com",
        "Ana Lima",
        manager_id=lead.id,
        department_id=sales.id,
        locale="en",
    )
    bob = factories.person(session, ws, "bob@example.com", "Bob Brown", department_id=sales.id)
    wei = factories.person(session, ws, "wei@example.com", "张伟", locale="zh-CN")
    cycle = factories.cycle(session, ws)
    o1 = factories.objective(session, ws, cycle, ana, "Win the EV segment")
    factories.key_result(
        session, o1, ana, "Sign new EV accounts", start=0, target=5, current=2, unit="accounts"
    )
    factories.key_result(
        session,
        o1,
        ana,
        "Cut scrap rate",
        start=7,
        target=5,
        current=7,
        metric=Metric.PERCENT,
        direction=Direction.DECREASE,
    )
    factories.key_result(
        session,
        o1,
        ana,
        "Pipeline",
        start=2_000_000,
        target=8_000_000,
        current=4_500_000,
        metric=Metric.CURRENCY,
        unit="¥",
    )
    factories.key_result(
        session, o1, ana, "Launch portal", start=0, target=1, current=0, metric=Metric.BOOLEAN
    )
    o2 = factories.objective(
        session, ws, cycle, ana, "Private growth plan", visibility=Visibility.PRIVATE
    )
    factories.key_result(session, o2, ana, "Secret KR", start=0, target=10)
    loss = KpiDefinition(
        workspace_id=ws.id,
        code="LOSS_RATE",
        name="Loss rate",
        name_zh="损耗率",
        unit="%",
        direction=KpiDirection.LOWER_IS_BETTER,
    )
    session.add(loss)
    session.flush()
    company_target = KpiTarget(
        workspace_id=ws.id,
        kpi_id=loss.id,
        scope=KpiScope.COMPANY,
        period="2026",
        target=5,
        warning=5,
        critical=6,
    )
    session.add(company_target)
    session.flush()
    session.add(
        KpiTarget(
            workspace_id=ws.id,
            kpi_id=loss.id,
            scope=KpiScope.PERSON,
            person_id=ana.id,
            period="2026",
            target=4,
            warning=4,
            critical=5,
            parent_id=company_target.id,
        )
    )
    session.commit()
    return Company(ws, ana, bob, lead, wei)


def say(engine: Engine, who: Person, text: str) -> str:
    assert who.id is not None
    at(NOW)
    core = Core(engine)
    reply = core.handle(Inbound(Platform.CONSOLE, who.workspace_id, who.id, text))
    return render_text(reply)


def counts(engine: Engine) -> tuple[int, int, int]:
    with Session(engine) as session:
        return (
            session.exec(select(func.count()).select_from(CheckIn)).one(),
            session.exec(select(func.count()).select_from(AuditLog)).one(),
            session.exec(select(func.count()).select_from(KpiReading)).one(),
        )


def test_list_shows_objectives_krs_and_progress(engine: Engine, company: Company) -> None:
    text = say(engine, company.ana, "/okr")
    assert "Ana Lima — OKRs 2026-Q4" in text
    assert "O-1 Win the EV segment" in text
    assert "KR-1 Sign new EV accounts" in text
    assert "2 accounts / 5 accounts" in text
    assert "40%" in text


def test_update_records_a_check_in_and_shows_old_to_new(engine: Engine, company: Company) -> None:
    text = say(engine, company.ana, "/okr update KR-2 5.95% at-risk supplier is late")
    assert "7% → **5.95%**" not in text  # markup is stripped in plain text
    assert "7% → 5.95%" in text
    assert "0% → 52.5%" in text
    assert "supplier is late" in text
    with Session(engine) as session:
        kr = session.exec(select(KeyResult).where(KeyResult.number == 2)).one()
        assert kr.current_value == 5.95
        assert kr.confidence is Confidence.AT_RISK
        check_in = session.exec(select(CheckIn)).one()
        assert (check_in.previous_value, check_in.value) == (7, 5.95)
        assert check_in.note == "supplier is late"
        audit = session.exec(select(AuditLog)).one()
        assert (audit.action, audit.entity_ref, audit.platform) == (
            "check_in",
            "KR-2",
            Platform.CONSOLE,
        )


def test_history_is_kept_never_overwritten(engine: Engine, company: Company) -> None:
    say(engine, company.ana, "/okr update KR-1 3")
    say(engine, company.ana, "/okr update KR-1 4 on-track")
    with Session(engine) as session:
        values = [c.value for c in session.exec(select(CheckIn).order_by(sa.text("id")))]
    assert values == [3, 4]


@pytest.mark.parametrize(
    ("who", "text", "expected"),
    [
        ("ana", "/okr update KR-99 3", "There is no key result KR-99 that you can see."),
        ("bob", "/okr update KR-1 3", "KR-1 belongs to Ana Lima"),
        ("ana", "/okr update KR-1 abc", "“abc” is not a value I understand"),
        ("ana", "/okr update KR-1 ¥5", "KR-1 takes a plain number"),
        ("ana", "/okr update KR-3 50%", "KR-3 is an amount in ¥"),
        ("ana", "/okr update KR-4 7", "KR-4 is done or not done"),
        ("ana", "/okr fly", "/okr has no “fly” command."),
        ("ana", "/okr updat KR-1 3", "Did you mean /okr update?"),
        ("wei", "/okr updat KR-1 3", "你是想用 /okr update 吗？"),
        ("ana", "make coffee", "I don't know the command “make”."),
        ("wei", "/okr 更新 KR-1 3", "KR-1 属于 Ana Lima"),
        ("wei", "/okr 更新 KR-1 三", "我看不懂“三”这个数值"),
        ("ana", "/kpi record NOPE 3", "There is no KPI “NOPE”"),
        ("bob", "/kpi record LOSS_RATE 3%", "You have no LOSS_RATE target for 2026-11"),
        ("ana", "/kpi record LOSS_RATE 3% 2026-W48", "LOSS_RATE is recorded monthly"),
    ],
)
def test_bad_input_gets_a_clear_reply_and_changes_nothing(
    engine: Engine, company: Company, who: str, text: str, expected: str
) -> None:
    before = counts(engine)
    reply = say(engine, getattr(company, who), text)
    assert expected in reply
    assert "Traceback" not in reply
    assert counts(engine) == before


def test_errors_show_usage_in_the_persons_language(engine: Engine, company: Company) -> None:
    english = say(engine, company.ana, "/okr update KR-1")
    chinese = say(engine, company.wei, "/okr update KR-1")
    assert "Usage: /okr update KR-n VALUE" in english
    assert "用法：/okr 更新 KR-n 数值" in chinese


def test_private_objective_is_hidden_from_a_teammate_but_not_the_manager(
    engine: Engine, company: Company
) -> None:
    assert "Private growth plan" in say(engine, company.ana, "/okr list")
    assert "Private growth plan" not in say(engine, company.bob, "/okr list @ana")
    assert "Win the EV segment" in say(engine, company.bob, "/okr list @ana@example.com")
    assert "Private growth plan" in say(engine, company.lead, "/okr list @Ana Lima")
    assert "no objective O-2 that you can see" in say(engine, company.bob, "/okr show O-2")


def test_show_gives_owner_krs_and_latest_notes(engine: Engine, company: Company) -> None:
    say(engine, company.ana, "/okr update KR-1 3 signed BYD")
    text = say(engine, company.ana, "/okr show O-1")
    assert "Owner:      Ana Lima" in text
    assert "KR-1 Sign new EV accounts" in text
    assert "KR-1: signed BYD" in text


def test_chinese_person_gets_chinese_replies(engine: Engine, company: Company) -> None:
    text = say(engine, company.wei, "/okr 帮助")
    assert "okrbot 命令" in text
    assert "/okr 更新 KR-n 数值" in text


def test_kpi_record_list_and_show(engine: Engine, company: Company) -> None:
    recorded = say(engine, company.ana, "/kpi record LOSS_RATE 4.5%")
    assert "Recorded LOSS_RATE Loss rate = 4.5% for 2026-11 (Ana Lima)" in recorded
    assert "Target 4% · warning" in recorded
    listed = say(engine, company.ana, "/kpi list")
    assert "LOSS_RATE Loss rate · lower is better · monthly" in listed
    assert "Your target 4% · latest 4.5% (2026-11) · warning" in listed
    shown = say(engine, company.ana, "/kpi show loss_rate")
    assert "Company target 5%" in shown
    assert "Ana Lima target 4% · latest 4.5% (2026-11) · warning" in shown
    assert "Ana Lima" not in say(engine, company.bob, "/kpi show LOSS_RATE")
    assert "损耗率" in say(engine, company.wei, "/kpi 查看 LOSS_RATE")


def test_a_person_of_another_workspace_can_neither_see_nor_update(
    engine: Engine, company: Company
) -> None:
    with Session(engine, expire_on_commit=False) as session:
        other = factories.workspace(session, "globex")
        mallory = factories.person(
            session, other, "mallory@globex.example", "Mallory", role=Role.ADMIN
        )
        other_cycle = factories.cycle(session, other)
        own = factories.objective(session, other, other_cycle, mallory, "Globex goal")
        factories.key_result(session, own, mallory, "Globex KR")
        session.commit()
    before = counts(engine)
    assert "no key result KR-1 that you can see" not in say(engine, mallory, "/okr update KR-1 1")
    with Session(engine) as session:
        acme_kr = session.exec(
            select(KeyResult).where(
                KeyResult.workspace_id == company.workspace.id, KeyResult.number == 1
            )
        ).one()
        assert acme_kr.current_value == 2
    # Globex's own KR-1 was updated, never Acme's.
    assert counts(engine)[0] == before[0] + 1
    listed = say(engine, mallory, "/okr list @ana@example.com")
    assert "Win the EV segment" not in listed
    assert "I can't find “@ana@example.com”" in listed
    assert "Win the EV segment" not in say(engine, mallory, "/okr show O-1")
    assert "There is no KPI “LOSS_RATE”" in say(engine, mallory, "/kpi show LOSS_RATE")


def test_a_person_id_from_another_workspace_is_refused(engine: Engine, company: Company) -> None:
    with Session(engine, expire_on_commit=False) as session:
        other = factories.workspace(session, "globex")
        session.commit()
    assert company.ana.id is not None
    assert other.id is not None
    at(NOW)
    core = Core(engine)
    reply = core.handle(Inbound(Platform.CONSOLE, other.id, company.ana.id, "/okr"))
    assert reply.is_error
    assert "I don't know you yet in this workspace" in render_text(reply)


def test_an_unexpected_failure_becomes_a_polite_message(
    engine: Engine, company: Company, caplog: pytest.LogCaptureFixture
) -> None:
    def broken(inbound: Inbound, next_handler: object) -> object:
        raise RuntimeError("boom")

    assert company.ana.id is not None
    at(NOW)
    core = Core(engine, middlewares=[broken])  # type: ignore[list-item]
    reply = core.handle(
        Inbound(Platform.CONSOLE, company.workspace.id or 0, company.ana.id, "/okr")
    )
    text = render_text(reply)
    assert reply.is_error
    assert "something went wrong on my side" in text
    assert "boom" not in text
    assert "request failed" in caplog.text


def test_an_unexpected_failure_is_answered_in_the_workspace_language(engine: Engine) -> None:
    with Session(engine, expire_on_commit=False) as session:
        workspace = factories.workspace(session, "huabei", language="zh-CN")
        person = factories.person(session, workspace, "wang@example.com")
        session.commit()
    assert workspace.id is not None
    assert person.id is not None

    def broken(inbound: Inbound, next_handler: object) -> object:
        raise RuntimeError("boom")

    at(NOW)
    core = Core(engine, middlewares=[broken])  # type: ignore[list-item]
    reply = core.handle(Inbound(Platform.CONSOLE, workspace.id, person.id, "/okr"))
    assert reply.is_error
    assert "抱歉，我这边出错了" in render_text(reply)


def test_an_unknown_button_gets_a_polite_reply(engine: Engine, company: Company) -> None:
    from commands.actions import Action

    at(NOW)
    core = Core(engine)
    reply = core.handle(
        Inbound(
            Platform.CONSOLE,
            company.workspace.id or 0,
            company.ana.id or 0,
            action=Action("no.such.action", "1"),
        )
    )
    assert reply.is_error
    assert "This button no longer does anything" in render_text(reply)
