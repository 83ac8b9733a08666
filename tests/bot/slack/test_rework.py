"""Rework on Slack through the real bolt App: after "request changes", the notice's "Rework
it" button opens the draft prefilled in a modal; changing one target and submitting sends it
again — two clicks. The manager's request shows the diff; approving is one click."""

from __future__ import annotations

import json
from typing import Any

from sqlalchemy.engine import Engine
from sqlmodel import Session, select

from bot.delivery.outcome import Envelope, Sent
from bot.slack.sender import SlackSender, client_factory
from storage.models import KeyResult, Objective, ObjectiveStatus, Person
from tests.bot.slack import test_approval_flow
from tests.bot.slack.conftest import Served
from tests.bot.slack.test_approval_flow import click
from tests.bot.slack.test_checkin_form import buttons, clicked, filled, opened_modal
from tests.bot.slack.test_commands import valid_blocks
from tests.flows.conftest import ask, inbox_messages

team_served = test_approval_flow.team_served  # Lara manages Ana and Bob, on Slack


def person(engine: Engine, email: str) -> Person:
    with Session(engine) as session:
        return session.exec(select(Person).where(Person.email == email)).one()


def posted(
    served: Served, user: str, message_index: int, engine: Engine, email: str
) -> dict[str, Any]:
    """Deliver `email`'s queued message (by index) to Slack with the real sender."""
    message = inbox_messages(engine, person(engine, email))[message_index]
    sender = SlackSender(client_factory(base_url=served.stub.api_url, bot_token="xoxb-test"))
    before = len(served.stub.of("chat.postMessage"))
    assert isinstance(sender.send(Envelope(1, 1, 1, user, "en", message)), Sent)
    post = served.stub.wait_for("chat.postMessage", count=before + 1)[-1]
    valid_blocks(post.params["blocks"])
    return post.params


def test_rework_after_request_changes_is_two_clicks_and_approval_one(
    engine: Engine, team_served: Served
) -> None:
    served = team_served
    ana, lara = person(engine, "ana@example.com"), person(engine, "lara@example.com")
    for said in ["/okr new", "Win the EV segment", "none", "Sign EV accounts", "0 5 accounts"]:
        ask(engine, ana, said)
    ask(engine, ana, "done")
    assert "with Lara Lead" in ask(engine, ana, "submit")
    assert "Sent O-1" in ask(engine, lara, "/okr changes O-1 at least 6, please")

    notice = posted(served, "U_ANA", -1, engine, "ana@example.com")
    (rework,) = [b for b in buttons(notice["blocks"]) if b["action_id"] == "okr.edit"]
    clicks = 0
    served.interactive(clicked(rework))  # click 1: the draft opens, prefilled
    clicks += 1
    view = opened_modal(served)
    shown = json.dumps(view["blocks"], ensure_ascii=False)
    assert "at least 6, please" in shown
    kr1 = next(b for b in view["blocks"] if b.get("block_id") == "kr1")
    assert kr1["element"]["initial_value"] == "Sign EV accounts | 0 5 accounts"
    _, body = served.interactive(filled(view, {"kr1": "Sign EV accounts | 0 6 accounts"}))
    clicks += 1  # click 2: submit
    assert clicks == 2
    assert json.loads(body)["response_action"] == "update"
    assert "is with Lara Lead for approval" in body
    with Session(engine) as session:
        objective = session.exec(select(Objective)).one()
        assert objective.status is ObjectiveStatus.PENDING

    request = posted(served, "U_LARA", -1, engine, "lara@example.com")
    text = valid_blocks(request["blocks"])
    assert "Changed since you last saw it" in text
    assert "KR-1 target: 5 accounts → 6 accounts" in text
    (approve,) = [b for b in buttons(request["blocks"]) if b["action_id"] == "okr.approve"]
    served.interactive(click("U_LARA", "okr.approve", approve["value"], {}))  # one click
    decided = served.stub.wait_for("chat.update", count=2)[-1]  # the first: Ana's notice
    assert "Approved O-1" in json.dumps(decided.params["blocks"])
    with Session(engine) as session:
        assert session.exec(select(Objective)).one().status is ObjectiveStatus.APPROVED
        assert session.exec(select(KeyResult)).one().target_value == 6
