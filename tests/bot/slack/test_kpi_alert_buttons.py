"""A KPI alert DM's Assign button through the real bolt App with signed interactivity payloads:
the manager's click opens a modal picking from the owner's team, its submission stores the
assignee, tells them, and updates the alert message in place; a teammate's click is refused
with nothing changed."""

from __future__ import annotations

import json
from collections.abc import Iterator
from dataclasses import dataclass
from typing import Any

import pytest
from slack_sdk.models.views import View
from sqlalchemy.engine import Engine
from sqlmodel import Session, col, select

from bot.slack.blockkit import render_message
from commands.operations.kpi_intake import ingest
from digests.message import Message
from storage.models import (
    KpiAlert,
    KpiDefinition,
    KpiDirection,
    KpiScope,
    KpiTarget,
    OutboxMessage,
    Platform,
    ReadingSource,
    Role,
)
from tests import factories
from tests.bot.slack.conftest import TEAM, Served, serve_slack, slack_user
from tests.bot.slack.stub_slack import StubSlack
from tests.bot.slack.test_approval_flow import click
from tests.bot.slack.test_commands import valid_blocks


@dataclass
class Alerted:
    served: Served
    alert_id: int
    jun: int
    mei: int


@pytest.fixture
def alerted(engine: Engine, stub: StubSlack, session: Session) -> Iterator[Alerted]:
    ws = factories.workspace(session, "acme", platform=Platform.SLACK, external_id=TEAM)
    shop = factories.department(session, ws, "Workshop")
    jun = factories.person(
        session, ws, "jun@acme.com", "Jun Li", role=Role.MANAGER, department_id=shop.id
    )
    hao = factories.person(
        session, ws, "hao@acme.com", "Hao Wang", manager_id=jun.id, department_id=shop.id
    )
    mei = factories.person(
        session, ws, "mei@acme.com", "Mei Chen", manager_id=jun.id, department_id=shop.id
    )
    loss = KpiDefinition(
        workspace_id=ws.id,
        code="LOSS_RATE",
        name="Loss rate",
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
    alert = session.exec(select(KpiAlert)).one()
    stub.users |= {
        "U_JUN": slack_user("jun@acme.com"),
        "U_MEI": slack_user("mei@acme.com"),
    }
    assert alert.id is not None
    assert jun.id is not None
    assert mei.id is not None
    with serve_slack(engine, stub) as running:
        yield Alerted(running, alert.id, jun.id, mei.id)


def submission(view: dict[str, Any], user: str, person: str) -> dict[str, Any]:
    values = {
        "person": {
            "person": {"type": "static_select", "selected_option": {"value": person}},
        },
        "other": {"other": {"type": "plain_text_input", "value": None}},
    }
    return {
        "type": "view_submission",
        "team": {"id": TEAM},
        "user": {"id": user, "team_id": TEAM},
        "view": {
            "id": "V1",
            "type": "modal",
            "callback_id": view["callback_id"],
            "private_metadata": view["private_metadata"],
            "state": {"values": values},
            "hash": "h1",
        },
    }


def outbox(engine: Engine, kind: str) -> list[OutboxMessage]:
    with Session(engine) as session:
        query = select(OutboxMessage).where(OutboxMessage.kind == kind)
        return list(session.exec(query.order_by(col(OutboxMessage.id))))


def test_assign_from_the_alert_dm_through_slack(engine: Engine, alerted: Alerted) -> None:
    served, ref = alerted.served, str(alerted.alert_id)
    (dm,) = [m for m in outbox(engine, "kpi_alert") if m.person_id == alerted.jun]
    blocks = render_message(Message.model_validate_json(dm.payload))["blocks"]
    valid_blocks(blocks)
    buttons = [e["action_id"] for b in blocks if b["type"] == "actions" for e in b["elements"]]
    assert buttons == ["kpi_alert.ack", "kpi_alert.assign", "kpi_feedback.send"]

    served.interactive(click("U_JUN", "kpi_alert.assign", ref, {}))
    (opened,) = served.stub.wait_for("views.open")
    view = opened.params["view"]
    parsed = View(**view)
    parsed.validate_json()
    assert view["callback_id"] == "kpi_alert.assign"
    assert view["title"]["text"] == f"Assign alert #{ref}"
    picker = next(b for b in view["blocks"] if b.get("block_id") == "person")
    labels = [o["text"]["text"] for o in picker["element"]["options"]]
    assert labels == ["(choose)", "Hao Wang", "Jun Li", "Mei Chen"]
    assert json.loads(view["private_metadata"])["origin"] == {"channel": "D-OPENED", "ts": "1700.1"}

    status, answer = served.interactive(submission(view, "U_JUN", "mei@acme.com"))
    assert status == 200
    assert '"response_action":"update"' in answer.replace(" ", "")
    (updated,) = served.stub.wait_for("chat.update")
    assert (updated.params["channel"], updated.params["ts"]) == ("D-OPENED", "1700.1")
    shown = valid_blocks(updated.params["blocks"])
    assert f"Alert #{ref} assigned to Mei Chen." in shown
    assert "Assigned to Mei Chen" in shown
    with Session(engine) as session:
        assert session.get(KpiAlert, alerted.alert_id).assigned_to_id == alerted.mei
    (told,) = outbox(engine, "kpi_alert_assigned")
    assert told.person_id == alerted.mei
    assert "Jun Li assigned this alert to you." in told.payload

    # Mei (the assignee, not the owner's manager) cannot pass it on: refused in place
    served.interactive(click("U_MEI", "kpi_alert.assign", ref, {}))
    refused = served.stub.wait_for("chat.update", count=2)[-1]
    assert "can assign alert" in json.dumps(refused.params["blocks"])
    assert len(served.stub.of("views.open")) == 1
    with Session(engine) as session:
        assert session.get(KpiAlert, alerted.alert_id).assigned_to_id == alerted.mei
    assert len(outbox(engine, "kpi_alert_assigned")) == 1
