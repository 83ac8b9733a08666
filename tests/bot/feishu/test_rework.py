"""Rework on Feishu through the real lark dispatcher: the "Rework it" button of the
changes-requested card turns the card into the draft's form, prefilled; one submit sends it
again — two steps. The manager's card shows the diff; approving is one click."""

from __future__ import annotations

import json
from typing import Any

from sqlalchemy.engine import Engine
from sqlmodel import Session, select

from bot.feishu.card import render_card
from storage.models import KeyResult, Objective, ObjectiveStatus, Person
from tests.bot.feishu import events, test_approval_flow
from tests.bot.feishu.conftest import Company, Feishu
from tests.bot.feishu.test_checkin_form import submitted, the_form
from tests.bot.feishu.test_webhook import post
from tests.flows.conftest import ask, inbox_messages

company = test_approval_flow.company  # Lara manages Ana (English) and Bob


def card_for(engine: Engine, email: str) -> dict[str, Any]:
    """The person's latest queued message as the Feishu card it is sent as."""
    with Session(engine) as session:
        who = session.exec(select(Person).where(Person.email == email)).one()
    return render_card(inbox_messages(engine, who)[-1], locale="en")


def callback_button(card: dict[str, Any], action_id: str) -> dict[str, str]:
    """The callback value of the card's button `action_id` (in a row of buttons)."""
    for element in card["body"]["elements"]:
        for column in element.get("columns", []):
            for button in column["elements"]:
                value: dict[str, str] = button["behaviors"][0]["value"]
                if value["action_id"] == action_id:
                    return value
    raise AssertionError(f"no {action_id} button")


def test_rework_is_two_steps_and_approval_one_click(
    engine: Engine, feishu: Feishu, company: Company
) -> None:
    feishu.stub.users |= {
        "ou_lara": {"open_id": "ou_lara", "name": "Lara Lead", "email": "lara@example.com"},
    }
    with Session(engine) as session:
        lara = session.exec(select(Person).where(Person.email == "lara@example.com")).one()
    for said in ["/okr new", "Win the EV segment", "none", "Sign EV accounts", "0 5 家", "done"]:
        ask(engine, company.ana, said)
    ask(engine, company.ana, "submit")
    assert "Sent O-1" in ask(engine, lara, "/okr changes O-1 至少 6 家")

    rework = callback_button(card_for(engine, "ana@example.com"), "okr.edit")
    steps = 0
    payload = events.card_action(open_id="ou_ana", action_id="okr.edit", value=rework["value"])
    opened = post(feishu, payload).json()["card"]["data"]  # step 1: the card becomes the form
    steps += 1
    form = the_form(opened)
    kr1 = next(e for e in form["elements"] if e.get("name") == "kr1")
    assert kr1["default_value"] == "Sign EV accounts | 0 5 家"
    assert "至少 6 家" in json.dumps(opened, ensure_ascii=False)
    sent = post(feishu, submitted(form, {"kr1": "Sign EV accounts | 0 6 家"}))  # step 2
    steps += 1
    assert steps == 2
    assert "is with Lara Lead for approval" in json.dumps(sent.json()["card"]["data"])

    request = card_for(engine, "lara@example.com")
    shown = json.dumps(request, ensure_ascii=False)
    assert "Changed since you last saw it" in shown
    assert "KR-1 target: 5 家 → 6 家" in shown
    (approve,) = [
        e["behaviors"][0]["value"]
        for e in the_form(request)["elements"]
        if e["tag"] == "button" and e["behaviors"][0]["value"]["action_id"] == "okr.approve"
    ]
    click = events.card_action(open_id="ou_lara", action_id="okr.approve", value=approve["value"])
    decided = post(feishu, click)  # one click
    assert "Approved O-1" in json.dumps(decided.json()["card"]["data"])
    with Session(engine) as session:
        assert session.exec(select(Objective)).one().status is ObjectiveStatus.APPROVED
        assert session.exec(select(KeyResult)).one().target_value == 6


def test_an_objective_with_three_krs_is_one_form(
    engine: Engine, feishu: Feishu, company: Company
) -> None:
    assert post(feishu, events.message("/okr new", open_id="ou_ana")).status_code == 200
    (sent,) = feishu.stub.sends(1)
    form = the_form(json.loads(sent.body["content"]))
    names = [e.get("name") for e in form["elements"] if e["tag"] in ("input", "select_static")]
    assert names == ["title", "parent", "kr1", "kr2", "kr3", "kr4", "kr5"]
    lines = {
        "title": "Win the EV segment",
        "kr1": "Sign EV accounts | 0 5 家",
        "kr2": "Open depots | 0 2",
        "kr3": "Cut churn | 10% 5%",
    }
    done = post(feishu, submitted(form, lines))  # the one submit
    assert "is with Lara Lead for approval" in json.dumps(done.json()["card"]["data"])
    with Session(engine) as session:
        krs = session.exec(select(KeyResult).order_by(KeyResult.number)).all()
        assert [(k.title, k.start_value, k.target_value) for k in krs] == [
            ("Sign EV accounts", 0, 5),
            ("Open depots", 0, 2),
            ("Cut churn", 10, 5),
        ]
