"""The approval flow end to end through the real lark dispatcher: Ana submits, Lara's request
is a card 2.0 form (comment input, three submit buttons); Bob's click is refused; Lara's
"request changes" click carries the form's comment, a second click changes nothing."""

from __future__ import annotations

import json
from typing import Any

import pytest
from sqlalchemy.engine import Engine
from sqlmodel import Session, select

from bot.feishu.card import render_card
from storage.models import ApprovalRequest, Objective, ObjectiveStatus, Person, Role
from tests import factories
from tests.bot.feishu import events
from tests.bot.feishu.conftest import Company, Feishu
from tests.bot.feishu.test_webhook import post
from tests.flows.conftest import ask, inbox, inbox_messages


@pytest.fixture
def company(session: Session) -> Company:
    """Lara manages Ana and Bob; Ana submits an objective in the console first."""
    ws = factories.workspace(session, "acme", language="zh-CN", timezone="Asia/Shanghai")
    lara = factories.person(
        session, ws, "lara@example.com", "Lara Lead", role=Role.MANAGER, locale="en"
    )
    ana = factories.person(
        session, ws, "ana@example.com", "Ana Lima", locale="en", manager_id=lara.id
    )
    bob = factories.person(session, ws, "bob@example.com", "Bob Brown", manager_id=lara.id)
    factories.cycle(session, ws)
    session.commit()
    return Company(ws, ana, bob)


def clicked(feishu: Feishu, open_id: str, action_id: str, value: str, **form: str) -> str:
    payload: dict[str, Any] = events.card_action(open_id=open_id, action_id=action_id, value=value)
    if form:
        payload["event"]["action"]["form_value"] = form
    response = post(feishu, payload)
    assert response.status_code == 200
    return json.dumps(response.json()["card"]["data"], ensure_ascii=False)


def test_approval_through_feishu(engine: Engine, feishu: Feishu, company: Company) -> None:
    feishu.stub.users |= {
        "ou_lara": {"open_id": "ou_lara", "name": "Lara Lead", "email": "lara@example.com"},
        "ou_bob": {"open_id": "ou_bob", "name": "Bob Brown", "email": "bob@example.com"},
    }
    for said in ["/okr new", "Win the EV segment", "none", "Sign EV accounts", "0 5 家", "done"]:
        ask(engine, company.ana, said)
    assert "is with Lara Lead" in ask(engine, company.ana, "submit")
    with Session(engine) as session:
        request = session.exec(select(ApprovalRequest)).one()
        lara_id = request.approver_id
    with Session(engine) as session:
        manager = session.get(Person, lara_id)
        assert manager is not None
    card = render_card(inbox_messages(engine, manager)[0], locale="en")
    (form,) = [e for e in card["body"]["elements"] if e["tag"] == "form"]
    assert [e["tag"] for e in form["elements"]] == ["input", "button", "button", "button"]
    assert {e.get("form_action_type") for e in form["elements"][1:]} == {"submit"}

    refused = clicked(feishu, "ou_bob", "okr.approve", str(request.id))
    assert "这个审批请求已不存在" in refused

    sent_back = clicked(feishu, "ou_lara", "okr.changes", str(request.id), comment="至少 6 家")
    assert "Sent O-1" in sent_back
    again = clicked(feishu, "ou_lara", "okr.approve", str(request.id), comment="")
    assert "already decided" in again
    with Session(engine) as session:
        objective = session.exec(select(Objective)).one()
        assert objective.status is ObjectiveStatus.CHANGES_REQUESTED
    (notice,) = inbox(engine, company.ana)
    assert "至少 6 家" in notice
