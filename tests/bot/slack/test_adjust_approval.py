"""A KR adjustment decided with the approval buttons through the real bolt App: the request is
valid Block Kit with the diff, Bob's click is refused, Lara's Approve changes the KR once."""

from __future__ import annotations

import json

from sqlalchemy.engine import Engine
from sqlmodel import Session, select

from bot.slack.blockkit import render_message
from storage.models import ApprovalRequest, Cycle, KeyResult, KeyResultVersion, Person, Workspace
from tests import factories
from tests.bot.slack.conftest import Served
from tests.bot.slack.test_approval_flow import click, team_served, text_input
from tests.bot.slack.test_commands import reply_to, valid_blocks
from tests.flows.conftest import inbox_messages

__all__ = ["team_served"]  # the fixture: Lara manages Ana and Bob, in a Slack workspace


def test_adjustment_approved_through_slack(
    engine: Engine, session: Session, team_served: Served
) -> None:
    served = team_served
    ana = session.exec(select(Person).where(Person.email == "ana@example.com")).one()
    lara = session.exec(select(Person).where(Person.email == "lara@example.com")).one()
    ws = session.exec(select(Workspace)).one()
    objective = factories.objective(session, ws, session.exec(select(Cycle)).one(), ana, "Win EV")
    factories.key_result(session, objective, ana, "Sign EV accounts", target=5, unit="accounts")
    session.commit()
    sent = reply_to(served, "U_ANA", "/okr", "adjust KR-1 8 the customer doubled the order")
    assert "is with Lara Lead for approval" in sent
    (request_message,) = inbox_messages(engine, lara)
    blocks = render_message(request_message)["blocks"]
    shown = valid_blocks(blocks)
    assert "Change request from Ana Lima" in shown
    assert "Target: 5 accounts → 8 accounts" in shown
    request = session.exec(select(ApprovalRequest)).one()
    served.interactive(click("U_BOB", "okr.approve", str(request.id), {}))
    refused = served.stub.wait_for("chat.update")[-1]
    assert "no longer exists" in json.dumps(refused.params["blocks"])  # Bob may not see it
    approve = click("U_LARA", "okr.approve", str(request.id), text_input("comment", "OK"))
    served.interactive(approve)
    approved = served.stub.wait_for("chat.update", count=2)[-1]
    assert "Approved KR-1" in json.dumps(approved.params["blocks"])
    # A second click (a double click: its own action_ts) finds it decided.
    served.interactive(click("U_LARA", "okr.approve", str(request.id), text_input("comment", "OK")))
    again = served.stub.wait_for("chat.update", count=3)[-1]
    assert "already decided" in json.dumps(again.params["blocks"])
    with Session(engine) as fresh:
        assert fresh.exec(select(KeyResult)).one().target_value == 8
        assert len(fresh.exec(select(KeyResultVersion)).all()) == 2
    told = json.dumps([m.model_dump() for m in inbox_messages(engine, ana)])
    assert "Lara Lead approved your change to KR-1" in told
