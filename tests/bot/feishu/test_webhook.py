"""POST /feishu/events through the real lark-oapi dispatcher: encrypted, signed events in,
calls to a stub Open API out, on SQLite and PostgreSQL."""

from __future__ import annotations

import json
import threading
import time
from typing import Any

import httpx
from sqlalchemy.engine import Engine
from sqlmodel import Session, func, select

from bot.feishu.bot import send_uuid
from commands.actions import Action
from commands.context import Context
from digests.message import Message, Section
from storage.models import CheckIn, Confidence, Person, PersonIdentity, Platform
from tests.bot.feishu import events
from tests.bot.feishu.conftest import Feishu
from tests.bot.feishu.stub_feishu import Call


def post(feishu: Feishu, payload: dict[str, Any], **sign: Any) -> httpx.Response:
    body, headers = events.signed(payload, **sign)
    return httpx.post(feishu.events_url, content=body, headers=headers, timeout=10)


def card_of(call: Call) -> dict[str, Any]:
    assert call.body["msg_type"] == "interactive"
    card: dict[str, Any] = json.loads(call.body["content"])
    return card


def check_ins(engine: Engine) -> list[CheckIn]:
    with Session(engine) as session:
        return list(session.exec(select(CheckIn)))


def test_a_text_command_is_stored_and_answered_with_a_card(feishu: Feishu) -> None:
    payload = events.message("/okr update KR-1 3", open_id="ou_ana")
    started = time.perf_counter()
    response = post(feishu, payload)
    elapsed = time.perf_counter() - started
    assert response.status_code == 200
    assert elapsed < 1.0  # the work happens after the answer
    (send,) = feishu.stub.sends(1)
    assert send.query == {"receive_id_type": "chat_id"}
    assert send.body["receive_id"] == "oc_p2p"
    assert send.body["uuid"] == send_uuid(payload["header"]["event_id"])
    card = card_of(send)
    assert card["schema"] == "2.0"
    assert card["config"]["update_multi"] is True
    assert "Recorded **KR-1**" in json.dumps(card["body"], ensure_ascii=False)
    assert [c.value for c in check_ins(feishu.engine)] == [3]
    with Session(feishu.engine) as session:
        identity = session.exec(select(PersonIdentity)).one()
    assert (identity.platform, identity.external_id) == (Platform.FEISHU, "ou_ana")
    assert feishu.stub.calls_to("GET", "/open-apis/contact/v3/users/ou_ana")


def test_a_chinese_command_gets_a_chinese_reply(feishu: Feishu) -> None:
    with Session(feishu.engine) as session:
        ana = session.exec(select(Person).where(Person.email == "ana@example.com")).one()
        ana.locale = None  # no language of her own: the workspace's (Chinese) applies
        session.add(ana)
        session.commit()
    assert post(
        feishu, events.message("okr 更新 1 3 有风险 供应商延期", open_id="ou_ana")
    ).is_success
    content = feishu.stub.sends(1)[0].body["content"]
    assert "已记录 **KR-1**" in content
    assert "有风险" in content
    assert "供应商延期" in content
    (check_in,) = check_ins(feishu.engine)
    assert (check_in.value, check_in.note) == (3, "供应商延期")
    assert check_in.confidence is Confidence.AT_RISK


def test_a_group_mention_is_stripped_and_answered_in_the_group(feishu: Feishu) -> None:
    mention = {"key": "@_user_1", "id": {"open_id": "ou_bot"}, "name": "okrbot"}
    payload = events.message(
        "@_user_1  /okr update KR-1 2",
        open_id="ou_ana",
        chat_id="oc_group",
        chat_type="group",
        mentions=[mention],
    )
    assert post(feishu, payload).status_code == 200
    (send,) = feishu.stub.sends(1)
    assert send.body["receive_id"] == "oc_group"
    assert [c.value for c in check_ins(feishu.engine)] == [2]


def test_a_group_message_without_a_mention_is_ignored(feishu: Feishu) -> None:
    payload = events.message("/okr update KR-1 2", open_id="ou_ana", chat_type="group")
    assert post(feishu, payload).status_code == 200
    feishu.adapter.bot.executor.submit(lambda: None).result()
    assert feishu.stub.calls_to("POST", "/open-apis/im/v1/messages") == []


def test_a_card_click_runs_the_action_and_updates_the_card_in_place(feishu: Feishu) -> None:
    clicked: list[Action] = []

    def approve(action: Action, ctx: Context) -> Message:
        clicked.append(action)
        name = ctx.person.name
        return Message(
            blocks=[Section(text=f"{name} approved {action.value}", bold=((0, len(name)),))]
        )

    core = feishu.adapter.bot.core
    core.wiring = core.wiring.with_actions({"test.approve": approve})
    payload = events.card_action(open_id="ou_ana", action_id="test.approve", value="O-1")
    response = post(feishu, payload)
    assert response.status_code == 200
    assert clicked == [Action(action_id="test.approve", value="O-1")]
    card = response.json()["card"]
    assert card["type"] == "raw"
    assert card["data"]["schema"] == "2.0"
    assert card["data"]["body"]["elements"][0]["content"] == "**Ana Lima** approved O-1"
    assert feishu.stub.calls_to("POST", "/open-apis/im/v1/messages") == []


def test_a_redelivered_event_is_processed_once(feishu: Feishu) -> None:
    payload = events.message("/okr update KR-1 4", open_id="ou_ana")
    assert post(feishu, payload).status_code == 200
    assert post(feishu, payload).status_code == 200
    feishu.stub.sends(1)
    feishu.adapter.bot.executor.submit(lambda: None).result()
    assert len(feishu.stub.calls_to("POST", "/open-apis/im/v1/messages")) == 1
    assert [c.value for c in check_ins(feishu.engine)] == [4]


def test_a_forged_signature_is_refused_and_nothing_is_stored(feishu: Feishu) -> None:
    body, headers = events.signed(events.message("/okr update KR-1 5", open_id="ou_ana"))
    headers["X-Lark-Signature"] = "0" * 64
    response = httpx.post(feishu.events_url, content=body, headers=headers)
    assert response.status_code == 401
    response = post(feishu, events.message("/okr update KR-1 5", open_id="ou_ana"), key="wrong")
    assert response.status_code in (400, 401)
    assert check_ins(feishu.engine) == []
    assert feishu.stub.calls_to("POST", "/open-apis/im/v1/messages") == []


def test_a_wrong_verification_token_is_refused(feishu: Feishu) -> None:
    payload = events.message("/okr update KR-1 5", open_id="ou_ana")
    payload["header"]["token"] = "forged"
    assert post(feishu, payload).status_code == 401
    assert check_ins(feishu.engine) == []


def test_an_old_timestamp_is_outside_the_replay_window(feishu: Feishu) -> None:
    payload = events.message("/okr update KR-1 5", open_id="ou_ana")
    response = post(feishu, payload, timestamp=time.time() - 600)
    assert response.status_code == 401
    assert check_ins(feishu.engine) == []


def test_a_body_that_does_not_decrypt_is_refused_like_any_other(feishu: Feishu) -> None:
    response = httpx.post(feishu.events_url, content=b'{"encrypt": "bm90IGVuY3J5cHRlZA=="}')
    assert response.status_code == 401
    assert response.json() == {"msg": "invalid request"}


def test_the_url_verification_challenge_is_answered(feishu: Feishu) -> None:
    response = post(feishu, events.url_verification("challenge-123"))
    assert response.status_code == 200
    assert response.json() == {"challenge": "challenge-123"}


def test_a_rate_limited_send_is_retried_after_the_reset(feishu: Feishu) -> None:
    feishu.stub.throttle_next = True
    payload = events.message("/okr update KR-1 1", open_id="ou_ana")
    assert post(feishu, payload).status_code == 200
    first, second = feishu.stub.sends(2)
    assert second.at - first.at >= 0.9  # x-ogw-ratelimit-reset: 1
    assert first.body["uuid"] == second.body["uuid"]
    assert second.body["content"] == first.body["content"]


def test_a_stranger_is_told_in_chinese_to_ask_the_admin(feishu: Feishu) -> None:
    feishu.stub.users["ou_new"] = {"open_id": "ou_new", "name": "新人", "email": "new@example.com"}
    assert post(feishu, events.message("okr 列表", open_id="ou_new")).status_code == 200
    content = feishu.stub.sends(1)[0].body["content"]
    assert "请联系管理员" in content


def test_the_bot_menu_runs_a_command_for_the_clicker(feishu: Feishu) -> None:
    assert post(feishu, events.menu("okr_help", open_id="ou_ana")).status_code == 200
    (send,) = feishu.stub.sends(1)
    assert send.query == {"receive_id_type": "open_id"}
    assert send.body["receive_id"] == "ou_ana"
    body = json.dumps(card_of(send)["body"], ensure_ascii=False)
    assert "/okr update KR-n VALUE" in body  # the answer is okr help's
    with Session(feishu.engine) as session:
        assert session.exec(select(func.count()).select_from(CheckIn)).one() == 0


def _slow_click(feishu: Feishu, message_id: str) -> None:
    """A click whose work outlasts the card budget: a toast now, the answer later."""
    release = threading.Event()

    def slow(action: Action, ctx: Context) -> Message:
        assert release.wait(timeout=30), "the test never released the click"
        return Message(blocks=[Section(text="done")])

    core = feishu.adapter.bot.core
    core.wiring = core.wiring.with_actions({"test.slow": slow})
    feishu.adapter.bot.card_budget = 0.1
    try:
        payload = events.card_action(
            open_id="ou_ana", action_id="test.slow", value="", message_id=message_id
        )
        response = post(feishu, payload)  # answered while the click's work still waits
        assert response.status_code == 200
        assert response.json()["toast"]["content"] == "正在处理……"
    finally:
        release.set()


def test_a_slow_click_gets_a_toast_now_and_the_card_patched_later(feishu: Feishu) -> None:
    assert post(feishu, events.message("okr help", open_id="ou_ana")).status_code == 200
    feishu.stub.sends(1)  # okrbot's reply to Ana: om_1, remembered as hers
    _slow_click(feishu, "om_1")
    calls = feishu.stub.wait_for(lambda calls: any(c.method == "PATCH" for c in calls), timeout=10)
    (patch,) = [c for c in calls if c.method == "PATCH"]
    assert patch.path == "/open-apis/im/v1/messages/om_1"
    assert json.loads(patch.body["content"])["body"]["elements"][0]["content"] == "done"


def test_a_slow_click_naming_a_card_okrbot_did_not_send_her_patches_nothing(
    feishu: Feishu,
) -> None:
    _slow_click(feishu, "om_managers_request")  # forged: someone else's card
    (send,) = feishu.stub.sends(1)
    assert send.body["receive_id"] == "ou_ana"
    assert "done" in send.body["content"]
    assert not any(c.method == "PATCH" for c in feishu.stub.calls)
