"""`/okr new` as a modal: the slash command opens views.open with a valid modal; submitting it
stores the objective as pending with its KRs and queues the manager's approval request."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

import pytest
from slack_sdk.models.views import View
from sqlalchemy.engine import Engine
from sqlmodel import Session, select

from bot.slack.blockkit import EMPTY_OPTION_VALUE
from storage.models import (
    KeyResult,
    Objective,
    ObjectiveStatus,
    OutboxMessage,
    Person,
    Platform,
    Role,
)
from tests import factories
from tests.bot.slack.conftest import TEAM, Served, serve_slack, slack_user
from tests.bot.slack.stub_slack import StubSlack


@pytest.fixture
def team_served(engine: Engine, stub: StubSlack, session: Session) -> Iterator[Served]:
    ws = factories.workspace(session, "acme", platform=Platform.SLACK, external_id=TEAM)
    lara = factories.person(session, ws, "lara@example.com", "Lara Lead", role=Role.MANAGER)
    factories.person(session, ws, "ana@example.com", "Ana Lima", manager_id=lara.id)
    factories.cycle(session, ws)
    session.commit()
    stub.users |= {"U_LARA": slack_user("lara@example.com")}
    with serve_slack(engine, stub) as running:
        yield running


def submission(view: dict[str, Any], values: dict[str, str]) -> dict[str, Any]:
    """A view_submission of `view` with these text inputs filled."""
    state: dict[str, Any] = {
        name: {name: {"type": "plain_text_input", "value": value}} for name, value in values.items()
    }
    none = {"value": EMPTY_OPTION_VALUE, "text": {"type": "plain_text", "text": "none"}}
    state["parent"] = {"parent": {"type": "static_select", "selected_option": none}}
    return {
        "type": "view_submission",
        "team": {"id": TEAM},
        "user": {"id": "U_ANA", "team_id": TEAM},
        "view": {
            "id": "V1",
            "type": "modal",
            "callback_id": view["callback_id"],
            "private_metadata": view["private_metadata"],
            "state": {"values": state},
            "hash": "h1",
        },
    }


def test_okr_new_opens_a_modal_and_its_submission_creates_the_objective(
    engine: Engine, team_served: Served
) -> None:
    served = team_served
    status, body = served.command("U_ANA", "/okr", "new")
    assert (status, body) == (200, "")
    (opened,) = served.stub.wait_for("views.open")
    assert opened.params["trigger_id"] == "trig-1"
    view = opened.params["view"]
    parsed = View(**view)
    parsed.validate_json()
    assert parsed.to_dict() == view
    assert view["title"]["text"] == "New objective"
    assert len(view["title"]["text"]) <= 24
    assert len(view["blocks"]) <= 100
    assert len(view["private_metadata"]) <= 3000
    assert view["callback_id"] == "okr.new.submit"
    assert view["submit"]["text"] == "Submit for approval"
    inputs = [b["block_id"] for b in view["blocks"] if b["type"] == "input"]
    assert inputs == ["title", "parent", "kr1", "kr2", "kr3", "kr4", "kr5"]
    assert not [b for b in view["blocks"] if b["type"] == "actions"]
    parent = next(b for b in view["blocks"] if b["block_id"] == "parent")
    assert all(option["value"] for option in parent["element"]["options"])
    assert served.stub.of("response") == []

    values = {
        "title": "Win the EV segment",
        "kr1": "Sign EV accounts | 0 5 accounts",
        "kr2": "Ship the charger API | 0 100 %",
    }
    status, answer = served.interactive(submission(view, values))
    assert status == 200
    assert '"response_action":"update"' in answer.replace(" ", "")
    assert "Lara Lead" in answer

    with Session(engine) as session:
        objective = session.exec(select(Objective)).one()
        assert objective.status is ObjectiveStatus.PENDING
        assert objective.title == "Win the EV segment"
        krs = session.exec(select(KeyResult).order_by(KeyResult.number)).all()
        assert [(k.title, k.start_value, k.target_value, k.unit) for k in krs] == [
            ("Sign EV accounts", 0, 5, "accounts"),
            ("Ship the charger API", 0, 100, "%"),
        ]
        lara = session.exec(select(Person).where(Person.email == "lara@example.com")).one()
        kinds = [
            m.kind
            for m in session.exec(select(OutboxMessage).where(OutboxMessage.person_id == lara.id))
        ]
        assert kinds == ["approval_request"]


def test_a_stale_trigger_falls_back_to_message_inputs(team_served: Served) -> None:
    served = team_served
    served.command("U_ANA", "/okr", "new", trigger_id="")
    (posted,) = served.stub.wait_for("response")
    assert any(b["type"] == "input" for b in posted.params["blocks"])
    assert served.stub.of("views.open") == []
