"""A KPI alert card's buttons through the real lark dispatcher (encrypted, signed callbacks):
Send feedback answers with a card form, its submit keeps the note and tells the employee in
Chinese; the employee's Reply opens a form too and the answer is kept; Assign's form submit
hands the alert over and the card shows the assignee; a teammate's click is refused."""

from __future__ import annotations

import json
from typing import Any

import pytest
from sqlalchemy.engine import Engine
from sqlmodel import Session, col, select

from commands.operations.kpi_intake import ingest
from storage.models import (
    KpiAlert,
    KpiDefinition,
    KpiDirection,
    KpiFeedback,
    KpiScope,
    KpiTarget,
    OutboxMessage,
    ReadingSource,
    Role,
)
from tests import factories
from tests.bot.feishu import events
from tests.bot.feishu.conftest import Company, Feishu
from tests.bot.feishu.test_webhook import post


@pytest.fixture
def company(session: Session) -> Company:
    """Jun (English) manages Hao (Chinese) and Mei; Hao's loss rate crossed its threshold."""
    ws = factories.workspace(session, "acme", language="zh-CN", timezone="Asia/Shanghai")
    shop = factories.department(session, ws, "Workshop")
    jun = factories.person(session, ws, "jun@acme.com", "Jun Li", role=Role.MANAGER, locale="en")
    hao = factories.person(
        session, ws, "hao@acme.com", "王浩", manager_id=jun.id, department_id=shop.id
    )
    factories.person(
        session, ws, "mei@acme.com", "Mei Chen", manager_id=jun.id, department_id=shop.id
    )
    loss = KpiDefinition(
        workspace_id=ws.id,
        code="LOSS_RATE",
        name="Loss rate",
        name_zh="损耗率",
        unit="%",
        direction=KpiDirection.LOWER_IS_BETTER,
        owner_id=jun.id,
    )
    session.add(loss)
    session.flush()
    session.add(
        KpiTarget(
            workspace_id=ws.id,
            kpi_id=loss.id,
            scope=KpiScope.PERSON,
            person_id=hao.id,
            period="2026-Q4",
            target=4,
            warning=4,
            critical=5,
        )
    )
    session.commit()
    row = {"kpi": "LOSS_RATE", "scope": "person:hao@acme.com", "period": "2026-11", "value": 5.5}
    ingest([row], session=session, workspace=ws, source=ReadingSource.API)
    session.commit()
    return Company(ws, jun, hao)  # (workspace, the manager, the employee)


def clicked(feishu: Feishu, open_id: str, action_id: str, value: str, **form: str) -> str:
    payload: dict[str, Any] = events.card_action(open_id=open_id, action_id=action_id, value=value)
    if form:
        payload["event"]["action"]["form_value"] = form
    response = post(feishu, payload)
    assert response.status_code == 200
    return json.dumps(response.json()["card"]["data"], ensure_ascii=False)


def test_feedback_reply_and_assign_from_the_alert_card(
    engine: Engine, feishu: Feishu, company: Company
) -> None:
    feishu.stub.users |= {
        "ou_jun": {"open_id": "ou_jun", "name": "Jun Li", "email": "jun@acme.com"},
        "ou_hao": {"open_id": "ou_hao", "name": "王浩", "email": "hao@acme.com"},
        "ou_mei": {"open_id": "ou_mei", "name": "Mei Chen", "email": "mei@acme.com"},
    }
    with Session(engine) as session:
        alert = session.exec(select(KpiAlert)).one()
    ref = str(alert.id)

    form = clicked(feishu, "ou_jun", "kpi_feedback.send", ref)
    assert "Feedback to 王浩" in form
    assert '"tag": "form"' in form
    assert '"name": "text"' in form
    sent = clicked(feishu, "ou_jun", "kpi_feedback.send", ref, text="完成率 80%，继续加油")
    assert "Feedback #1 on LOSS_RATE sent to 王浩." in sent
    with Session(engine) as session:
        note = session.exec(select(KpiFeedback)).one()
        told = session.exec(select(OutboxMessage).where(OutboxMessage.kind == "kpi_feedback")).one()
    assert (note.alert_id, note.text) == (alert.id, "完成率 80%，继续加油")
    assert told.person_id == company.wei.id  # Hao
    assert "回复" in told.payload  # the Reply button, in Hao's language

    reply_form = clicked(feishu, "ou_hao", "kpi_feedback.reply", str(note.id))
    assert "回复 Jun Li" in reply_form
    answered = clicked(
        feishu, "ou_hao", "kpi_feedback.reply", str(note.id), text="下周换新的冷却液滤网"
    )
    assert "已发送给 Jun Li" in answered
    with Session(engine) as session:
        thread = session.exec(select(KpiFeedback).order_by(col(KpiFeedback.id))).all()
    assert [(f.reply_to_id, f.text) for f in thread] == [
        (None, "完成率 80%，继续加油"),
        (note.id, "下周换新的冷却液滤网"),
    ]

    refused = clicked(feishu, "ou_mei", "kpi_alert.assign", ref, person="mei@acme.com")
    assert f"没有预警 #{ref}。" in refused
    picker = clicked(feishu, "ou_jun", "kpi_alert.assign", ref)
    assert '"tag": "select_static"' in picker
    assigned = clicked(feishu, "ou_jun", "kpi_alert.assign", ref, person="mei@acme.com", other="")
    assert f"Alert #{ref} assigned to Mei Chen." in assigned
    assert "Assigned to Mei Chen" in assigned
    with Session(engine) as session:
        stored = session.get(KpiAlert, alert.id)
        assert stored is not None
        assert stored.assigned_to_id is not None
        assigned_to = session.exec(
            select(OutboxMessage).where(OutboxMessage.kind == "kpi_alert_assigned")
        ).one()
    assert assigned_to.person_id == stored.assigned_to_id
