"""A KR adjustment decided on Feishu through the real lark dispatcher: the request card carries
the diff and the three buttons; Bob's click is refused; Lara sends it back with a comment, Ana
proposes again, Lara approves and the KR changes (SQLite and PostgreSQL)."""

from __future__ import annotations

from sqlalchemy.engine import Engine
from sqlmodel import Session, col, select

from bot.feishu.card import render_card
from storage.models import ApprovalRequest, Cycle, KeyResult, KeyResultVersion
from tests import factories
from tests.bot.feishu.conftest import Company, Feishu
from tests.bot.feishu.test_approval_flow import clicked, company
from tests.flows.conftest import ask, inbox, inbox_messages

__all__ = ["company"]  # the fixture: Lara manages Ana and Bob


def latest_request(engine: Engine) -> ApprovalRequest:
    with Session(engine) as session:
        query = select(ApprovalRequest).order_by(col(ApprovalRequest.id).desc())
        found = session.exec(query).first()
        assert found is not None
        return found


def test_adjustment_through_feishu(
    engine: Engine, session: Session, feishu: Feishu, company: Company
) -> None:
    feishu.stub.users |= {
        "ou_lara": {"open_id": "ou_lara", "name": "Lara Lead", "email": "lara@example.com"},
        "ou_bob": {"open_id": "ou_bob", "name": "Bob Brown", "email": "bob@example.com"},
    }
    cycle = session.exec(select(Cycle)).one()
    objective = factories.objective(session, company.workspace, cycle, company.ana, "Win EV")
    factories.key_result(session, objective, company.ana, "Sign EV accounts", target=5, unit="家")
    session.commit()
    assert "is with Lara Lead" in ask(engine, company.ana, "/okr adjust KR-1 8 the order doubled")
    request = latest_request(engine)
    assert request.approver_id is not None
    manager = session.get(type(company.ana), request.approver_id)
    assert manager is not None
    card = render_card(inbox_messages(engine, manager)[0], locale="en")
    shown = str(card)
    assert "Target: 5 家 → 8 家" in shown
    (form,) = [e for e in card["body"]["elements"] if e["tag"] == "form"]
    assert [e["tag"] for e in form["elements"]] == ["input", "button", "button", "button"]

    assert "这个审批请求已不存在" in clicked(feishu, "ou_bob", "okr.approve", str(request.id))
    sent_back = clicked(feishu, "ou_lara", "okr.changes", str(request.id), comment="7 is enough")
    assert "Sent KR-1" in sent_back
    (notice,) = inbox(engine, company.ana)
    assert "7 is enough" in notice
    assert "[Propose again]" in notice

    reopened = ask(engine, company.ana, "/okr adjust KR-1")
    assert "Your manager asked you to rethink it: “7 is enough”" in reopened
    for said in ["7", "the order grew by half", "submit"]:
        ask(engine, company.ana, said)
    second = latest_request(engine)
    assert "Approved KR-1" in clicked(feishu, "ou_lara", "okr.approve", str(second.id), comment="")
    with Session(engine) as fresh:
        assert fresh.exec(select(KeyResult)).one().target_value == 7
        assert len(fresh.exec(select(KeyResultVersion)).all()) == 2
