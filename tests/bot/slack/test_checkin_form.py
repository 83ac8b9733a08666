"""The one-form check-in on Slack, through the real bolt App and signed payloads: the weekly
prompt (queued by the real job, posted by the real sender) has one *Check in* button; it opens
one modal with every due KR; one submit records them all and updates the prompt. Two clicks.
Paging past a page of KRs; a bad value keeps the form; ids from the client are looked up."""

from __future__ import annotations

import json
import time
from typing import Any

from slack_sdk.models.views import View
from sqlalchemy.engine import Engine
from sqlmodel import Session, select

from bot.delivery.outcome import Envelope, Sent
from bot.slack.sender import SlackSender, client_factory
from commands.checkin_forms import PAGE
from storage.models import CheckIn, KeyResult, Objective
from storage.models.enums import Confidence
from tests import factories
from tests.bot.slack.conftest import TEAM, Company, Served
from tests.bot.slack.test_commands import valid_blocks
from tests.support.prompts import queue_prompts


def add_krs(session: Session, company: Company, titles: list[str]) -> list[KeyResult]:
    objective = session.exec(select(Objective)).one()
    made = [
        factories.key_result(session, objective, company.ana, title, start=0, target=10)
        for title in titles
    ]
    session.commit()
    return made


def posted_prompt(engine: Engine, served: Served) -> dict[str, Any]:
    """The real job queues Ana's prompt; the real Slack sender posts it to the stub."""
    prompt = queue_prompts(engine)["ana@example.com"]
    sender = SlackSender(client_factory(base_url=served.stub.api_url, bot_token="xoxb-test"))
    envelope = Envelope(1, 1, 1, "U_ANA", "en", prompt)
    assert isinstance(sender.send(envelope), Sent)
    (post,) = served.stub.of("chat.postMessage")
    valid_blocks(post.params["blocks"])
    return post.params


def buttons(blocks: list[dict[str, Any]]) -> list[dict[str, Any]]:
    return [e for b in blocks if b["type"] == "actions" for e in b["elements"]]


def clicked(button: dict[str, Any], *, container: dict[str, Any] | None = None) -> dict[str, Any]:
    """A block_actions payload as Slack sends it for a click on the posted prompt."""
    return {
        "type": "block_actions",
        "team": {"id": TEAM},
        "user": {"id": "U_ANA", "team_id": TEAM},
        "trigger_id": "trig-ci",
        "container": container
        or {"type": "message", "message_ts": "1700000000.000200", "channel_id": "D-OPENED"},
        "channel": {"id": "D-OPENED"},
        "response_url": "http://127.0.0.1:9/unused",
        "actions": [
            {
                "type": "button",
                "action_id": button["action_id"],
                "value": button.get("value", ""),
                "block_id": "b",
            }
        ],
    }


def filled(view: dict[str, Any], answers: dict[str, str]) -> dict[str, Any]:
    """The modal's inputs as Slack reports them: each input's initial value unless
    `answers` changes it (selects report the chosen option)."""
    values: dict[str, Any] = {}
    for block in view["blocks"]:
        if block["type"] != "input":
            continue
        element = block["element"]
        name = element["action_id"]
        if element["type"] == "static_select":
            chosen = answers.get(name, element.get("initial_option", {}).get("value"))
            values[block["block_id"]] = {
                name: {"type": "static_select", "selected_option": {"value": chosen}}
            }
        else:
            typed = answers.get(name, element.get("initial_value"))
            values[block["block_id"]] = {name: {"type": "plain_text_input", "value": typed}}
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


def opened_modal(served: Served, count: int = 1) -> dict[str, Any]:
    opened = served.stub.wait_for("views.open", count=count)
    view: dict[str, Any] = opened[-1].params["view"]
    assert View(**view).to_dict() == view  # slack_sdk's own checks: sizes, limits, shapes
    assert len(view["blocks"]) <= 100
    return view


def test_a_three_kr_check_in_is_two_clicks(
    engine: Engine, served: Served, company: Company, session: Session
) -> None:
    add_krs(session, company, ["Open two depots", "Hire a fleet manager"])
    prompt = posted_prompt(engine, served)
    (check_in,) = [b for b in buttons(prompt["blocks"]) if b["action_id"] == "checkin.form"]
    assert check_in["text"]["text"] == "Check in"
    steps = 0

    served.interactive(clicked(check_in))  # click 1: the modal opens
    steps += 1
    view = opened_modal(served)
    assert view["title"]["text"] == "Weekly check-in"
    assert view["submit"]["text"] == "Save check-in"
    inputs = [b["block_id"] for b in view["blocks"] if b["type"] == "input"]
    assert inputs == [
        f"kr{n}_{part}" for n in (1, 2, 3) for part in ("value", "confidence", "note")
    ]
    shown = json.dumps(view["blocks"], ensure_ascii=False)
    assert "KR-1 Sign new EV accounts — now 0, target 5" in shown

    answers = {
        "kr1_value": "3",
        "kr2_value": "1",
        "kr2_confidence": "at_risk",
        "kr2_note": "permit at Suzhou is late",
    }
    status, body = served.interactive(filled(view, answers))  # click 2: submit
    steps += 1
    assert steps == 2
    assert status == 200
    assert json.loads(body)["response_action"] == "update"
    (updated,) = served.stub.wait_for("chat.update")
    assert (updated.params["channel"], updated.params["ts"]) == ("D-OPENED", "1700000000.000200")
    result = valid_blocks(updated.params["blocks"])
    assert "Check-in recorded" in result
    assert "Checked in on 3 key results." in result
    with Session(engine) as check:
        rows = check.exec(select(CheckIn).order_by(CheckIn.key_result_id)).all()
        assert [(c.value, c.confidence, c.note) for c in rows] == [
            (3, Confidence.ON_TRACK, None),
            (1, Confidence.AT_RISK, "permit at Suzhou is late"),
            (0, Confidence.ON_TRACK, None),
        ]


def test_a_bad_value_keeps_the_form_and_saves_nothing(
    engine: Engine, served: Served, company: Company, session: Session
) -> None:
    add_krs(session, company, ["Open two depots"])
    served.interactive(clicked({"action_id": "checkin.form", "value": "KR-1 KR-2"}))
    view = opened_modal(served)
    status, body = served.interactive(filled(view, {"kr1_value": "3", "kr2_value": "lots"}))
    assert status == 200
    answer = json.loads(body)
    assert answer["response_action"] == "push"  # the form underneath keeps what was typed
    assert "KR-2: “lots” is not a value I understand" in json.dumps(
        answer["view"], ensure_ascii=False
    )
    with Session(engine) as check:
        assert check.exec(select(CheckIn)).all() == []
    assert served.stub.of("chat.update") == []


def test_an_empty_value_leaves_that_kr_out(
    engine: Engine, served: Served, company: Company, session: Session
) -> None:
    add_krs(session, company, ["Open two depots"])
    served.interactive(clicked({"action_id": "checkin.form", "value": "KR-1 KR-2"}))
    view = opened_modal(served)
    served.interactive(filled(view, {"kr1_value": "", "kr2_value": "4"}))
    (updated,) = served.stub.wait_for("chat.update")
    assert "Skipped: KR-1" in valid_blocks(updated.params["blocks"])
    with Session(engine) as check:
        assert [c.value for c in check.exec(select(CheckIn))] == [4]


def test_someone_elses_kr_in_a_forged_submission_is_refused(
    engine: Engine, served: Served, company: Company, session: Session
) -> None:
    served.interactive(clicked({"action_id": "checkin.form", "value": "KR-1"}))
    view = opened_modal(served)
    forged = filled(view, {"kr1_value": "5"})
    forged["user"] = {"id": "U_WEI", "team_id": TEAM}  # Wei submits Ana's KR
    status, body = served.interactive(forged)
    assert status == 200
    assert "KR-1 属于 Ana Lima" in json.dumps(json.loads(body), ensure_ascii=False)
    view["private_metadata"] = view["private_metadata"].replace("1|", "999|", 1)
    status, body = served.interactive(filled(view, {"kr999_value": "5"}))
    assert "There is no key result KR-999 that you can see." in body
    with Session(engine) as check:
        assert check.exec(select(CheckIn)).all() == []


def test_a_kr_checked_in_since_the_form_was_opened_is_not_overwritten(
    engine: Engine, served: Served, company: Company
) -> None:
    served.interactive(clicked({"action_id": "checkin.form", "value": "KR-1"}))
    view = opened_modal(served)
    served.command("U_ANA", "/okr", "update KR-1 2")
    served.stub.wait_for("response")
    _, body = served.interactive(filled(view, {}))  # the form still says 0
    answer = json.loads(body)
    assert answer["response_action"] == "update"
    again = json.dumps(answer["view"])
    assert "KR-1 got a newer check-in after this form was made" in again
    assert '"initial_value": "2"' in again  # today's value
    with Session(engine) as check:
        assert [c.value for c in check.exec(select(CheckIn))] == [2]


def test_more_krs_than_a_page_take_one_submit_per_page(
    engine: Engine, served: Served, company: Company, session: Session
) -> None:
    add_krs(session, company, [f"Result number {n} with a longer title" for n in range(PAGE + 4)])
    served.interactive(clicked({"action_id": "checkin.form", "value": ""}))
    first = opened_modal(served)
    assert sum(b["type"] == "input" for b in first["blocks"]) == 3 * PAGE
    assert "Page 1 of 2" in json.dumps(first["blocks"])
    _, body = served.interactive(filled(first, {"kr1_value": "1"}))
    answer = json.loads(body)
    assert answer["response_action"] == "update"
    second = answer["view"]
    assert View(**second).to_dict() == second
    assert second["callback_id"] == "checkin.submit_all"
    assert sum(b["type"] == "input" for b in second["blocks"]) == 3 * 5
    assert "Page 2 of 2" in json.dumps(second["blocks"])
    assert served.stub.of("chat.update") == []  # the prompt waits for the last page
    served.interactive(filled(second, {}))
    (updated,) = served.stub.wait_for("chat.update")
    result = valid_blocks(updated.params["blocks"])
    assert f"and {PAGE} key results on the form's earlier pages" in result
    with Session(engine) as check:
        assert len(check.exec(select(CheckIn)).all()) == PAGE + 5


def test_the_home_tab_has_one_check_in_button_that_opens_the_modal(
    engine: Engine, served: Served, company: Company
) -> None:
    served.event({"type": "app_home_opened", "user": "U_ANA", "tab": "home"}, event_id="EvH1")
    (published,) = served.stub.wait_for("views.publish")
    home = published.params["view"]
    (check_in,) = [b for b in buttons(home["blocks"]) if b["action_id"] == "checkin.form"]
    served.interactive(
        clicked(check_in, container={"type": "view", "view_id": "VH"})
        | {"view": {"id": "VH", "type": "home"}}
    )
    view = opened_modal(served)
    served.interactive(filled(view, {"kr1_value": "4"}))
    served.stub.wait_for("views.publish", count=2)  # the Home tab shows the new value
    with Session(engine) as check:
        assert [c.value for c in check.exec(select(CheckIn))] == [4]


def test_the_same_submission_twice_records_once(
    engine: Engine, served: Served, company: Company, session: Session
) -> None:
    add_krs(session, company, ["Open two depots"])
    served.interactive(clicked({"action_id": "checkin.form", "value": "KR-1 KR-2"}))
    view = opened_modal(served)
    submission = filled(view, {"kr1_value": "3", "kr2_value": "1"})
    served.interactive(submission, timestamp=int(time.time()))
    # A double click a second later: a new signed request, so not an HTTP replay.
    _, again = served.interactive(submission, timestamp=int(time.time()) + 1)
    assert "got a newer check-in after this form was made" in again
    with Session(engine) as check:
        assert sorted(c.value for c in check.exec(select(CheckIn))) == [1, 3]
