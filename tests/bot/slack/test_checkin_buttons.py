"""The per-KR "Update" buttons of prompts sent before the one-form check-in still work: click ->
a small modal (value, confidence, note) -> submit -> the check-in is recorded as `/okr update`
would, and the prompt message is updated in place. New prompts carry one *Check in* button."""

from __future__ import annotations

import json
from typing import Any

from slack_sdk.models.views import View
from sqlalchemy.engine import Engine
from sqlmodel import Session, select

from bot.slack.blockkit import render_message
from digests.render import render
from storage.models import CheckIn, KeyResult, Objective
from storage.models.enums import Confidence
from tests import factories
from tests.bot.slack.conftest import TEAM, Company, Served
from tests.bot.slack.test_approval_flow import click
from tests.bot.slack.test_commands import valid_blocks


def submitted(view: dict[str, Any], value: str, confidence: str, note: str) -> dict[str, Any]:
    """Ana submits the check-in modal."""
    values = {
        "value": {"value": {"type": "plain_text_input", "value": value}},
        "confidence": {
            "confidence": {"type": "static_select", "selected_option": {"value": confidence}}
        },
        "note": {"note": {"type": "plain_text_input", "value": note}},
    }
    return {
        "type": "view_submission",
        "team": {"id": TEAM},
        "user": {"id": "U_ANA", "team_id": TEAM},
        "view": {
            "id": "V1",
            "type": "modal",
            "callback_id": view["callback_id"],
            "private_metadata": view["private_metadata"],
            "state": {"values": values},
            "hash": "h1",
        },
    }


def test_the_prompt_has_one_check_in_button() -> None:
    krs = [
        {"ref": f"KR-{n}", "title": f"Result {n}", "percent": 10.0, "confidence": "on_track"}
        for n in (1, 2)
    ]
    prompt = render("checkin_prompt", locale="zh-CN", name="张伟", krs=krs)
    blocks = render_message(prompt, locale="zh-CN")["blocks"]
    valid_blocks(blocks)
    buttons = [e for b in blocks if b["type"] == "actions" for e in b["elements"]]
    assert [(b["action_id"], b["value"], b["text"]["text"]) for b in buttons] == [
        ("checkin.form", "KR-1 KR-2", "打卡"),
        ("checkin.start", "KR-1 KR-2", "开始逐项更新"),
    ]


def test_update_button_opens_a_modal_and_records_the_check_in(
    engine: Engine, served: Served, company: Company
) -> None:
    with Session(engine) as session:
        kr = session.exec(select(KeyResult)).one()
    served.interactive(click("U_ANA", "checkin.open", f"KR-{kr.number}", {}))
    (opened,) = served.stub.wait_for("views.open")
    view = opened.params["view"]
    assert View(**view).to_dict() == view
    assert view["callback_id"] == "checkin.submit"
    assert view["title"]["text"] == f"Update KR-{kr.number}"
    assert [b["block_id"] for b in view["blocks"] if b["type"] == "input"] == [
        "value",
        "confidence",
        "note",
    ]
    assert served.stub.of("chat.update") == []

    status, answer = served.interactive(submitted(view, "abc", "at_risk", ""))
    assert status == 200
    assert json.loads(answer)["response_action"] == "push"
    with Session(engine) as session:
        assert session.exec(select(CheckIn)).all() == []

    status, answer = served.interactive(submitted(view, "3", "at_risk", "waiting on legal"))
    assert status == 200
    assert json.loads(answer)["response_action"] == "update"
    (updated,) = served.stub.wait_for("chat.update")
    assert (updated.params["channel"], updated.params["ts"]) == ("D-OPENED", "1700.1")
    shown = valid_blocks(updated.params["blocks"])
    assert f"KR-{kr.number}" in shown
    with Session(engine) as session:
        (check_in,) = session.exec(select(CheckIn)).all()
        assert (check_in.value, check_in.confidence, check_in.note) == (
            3,
            Confidence.AT_RISK,
            "waiting on legal",
        )
        stored = session.get(KeyResult, kr.id)
        assert stored is not None
        assert stored.current_value == 3


def test_someone_elses_kr_is_refused(engine: Engine, served: Served, company: Company) -> None:
    with Session(engine) as session:
        kr = session.exec(select(KeyResult)).one()
    served.interactive(click("U_WEI", "checkin.open", f"KR-{kr.number}", {}))
    (opened,) = served.stub.wait_for("views.open")
    view = opened.params["view"]
    payload = submitted(view, "4", "on_track", "")
    payload["user"] = {"id": "U_WEI", "team_id": TEAM}
    status, answer = served.interactive(payload)
    assert status == 200
    assert json.loads(answer)["response_action"] == "push"
    assert "Ana Lima" in answer
    with Session(engine) as session:
        assert session.exec(select(CheckIn)).all() == []


def test_the_updated_prompt_keeps_the_other_krs_buttons(
    engine: Engine, served: Served, company: Company, session: Session
) -> None:
    first = session.exec(select(KeyResult)).one()
    objective = session.get(Objective, first.objective_id)
    assert objective is not None
    second = factories.key_result(session, objective, company.ana, "Open a depot", target=1)
    session.commit()
    refs = f"KR-{first.number} KR-{second.number}"
    served.interactive(click("U_ANA", "checkin.open", refs, {}))
    (opened,) = served.stub.wait_for("views.open")
    view = opened.params["view"]
    served.interactive(submitted(view, "2", "on_track", ""))
    (updated,) = served.stub.wait_for("chat.update")
    blocks = updated.params["blocks"]
    valid_blocks(blocks)
    buttons = [e for b in blocks if b["type"] == "actions" for e in b["elements"]]
    assert [(b["action_id"], b["value"]) for b in buttons] == [
        ("checkin.open", f"KR-{second.number}")
    ]
