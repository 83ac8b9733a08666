"""Scoring (复盘) through the real lark dispatcher: Ana scores in the console, Lara's notice is a
card with an "Add manager review" button; Bob's click is refused in Chinese, Lara's click opens
her review with Ana's score offered."""

from __future__ import annotations

import pytest
from sqlalchemy.engine import Engine
from sqlmodel import Session

from bot.feishu.card import render_card
from storage.models import CycleState, Person, Role
from tests import factories
from tests.bot.feishu.conftest import Company, Feishu
from tests.bot.feishu.test_approval_flow import clicked
from tests.flows.conftest import ask, inbox_messages


@pytest.fixture
def company(session: Session) -> Company:
    """Lara manages Ana and Bob; Ana's O-1 is in a cycle under review."""
    ws = factories.workspace(session, "acme", language="zh-CN", timezone="Asia/Shanghai")
    lara = factories.person(
        session, ws, "lara@example.com", "Lara Lead", role=Role.MANAGER, locale="en"
    )
    ana = factories.person(
        session, ws, "ana@example.com", "Ana Lima", locale="en", manager_id=lara.id
    )
    bob = factories.person(session, ws, "bob@example.com", "Bob Brown", manager_id=lara.id)
    cycle = factories.cycle(session, ws, state=CycleState.REVIEW)
    objective = factories.objective(session, ws, cycle, ana, "Win the EV segment")
    factories.key_result(session, objective, ana, "Sign EV accounts", start=0, target=5, current=4)
    session.commit()
    return Company(ws, ana, bob)


def test_manager_review_button_through_feishu(
    engine: Engine, feishu: Feishu, company: Company, session: Session
) -> None:
    feishu.stub.users |= {
        "ou_lara": {"open_id": "ou_lara", "name": "Lara Lead", "email": "lara@example.com"},
        "ou_bob": {"open_id": "ou_bob", "name": "Bob Brown", "email": "bob@example.com"},
    }
    for said in ["/okr score O-1", "ok", "Demos", "skip"]:
        ask(engine, company.ana, said)
    assert "Saved your scores and review of O-1" in ask(engine, company.ana, "Legal first")
    manager = session.get(Person, company.ana.manager_id)
    assert manager is not None
    card = render_card(inbox_messages(engine, manager)[0], locale="en")
    shown = str(card)
    assert "Review from Ana Lima" in shown
    assert "okr.review.manager" in shown

    refused = clicked(feishu, "ou_bob", "okr.review.manager", "1")
    assert "只有 Ana Lima 本人及其经理" in refused
    opened = clicked(feishu, "ou_lara", "okr.review.manager", "1")
    assert "Ana Lima scored it 0.8." in opened
    assert "Type ok to take 0.8" in opened
