"""`/okr checkin`: the guided check-in, answer by answer, through the real core (SQLite and
PostgreSQL): value or skip, confidence, note, for each active KR; a summary at the end."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import timedelta

import pytest
from sqlalchemy.engine import Engine
from sqlmodel import Session, select

from bot.core import Core, Inbound
from bot.text import render_text
from commands.actions import Action
from digests.message import Actions, Button, Message
from digests.render import render
from storage.db import make_engine
from storage.models import (
    CheckIn,
    Confidence,
    Cycle,
    Direction,
    FlowRun,
    KeyResult,
    Platform,
)
from tests import factories
from tests.flows.conftest import NOW, Team, ask, reply
from tests.suite_clock import at


@dataclass
class Krs:
    accounts: KeyResult
    turnaround: KeyResult


@pytest.fixture
def krs(session: Session, team: Team) -> Krs:
    cycle = session.exec(select(Cycle)).one()
    objective = factories.objective(session, team.workspace, cycle, team.ana, "Win the EV segment")
    accounts = factories.key_result(
        session, objective, team.ana, "Sign EV accounts", target=5, current=2, unit="accounts"
    )
    turnaround = factories.key_result(
        session,
        objective,
        team.ana,
        "Cut quote turnaround",
        start=5,
        target=2,
        current=3.5,
        unit="days",
        direction=Direction.DECREASE,
    )
    session.commit()
    return Krs(accounts, turnaround)


def stored(engine: Engine) -> tuple[list[CheckIn], list[KeyResult]]:
    with Session(engine) as session:
        checkins = list(session.exec(select(CheckIn).order_by(CheckIn.id)))
        krs = list(session.exec(select(KeyResult).order_by(KeyResult.number)))
        return checkins, krs


def test_walks_through_each_kr_with_skip_and_note(engine: Engine, team: Team, krs: Krs) -> None:
    for said, expected in [
        ("/okr checkin", "1/2 · KR-1 Sign EV accounts — now 2 accounts, target 5 accounts."),
        ("3 accounts", "KR-1: how confident are you? (now on track)"),
        ("at-risk", "KR-1: a note for your manager?"),
        ("legal review at Huaxin is slow", "2/2 · KR-2 Cut quote turnaround — now 3.5 days"),
        ("skip", "KR-2: how confident are you?"),
        ("正常", "KR-2: a note for your manager?"),
    ]:
        assert expected in ask(engine, team.ana, said), said
    checkins, _ = stored(engine)
    assert checkins == []  # nothing is written before the last answer
    summary = ask(engine, team.ana, "-")
    assert "Check-in recorded" in summary
    assert "KR-1 Sign EV accounts" in summary
    assert "2 accounts → 3 accounts" in summary
    assert "Confidence: at risk · legal review at Huaxin is slow" in summary
    assert "no change (3.5 days)" in summary
    assert "O-2 Win the EV segment: 45% → 55%" in summary
    assert "Checked in on 2 key results." in summary
    checkins, rows = stored(engine)
    assert [(c.value, c.previous_value, c.confidence, c.note) for c in checkins] == [
        (3, 2, Confidence.AT_RISK, "legal review at Huaxin is slow"),
        (3.5, 3.5, Confidence.ON_TRACK, None),
    ]
    assert [(k.current_value, k.confidence) for k in rows] == [
        (3, Confidence.AT_RISK),
        (3.5, Confidence.ON_TRACK),
    ]
    with Session(engine) as session:
        assert session.exec(select(FlowRun)).all() == []
    shown = ask(engine, team.ana, "/okr show O-2")
    assert "legal review at Huaxin is slow" in shown


def test_a_bad_value_is_asked_again_and_nothing_is_written(
    engine: Engine, team: Team, krs: Krs
) -> None:
    ask(engine, team.ana, "/okr ci")
    assert "“3 apples” is not a value" in ask(engine, team.ana, "3 apples")
    bad = ask(engine, team.ana, "abc")
    assert "“abc” is not a value I understand" in bad
    assert "Type KR-1's value again, or skip for no change." in bad
    wrong_kind = ask(engine, team.ana, "yes")
    assert "KR-1" in wrong_kind
    assert "Type KR-1's value again" in wrong_kind
    assert "KR-1: how confident" in ask(engine, team.ana, "4")
    assert "“maybe” is not a confidence" in ask(engine, team.ana, "maybe")
    assert "KR-1: a note" in ask(engine, team.ana, "off track")
    checkins, rows = stored(engine)
    assert checkins == []
    assert rows[0].current_value == 2


def test_cancel_mid_flow_keeps_nothing(engine: Engine, team: Team, krs: Krs) -> None:
    for said in ["/okr checkin", "4", "on-track", "signed Huaxin", "3"]:
        ask(engine, team.ana, said)
    assert "Cancelled your check-in; nothing from it was saved." in ask(engine, team.ana, "取消")
    checkins, rows = stored(engine)
    assert checkins == []
    assert [k.current_value for k in rows] == [2, 3.5]
    assert "I don't know the command “on-track”" in ask(engine, team.ana, "on-track")


def test_an_expired_check_in_says_so_and_keeps_nothing(
    engine: Engine, team: Team, krs: Krs
) -> None:
    ask(engine, team.ana, "/okr checkin")
    ask(engine, team.ana, "4", at=NOW + timedelta(hours=23))  # each answer restarts the wait
    later = NOW + timedelta(hours=23) + timedelta(minutes=1441)
    text = ask(engine, team.ana, "on-track", at=later)
    assert "Your check-in waited more than 24 hours without an answer" in text
    assert stored(engine)[0] == []


def test_a_restart_mid_flow_continues_where_it_was(
    engine: Engine, database_url: str, team: Team, krs: Krs
) -> None:
    assert team.ana.id is not None
    at(NOW)
    first = Core(engine)
    first.handle(Inbound(Platform.CONSOLE, team.workspace.id or 0, team.ana.id, "/okr checkin"))
    first.handle(Inbound(Platform.CONSOLE, team.workspace.id or 0, team.ana.id, "5"))
    engine.dispose()  # the process goes away; a new one connects
    restarted = make_engine(database_url)
    try:
        at(NOW + timedelta(minutes=5))
        second = Core(restarted)
        answer = second.handle(
            Inbound(Platform.CONSOLE, team.workspace.id or 0, team.ana.id, "on-track")
        )
        assert "KR-1: a note for your manager?" in render_text(answer)
        for said in ["done!", "skip", "keep", "-"]:
            text = render_text(
                second.handle(Inbound(Platform.CONSOLE, team.workspace.id or 0, team.ana.id, said))
            )
        assert "Checked in on 2 key results." in text
    finally:
        restarted.dispose()
    checkins, rows = stored(engine)
    assert [c.value for c in checkins] == [5, 3.5]
    assert rows[0].current_value == 5


def test_one_line_update_still_works_under_the_checkin_names(
    engine: Engine, team: Team, krs: Krs
) -> None:
    assert "2 accounts → 4 accounts" in ask(engine, team.ana, "/okr checkin KR-1 4")
    assert "4 accounts → 5 accounts" in ask(engine, team.ana, "打卡 1 5 正常")
    assert "KR-1" in ask(engine, team.ana, "/okr 打卡")


def test_chinese_walk_through(engine: Engine, session: Session, team: Team, krs: Krs) -> None:
    ana = session.get(type(team.ana), team.ana.id)
    assert ana is not None
    ana.locale = "zh-CN"
    session.add(ana)
    session.commit()
    assert "1/2 · KR-1 Sign EV accounts — 当前 2 accounts" in ask(engine, ana, "/okr 签到")
    assert "请重新输入 KR-1 的数值" in ask(engine, ana, "很多")
    assert "你的信心如何" in ask(engine, ana, "不变")
    assert "“也许”不是信心状态" in ask(engine, ana, "也许")
    assert "要给上级留个备注吗" in ask(engine, ana, "有风险")
    assert "2/2" in ask(engine, ana, "跳过")
    ask(engine, ana, "3")
    ask(engine, ana, "保持")
    summary = ask(engine, ana, "客户提前下单")
    assert "已记录本次打卡" in summary
    assert "已更新 2 个关键结果" in summary
    checkins, _ = stored(engine)
    assert [(c.value, c.confidence, c.note) for c in checkins] == [
        (2, Confidence.AT_RISK, None),
        (3, Confidence.ON_TRACK, "客户提前下单"),
    ]


def test_nothing_to_check_in_on(engine: Engine, team: Team) -> None:
    assert "no key results to check in on" in ask(engine, team.bob, "/okr checkin")


def test_the_prompt_has_a_start_button_that_starts_the_flow(
    engine: Engine, team: Team, krs: Krs
) -> None:
    prompt = render(
        "checkin_prompt",
        locale="en",
        name="Ana",
        krs=[{"ref": "KR-2", "title": "Turnaround", "percent": 50, "confidence": "on_track"}],
    )
    buttons = [b for block in prompt.blocks if block.kind == "actions" for b in block.buttons]
    start = buttons[0]
    assert (start.action_id, start.label) == ("checkin.start", "Start check-in")
    assert start.value == "KR-2"
    assert [b.action_id for b in buttons[1:]] == ["checkin.open"]
    clicked = reply(
        engine, team.ana, action=Action(start.action_id, start.value), platform=Platform.SLACK
    )
    text = render_text(clicked)
    assert "Starting your check-in" in text
    assert "1/1 · KR-2 Cut quote turnaround" in text
    for said in ["3", "at risk"]:
        ask(engine, team.ana, said, platform=Platform.SLACK)
    done = ask(engine, team.ana, "skip", platform=Platform.SLACK)
    assert "Checked in on 1 key result." in done
    _, rows = stored(engine)
    assert (rows[1].current_value, rows[1].confidence) == (3, Confidence.AT_RISK)


def buttons_of(message: Message) -> list[Button]:
    return [b for block in message.blocks if isinstance(block, Actions) for b in block.buttons]


def test_buttons_answer_on_slack_and_a_double_click_counts_once(
    engine: Engine, team: Team, krs: Krs
) -> None:
    first = reply(engine, team.ana, "/okr checkin", platform=Platform.SLACK)
    assert [b.label for b in buttons_of(first)] == ["No change"]
    assert buttons_of(reply(engine, team.ana, "/okr checkin")) == []  # the console types
    first = reply(engine, team.ana, "/okr checkin", platform=Platform.SLACK)
    (no_change,) = buttons_of(first)
    click = Action(no_change.action_id, no_change.value)
    asked = reply(engine, team.ana, action=click, platform=Platform.SLACK)
    choices = buttons_of(asked)
    assert [b.label for b in choices] == ["On track", "At risk", "Off track", "Keep"]
    at_risk = Action(choices[1].action_id, choices[1].value)
    assert "KR-1: a note" in render_text(
        reply(engine, team.ana, action=at_risk, platform=Platform.SLACK)
    )
    again = render_text(reply(engine, team.ana, action=at_risk, platform=Platform.SLACK))
    assert "That was already taken care of" in again
    assert "2/2 · KR-2" in ask(engine, team.ana, "-", platform=Platform.SLACK)
    for said in ["3", "keep", "-"]:
        text = ask(engine, team.ana, said, platform=Platform.SLACK)
    assert "Checked in on 2 key results." in text
    checkins, _ = stored(engine)
    assert [(c.value, c.confidence) for c in checkins] == [
        (2, Confidence.AT_RISK),
        (3, Confidence.ON_TRACK),
    ]
