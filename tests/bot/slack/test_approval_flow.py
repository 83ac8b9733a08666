"""The approval flow end to end through the real bolt App: Ana submits the `/okr new` form,
Lara gets the request (valid Block Kit with inputs and buttons), Bob's click is refused, Lara's
Approve updates the message in place and tells Ana."""

from __future__ import annotations

import itertools
import json
from collections.abc import Iterator
from typing import Any

import pytest
from sqlalchemy.engine import Engine
from sqlmodel import Session, select

from bot.slack.blockkit import render_message
from storage.models import (
    ApprovalRequest,
    FlowRun,
    Objective,
    ObjectiveStatus,
    Person,
    Platform,
    Role,
)
from tests import factories
from tests.bot.slack.conftest import TEAM, Served, serve_slack, slack_user
from tests.bot.slack.stub_slack import StubSlack
from tests.bot.slack.test_commands import reply_to, valid_blocks
from tests.flows.conftest import inbox_messages


@pytest.fixture
def team_served(engine: Engine, stub: StubSlack, session: Session) -> Iterator[Served]:
    ws = factories.workspace(session, "acme", platform=Platform.SLACK, external_id=TEAM)
    lara = factories.person(session, ws, "lara@example.com", "Lara Lead", role=Role.MANAGER)
    factories.person(session, ws, "ana@example.com", "Ana Lima", manager_id=lara.id)
    factories.person(session, ws, "bob@example.com", "Bob Brown", manager_id=lara.id)
    factories.cycle(session, ws)
    session.commit()
    stub.users |= {
        "U_LARA": slack_user("lara@example.com"),
        "U_BOB": slack_user("bob@example.com"),
    }
    with serve_slack(engine, stub) as running:
        yield running


_ACTION_TS = itertools.count(1)


def click(
    user: str, action_id: str, value: str, values: dict[str, dict[str, Any]]
) -> dict[str, Any]:
    """A block_actions payload; each click has its own `action_ts`, as Slack's do."""
    action_ts = f"1700000000.{next(_ACTION_TS):06d}"
    return {
        "type": "block_actions",
        "team": {"id": TEAM},
        "user": {"id": user, "team_id": TEAM},
        "trigger_id": "trig",
        "container": {"type": "message", "message_ts": "1700.1", "channel_id": "D-OPENED"},
        "channel": {"id": "D-OPENED"},
        "response_url": "http://127.0.0.1:9/unused",
        "state": {"values": values},
        "actions": [
            {
                "type": "button",
                "action_id": action_id,
                "value": value,
                "block_id": "b",
                "action_ts": action_ts,
            }
        ],
    }


def text_input(name: str, value: str) -> dict[str, dict[str, Any]]:
    return {name: {name: {"type": "plain_text_input", "value": value}}}


def test_approval_through_slack(engine: Engine, team_served: Served) -> None:
    served = team_served
    # No trigger_id (or an expired one): the form comes as message inputs.
    form = reply_to(served, "U_ANA", "/okr", "new", trigger_id="")
    assert '"type": "input"' in form
    assert "okr.new.submit" in form
    with Session(engine) as session:
        run = session.exec(select(FlowRun)).one()
        token = f"{run.id}:{run.version}"
    values = text_input("title", "Win the EV segment") | text_input(
        "kr1", "Sign EV accounts | 0 5 accounts"
    )
    served.interactive(click("U_ANA", "okr.new.submit", token, values))
    (submitted,) = served.stub.wait_for("chat.update")
    assert "is with Lara Lead for approval" in json.dumps(submitted.params["blocks"])

    with Session(engine) as session:
        assert session.exec(select(Objective)).one().status is ObjectiveStatus.PENDING
        request = session.exec(select(ApprovalRequest)).one()
    with Session(engine) as session:
        manager = session.exec(select(Person).where(Person.email == "lara@example.com")).one()
        ana = session.exec(select(Person).where(Person.email == "ana@example.com")).one()
    (approval_request,) = inbox_messages(engine, manager)
    blocks = render_message(approval_request)["blocks"]
    shown = valid_blocks(blocks)
    assert "Approval request from Ana Lima" in shown
    assert [b["type"] for b in blocks].count("input") == 1
    buttons = [e["action_id"] for b in blocks if b["type"] == "actions" for e in b["elements"]]
    assert buttons == ["okr.approve", "okr.changes", "okr.reject"]

    served.interactive(click("U_BOB", "okr.approve", str(request.id), {}))
    refused = served.stub.wait_for("chat.update", count=2)[-1]
    assert "no longer exists" in json.dumps(refused.params["blocks"])  # Bob may not see it

    served.interactive(
        click("U_LARA", "okr.approve", str(request.id), text_input("comment", "Go for it"))
    )
    approved = served.stub.wait_for("chat.update", count=3)[-1]
    assert "Approved O-1" in json.dumps(approved.params["blocks"])
    with Session(engine) as session:
        assert session.exec(select(Objective)).one().status is ObjectiveStatus.APPROVED
    told = json.dumps([m.model_dump() for m in inbox_messages(engine, ana)])
    assert "Lara Lead approved O-1" in told
    assert "Go for it" in told
