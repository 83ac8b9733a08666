"""The one-form check-in on Feishu, through the real lark dispatcher and encrypted, signed
callbacks: the weekly prompt (queued by the real job, sent by the real sender) is itself a card
2.0 form with every due KR; one submit records them all and the card is updated in place.
A refused form answers with a toast and keeps the card; a full page fits Feishu's 30 KB."""

from __future__ import annotations

import json
from typing import Any

import pytest
from sqlalchemy.engine import Engine
from sqlmodel import Session, select

from bot.delivery.outcome import Envelope, Sent
from bot.feishu.api import build_client
from bot.feishu.card import CARD_MAX_BYTES, card_content, render_card
from bot.feishu.credentials import FeishuCredentials
from bot.feishu.sender import FeishuSender
from commands.checkin_forms import PAGE, kr_form_view
from digests.render import render
from storage.models import CheckIn, KeyResult, Platform
from storage.models.enums import Confidence
from storage.text_limits import TITLE_MAX
from tests import factories
from tests.bot.feishu import events
from tests.bot.feishu.conftest import Company, Feishu
from tests.bot.feishu.events import ENCRYPT_KEY, TENANT, VERIFICATION_TOKEN
from tests.bot.feishu.test_webhook import post
from tests.support.prompts import queue_prompts


@pytest.fixture
def company(session: Session) -> Company:
    """Acme on Feishu: Ana (English) owns three KRs of one objective; Wei reads Chinese."""
    ws = factories.workspace(
        session,
        "acme",
        language="zh-CN",
        timezone="Asia/Shanghai",
        platform=Platform.FEISHU,
        external_id=TENANT,
    )
    ana = factories.person(session, ws, "ana@example.com", "Ana Lima", locale="en")
    wei = factories.person(session, ws, "wei@example.com", "张伟")
    cycle = factories.cycle(session, ws)
    objective = factories.objective(session, ws, cycle, ana, "Win the EV segment")
    for title, target in [("Sign new EV accounts", 5), ("Open two depots", 2), ("Cut churn", 10)]:
        factories.key_result(session, objective, ana, title, start=0, target=target)
    session.commit()
    return Company(ws, ana, wei)


def sent_prompt(engine: Engine, feishu: Feishu, app_id: str) -> dict[str, Any]:
    """The real job queues Ana's prompt; the real Feishu sender posts it to the stub."""
    prompt = queue_prompts(engine, zone="Asia/Shanghai")["ana@example.com"]
    credentials = FeishuCredentials(app_id, "secret", VERIFICATION_TOKEN, ENCRYPT_KEY)
    sender = FeishuSender(build_client(credentials, feishu.stub.base_url))
    assert isinstance(sender.send(Envelope(1, 1, 1, "ou_ana", "en", prompt)), Sent)
    (call,) = feishu.stub.sends(1)
    card: dict[str, Any] = json.loads(call.body["content"])
    return card


def the_form(card: dict[str, Any]) -> dict[str, Any]:
    (form,) = [e for e in card["body"]["elements"] if e["tag"] == "form"]
    found: dict[str, Any] = form
    return found


def submitted(form: dict[str, Any], answers: dict[str, str]) -> dict[str, Any]:
    """The card.action.trigger Feishu sends when the form's submit button is pressed: the
    button's callback value and every named field (its default unless `answers` changes it)."""
    values: dict[str, str] = {}
    for element in form["elements"]:
        if element["tag"] == "input":
            values[element["name"]] = answers.get(element["name"], element.get("default_value", ""))
        elif element["tag"] == "select_static":
            values[element["name"]] = answers.get(element["name"], element.get("initial_option"))
    (submit,) = [e for e in form["elements"] if e.get("form_action_type") == "submit"]
    value = submit["behaviors"][0]["value"]
    payload = events.card_action(
        open_id="ou_ana", action_id=value["action_id"], value=value["value"], message_id="om_1"
    )
    payload["event"]["action"] |= {"form_value": values, "name": submit["name"]}
    return payload


def test_a_three_kr_check_in_is_one_submit(
    engine: Engine, feishu: Feishu, company: Company, feishu_env: str
) -> None:
    card = sent_prompt(engine, feishu, feishu_env)
    assert card["header"]["title"]["content"] == "Weekly check-in"
    form = the_form(card)
    names = [e["name"] for e in form["elements"] if e["tag"] in ("input", "select_static")]
    assert names == [f"kr{n}_{part}" for n in (1, 2, 3) for part in ("value", "confidence", "note")]
    shown = json.dumps(form, ensure_ascii=False)
    assert "KR-2 Open two depots — now 0, target 2" in shown

    answers = {"kr1_value": "3", "kr2_value": "1", "kr2_confidence": "at_risk"}
    answers["kr2_note"] = "permit at Suzhou is late"
    response = post(feishu, submitted(form, answers))  # the one submit
    assert response.status_code == 200
    updated = json.dumps(response.json()["card"]["data"], ensure_ascii=False)
    assert "Check-in recorded" in updated
    assert "Checked in on 3 key results." in updated
    assert '"tag": "form"' not in updated  # the card now shows the result, in place
    with Session(engine) as session:
        rows = session.exec(select(CheckIn).order_by(CheckIn.key_result_id)).all()
        assert [(c.value, c.confidence, c.note) for c in rows] == [
            (3, Confidence.ON_TRACK, None),
            (1, Confidence.AT_RISK, "permit at Suzhou is late"),
            (0, Confidence.ON_TRACK, None),
        ]


def test_a_refused_form_answers_with_a_toast_and_keeps_the_card(
    engine: Engine, feishu: Feishu, company: Company, feishu_env: str
) -> None:
    form = the_form(sent_prompt(engine, feishu, feishu_env))
    response = post(feishu, submitted(form, {"kr1_value": "3", "kr3_value": "很多"}))
    assert response.status_code == 200
    answer = response.json()
    assert "card" not in answer
    assert answer["toast"]["type"] == "error"
    assert "KR-3: “很多” is not a value I understand" in answer["toast"]["content"]
    with Session(engine) as session:
        assert session.exec(select(CheckIn)).all() == []
    # Corrected and sent again (a new callback): everything is recorded.
    again = post(feishu, submitted(form, {"kr1_value": "3", "kr3_value": "4"}))
    assert "Check-in recorded" in json.dumps(again.json()["card"]["data"])
    with Session(engine) as session:
        assert len(session.exec(select(CheckIn)).all()) == 3


def test_a_full_page_with_the_longest_chinese_titles_fits_a_card(
    session: Session, company: Company
) -> None:
    krs = session.exec(select(KeyResult)).all()
    views = [
        {**kr_form_view(krs[0]), "ref": f"KR-{n}", "number": n, "title": "签" * TITLE_MAX}
        for n in range(1000, 1000 + PAGE)
    ]
    form = {"value": " ".join(str(v["number"]) for v in views) + "|1 2 3|0|99", "page": 1}
    prompt = render(
        "checkin_prompt",
        locale="zh-CN",
        name="张伟" * 20,
        krs=views,
        style="form",
        form=form | {"pages": 2},
    )
    card = render_card(prompt, locale="zh-CN")
    assert len(card_content(card).encode()) <= CARD_MAX_BYTES
    last = card["body"]["elements"][-1]
    assert "/okr 更新 KR-1000" in last["content"]  # nothing was cut: the last line is there
    inputs = [e for e in the_form(card)["elements"] if e["tag"] in ("input", "select_static")]
    assert len(inputs) == 3 * PAGE
