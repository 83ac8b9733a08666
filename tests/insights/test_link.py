"""`/okr link KR-n CODE`: parsing, the dialogue on both databases, and a linked pair in the
review report."""

from __future__ import annotations

import random

import pytest
from sqlalchemy.engine import Engine
from sqlmodel import Session, select

from commands.grammar import parse
from commands.types import CommandError, OkrLink
from storage.models import AuditLog, KrKpiLink
from tests import factories
from tests.insights.conftest import Company
from tests.insights.test_hr_insights import say
from tests.insights.test_review_relations import kpi, report, weekly_check_ins, weekly_readings


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("/okr link KR-3 csat", OkrLink(3, "CSAT")),
        ("/okr 关联 3 CSAT", OkrLink(3, "CSAT")),
        ("okr link kr-3", OkrLink(3)),
        ("/okr unlink KR-3 CSAT", OkrLink(3, "CSAT", remove=True)),
        ("/okr 取消关联 KR-3 CSAT", OkrLink(3, "CSAT", remove=True)),
    ],
)
def test_parse(text: str, expected: OkrLink) -> None:
    assert parse(text) == expected


@pytest.mark.parametrize(
    ("text", "key"),
    [
        ("/okr link", "error.missing_kr_ref"),
        ("/okr link O-3 CSAT", "error.bad_kr_ref"),
        ("/okr link KR-3 9X", "error.bad_kpi_code"),
        ("/okr link KR-3 CSAT more", "error.too_many_args"),
        ("/okr unlink KR-3", "error.missing_kpi_code"),
    ],
)
def test_bad_input_names_the_problem(text: str, key: str) -> None:
    with pytest.raises(CommandError) as raised:
        parse(text)
    assert raised.value.key == key
    assert raised.value.usage in ("okr.link", "okr.unlink")


def test_link_dialogue(engine: Engine, company: Company) -> None:
    ana, oli, hr = company.ana, company.oli, company.hr
    assert "KR-1 is not linked with any KPI" in say(engine, ana, "/okr link KR-1")
    assert "Linked KR-1 “New-customer conversion” with KPI LOSS (Loss rate)" in say(
        engine, ana, "/okr link KR-1 loss"
    )
    assert "KR-1 is already linked with KPI LOSS." in say(engine, ana, "/okr link KR-1 LOSS")
    assert "is linked with KPI LOSS." in say(engine, oli, "/okr link KR-1")  # a public KR
    refused = say(engine, oli, "/okr unlink KR-1 LOSS")
    assert "Only KR-1's owner, their managers and HR admins" in refused
    assert "There is no KPI “NOPE”" in say(engine, ana, "/okr link KR-1 NOPE")
    assert "/okr link KR-n [CODE]" in say(engine, ana, "/okr link KR-1 NOPE")
    assert "KR-1 is no longer linked with KPI LOSS." in say(engine, hr, "/okr unlink KR-1 LOSS")
    assert "was not linked" in say(engine, company.boss, "/okr unlink KR-1 LOSS")
    with Session(engine) as session:
        assert session.exec(select(KrKpiLink)).all() == []
        actions = [row.action for row in session.exec(select(AuditLog))]
        assert actions.count("kr_kpi_linked") == 1
        assert actions.count("kr_kpi_unlinked") == 1


def test_chinese_link_reply(engine: Engine, company: Company) -> None:
    reply = say(engine, company.hr_zh, "/okr 关联 KR-1 LOSS")
    assert "已将 KR-1「New-customer conversion」与 KPI LOSS（Loss rate）关联" in reply


def test_a_linked_company_kpi_is_compared(session: Session) -> None:
    rng = random.Random(9)
    ws = factories.workspace(session, "acme")
    sales = factories.department(session, ws, "Sales")
    ana = factories.person(session, ws, "ana@example.com", "Ana Lima", department_id=sales.id)
    cycle = factories.cycle(session, ws)
    objective = factories.objective(session, ws, cycle, ana, "Win the EV segment")
    kr = factories.key_result(session, objective, ana, "New-customer conversion", target=100)
    steps = [rng.uniform(0, 8) for _ in range(12)]
    values = [sum(steps[: i + 1]) for i in range(12)]
    weekly_check_ins(session, kr, values)
    revenue = kpi(session, ws, "REV", "Revenue", "营收")
    weekly_readings(session, revenue, None, [1000 + 20 * v for v in values])  # company-wide
    session.commit()
    assert "moved with KPI" not in report(session, cycle, ana)  # not the same department
    session.add(KrKpiLink(workspace_id=ws.id, key_result_id=kr.id, kpi_id=revenue.id))
    session.commit()
    text = report(session, cycle, ana)
    assert (
        "Sales team's KR 'New-customer conversion' moved with KPI 'Revenue', ρ = 1.00 "
        "over 11 weeks (strong)" in text
    )
