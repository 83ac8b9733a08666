"""The App Home tab of a manager also shows the team's status; a non-manager's does not."""

from __future__ import annotations

import json
from collections.abc import Iterator

import pytest
from slack_sdk.models.views import View
from sqlalchemy.engine import Engine
from sqlmodel import Session, select

from storage.models import OutboxMessage, Platform, Role
from storage.models.enums import Confidence
from tests import factories
from tests.bot.slack.conftest import TEAM, Served, serve_slack, slack_user
from tests.bot.slack.stub_slack import StubSlack


@pytest.fixture
def team_served(engine: Engine, stub: StubSlack, session: Session) -> Iterator[Served]:
    ws = factories.workspace(session, "acme", platform=Platform.SLACK, external_id=TEAM)
    lara = factories.person(session, ws, "lara@example.com", "Lara Lead", role=Role.MANAGER)
    ana = factories.person(session, ws, "ana@example.com", "Ana Lima", manager_id=lara.id)
    cycle = factories.cycle(session, ws)
    ev = factories.objective(session, ws, cycle, ana, "Win the EV segment")
    factories.key_result(
        session, ev, ana, "Sign EV accounts", start=0, target=4, confidence=Confidence.OFF_TRACK
    )
    session.commit()
    stub.users |= {"U_LARA": slack_user("lara@example.com")}
    with serve_slack(engine, stub) as running:
        yield running


def home_of(served: Served, user: str, event_id: str) -> str:
    served.event({"type": "app_home_opened", "user": user, "tab": "home"}, event_id=event_id)
    published = served.stub.wait_for("views.publish", where=lambda c: c.params["user_id"] == user)
    view = published[-1].params["view"]
    assert View(**view).to_dict() == view
    assert len(view["blocks"]) <= 100
    return json.dumps(view["blocks"], ensure_ascii=False)


def test_a_managers_home_shows_the_team(team_served: Served) -> None:
    shown = home_of(team_served, "U_LARA", "EvLara")
    assert "Your team" in shown
    assert "Ana Lima" in shown
    assert "O-1 Win the EV segment" in shown
    assert "off track" in shown


def test_a_non_managers_home_has_no_team(team_served: Served) -> None:
    shown = home_of(team_served, "U_ANA", "EvAna")
    assert "Win the EV segment" in shown
    assert "Your team" not in shown
    assert "Nobody reports" not in shown


def test_a_managers_home_nudges_in_one_click(engine: Engine, team_served: Served) -> None:
    shown = home_of(team_served, "U_LARA", "EvLara2")
    assert "Not yet: Ana Lima" in shown
    published = team_served.stub.of("views.publish")[-1].params["view"]
    (nudge,) = [
        e
        for b in published["blocks"]
        if b["type"] == "actions"
        for e in b["elements"]
        if e["action_id"] == "team.nudge"
    ]
    payload = {
        "type": "block_actions",
        "team": {"id": TEAM},
        "user": {"id": "U_LARA", "team_id": TEAM},
        "trigger_id": "trig-home",
        "container": {"type": "view", "view_id": "VH"},
        "view": {"id": "VH", "type": "home"},
        "actions": [{"type": "button", "action_id": "team.nudge", "value": nudge["value"]}],
    }
    status, _ = team_served.interactive(payload)
    assert status == 200
    refreshed = team_served.stub.wait_for(
        "views.publish", count=2, where=lambda c: c.params["user_id"] == "U_LARA"
    )[-1]
    assert "Not yet: Ana Lima (reminded)" in json.dumps(refreshed.params["view"]["blocks"])
    with Session(engine) as session:
        (row,) = session.exec(select(OutboxMessage).where(OutboxMessage.kind == "team_nudge"))
        assert "Lara Lead reminds you" in row.payload
