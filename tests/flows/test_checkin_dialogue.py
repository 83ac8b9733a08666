"""`/okr checkin`: the guided check-in through the real core (SQLite and PostgreSQL): one line
per due KR — value, then confidence and note if any, `same`, `skip` — so three KRs take four
messages; everything is written at the end; an answer not understood is asked again."""

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
    ObjectiveStatus,
    Platform,
)
from tests import factories
from tests.flows.conftest import NOW, Team, ask, reply
from tests.suite_clock import at


@dataclass
class Krs:
    accounts: KeyResult
    turnaround: KeyResult
    nps: KeyResult


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
    nps = factories.key_result(session, objective, team.ana, "Raise NPS", start=30, target=50)
    session.commit()
    return Krs(accounts, turnaround, nps)


def stored(engine: Engine) -> tuple[list[CheckIn], list[KeyResult]]:
    with Session(engine) as session:
        checkins = list(session.exec(select(CheckIn).order_by(CheckIn.id)))
        krs = list(session.exec(select(KeyResult).order_by(KeyResult.number)))
        return checkins, krs


def test_three_krs_take_four_messages(engine: Engine, team: Team, krs: Krs) -> None:
    said = [
        ("/okr checkin", "1/3 · KR-1 Sign EV accounts — now 2 accounts, target 5 accounts"),
        ("4 at-risk legal review at Huaxin is slow", "2/3 · KR-2 Cut quote turnaround"),
        ("same", "3/3 · KR-3 Raise NPS"),
        ("skip", "Check-in recorded"),
    ]
    for message, expected in said[:-1]:
        assert expected in ask(engine, team.ana, message), message
        assert stored(engine)[0] == []  # nothing is written before the last answer
    summary = ask(engine, team.ana, said[-1][0])
    assert len(said) == 4
    assert "2 accounts → 4 accounts" in summary
    assert "Confidence: at risk · legal review at Huaxin is slow" in summary
    assert "no change (3.5 days)" in summary
    assert "Skipped: KR-3" in summary
    assert "O-2 Win the EV segment" in summary
    assert "Checked in on 2 key results." in summary
    checkins, rows = stored(engine)
    assert [(c.value, c.previous_value, c.confidence, c.note) for c in checkins] == [
        (4, 2, Confidence.AT_RISK, "legal review at Huaxin is slow"),
        (3.5, 3.5, Confidence.ON_TRACK, None),
    ]
    assert [k.current_value for k in rows] == [4, 3.5, 30]
    with Session(engine) as session:
        assert session.exec(select(FlowRun)).all() == []
    assert "legal review at Huaxin is slow" in ask(engine, team.ana, "/okr show O-2")


@pytest.mark.parametrize(
    ("answer", "confidence", "note"),
    [
        ("3 at risk", Confidence.AT_RISK, None),
        ("3 at-risk", Confidence.AT_RISK, None),
        ("3 atrisk waiting on legal", Confidence.AT_RISK, "waiting on legal"),
        ("3 accounts at-risk", Confidence.AT_RISK, None),
        ("3 waiting on legal, at risk", Confidence.AT_RISK, "waiting on legal"),
        ("at risk 3 legal", Confidence.AT_RISK, "legal"),
        ("3 off track", Confidence.OFF_TRACK, None),
        ("3 on-track", Confidence.ON_TRACK, None),
        ("3 有 风险", Confidence.AT_RISK, None),
        ("3 有风险 法务审核慢", Confidence.AT_RISK, "法务审核慢"),
        ("3 法务审核慢，有风险", Confidence.AT_RISK, "法务审核慢"),
        ("3 落后", Confidence.OFF_TRACK, None),
        ("3 正常", Confidence.ON_TRACK, None),
        ("3", Confidence.ON_TRACK, None),
    ],
)
def test_confidence_words_anywhere_in_an_answer(
    engine: Engine, team: Team, krs: Krs, answer: str, confidence: Confidence, note: str | None
) -> None:
    ask(engine, team.ana, "/okr checkin")
    ask(engine, team.ana, answer)
    ask(engine, team.ana, "skip")
    ask(engine, team.ana, "skip")
    (checkin,), _ = stored(engine)
    assert (checkin.value, checkin.confidence, checkin.note) == (3, confidence, note)


@pytest.mark.parametrize(
    ("answer", "reason"),
    [
        ("3 not at risk", "“not at risk”: I can't tell which confidence that means."),
        ("3 at risk but on track", "“at risk” and “on track” are two different confidences"),
        ("abc", "“abc” is not a value I understand"),
        ("yes", "KR-1"),
        ("at risk", "What is the new value for KR-1?"),
    ],
)
def test_an_answer_not_understood_is_asked_again_and_nothing_is_written(
    engine: Engine, team: Team, krs: Krs, answer: str, reason: str
) -> None:
    ask(engine, team.ana, "/okr ci")
    refused = ask(engine, team.ana, answer)
    assert reason in refused
    assert "Answer for KR-1 again" in refused
    assert "2/3 · KR-2" in ask(engine, team.ana, "4 off track")
    checkins, rows = stored(engine)
    assert checkins == []
    assert rows[0].current_value == 2


@pytest.mark.parametrize("same", ["same", "Same at-risk", "no change", "unchanged", "不变", "同上"])
def test_same_keeps_the_value(engine: Engine, team: Team, krs: Krs, same: str) -> None:
    ask(engine, team.ana, "/okr checkin")
    ask(engine, team.ana, same)
    ask(engine, team.ana, "skip")
    ask(engine, team.ana, "skip")
    (checkin,), _ = stored(engine)
    assert (checkin.value, checkin.previous_value) == (2, 2)
    at_risk = "at-risk" in same
    assert checkin.confidence is (Confidence.AT_RISK if at_risk else Confidence.ON_TRACK)


def test_chinese_answers_and_replies(
    engine: Engine, session: Session, team: Team, krs: Krs
) -> None:
    ana = session.get(type(team.ana), team.ana.id)
    assert ana is not None
    ana.locale = "zh-CN"
    session.add(ana)
    session.commit()
    assert "1/3 · KR-1 Sign EV accounts — 当前 2 accounts" in ask(engine, ana, "/okr 签到")
    refused = ask(engine, ana, "3 不 正常")
    assert "“不 正常”：我无法判断这是哪种信心状态" in refused
    assert "请重新回答 KR-1" in refused
    assert "我看不懂“很多”这个数值" in ask(engine, ana, "很多")
    assert "2/3" in ask(engine, ana, "3 有 风险 客户提前下单")
    assert "3/3" in ask(engine, ana, "不变 落后")
    summary = ask(engine, ana, "跳过")
    assert "已记录本次打卡" in summary
    assert "已跳过：KR-3" in summary
    assert "已更新 2 个关键结果" in summary
    checkins, _ = stored(engine)
    assert [(c.value, c.confidence, c.note) for c in checkins] == [
        (3, Confidence.AT_RISK, "客户提前下单"),
        (3.5, Confidence.OFF_TRACK, None),
    ]


def test_cancel_mid_flow_keeps_nothing(engine: Engine, team: Team, krs: Krs) -> None:
    for said in ["/okr checkin", "4 on-track signed Huaxin", "3"]:
        ask(engine, team.ana, said)
    assert "Cancelled your check-in; nothing from it was saved." in ask(engine, team.ana, "取消")
    checkins, rows = stored(engine)
    assert checkins == []
    assert [k.current_value for k in rows] == [2, 3.5, 30]
    assert "I don't know the command “same”" in ask(engine, team.ana, "same")


def test_an_expired_check_in_says_so_and_keeps_nothing(
    engine: Engine, team: Team, krs: Krs
) -> None:
    ask(engine, team.ana, "/okr checkin")
    ask(engine, team.ana, "4", at=NOW + timedelta(hours=23))  # each answer restarts the wait
    later = NOW + timedelta(hours=23) + timedelta(minutes=1441)
    text = ask(engine, team.ana, "same", at=later)
    assert "Your check-in waited more than 24 hours without an answer" in text
    assert stored(engine)[0] == []


def test_a_restart_mid_flow_continues_where_it_was(
    engine: Engine, database_url: str, team: Team, krs: Krs
) -> None:
    assert team.ana.id is not None
    workspace_id = team.workspace.id or 0
    at(NOW)
    first = Core(engine)
    first.handle(Inbound(Platform.CONSOLE, workspace_id, team.ana.id, "/okr checkin"))
    first.handle(Inbound(Platform.CONSOLE, workspace_id, team.ana.id, "5 done!"))
    engine.dispose()  # the process goes away; a new one connects
    restarted = make_engine(database_url)
    try:
        at(NOW + timedelta(minutes=5))
        second = Core(restarted)
        for said in ["same", "skip"]:
            text = render_text(
                second.handle(Inbound(Platform.CONSOLE, workspace_id, team.ana.id, said))
            )
        assert "Checked in on 2 key results." in text
    finally:
        restarted.dispose()
    checkins, rows = stored(engine)
    assert [(c.value, c.note) for c in checkins] == [(5, "done!"), (3.5, None)]
    assert rows[0].current_value == 5


def test_one_line_update_still_works_under_the_checkin_names(
    engine: Engine, team: Team, krs: Krs
) -> None:
    assert "2 accounts → 4 accounts" in ask(engine, team.ana, "/okr checkin KR-1 4")
    assert "4 accounts → 5 accounts" in ask(engine, team.ana, "打卡 1 5 正常")
    # KR-1 is at its target now: the guided check-in no longer asks about it.
    started = ask(engine, team.ana, "/okr 打卡")
    assert "1/2 · KR-2" in started
    assert "KR-1" not in started


def test_nothing_to_check_in_on(engine: Engine, team: Team) -> None:
    assert "no key results to check in on" in ask(engine, team.bob, "/okr checkin")


def test_due_krs_leave_out_drafts_pending_and_finished_ones(
    engine: Engine, session: Session, team: Team, krs: Krs
) -> None:
    cycle = session.exec(select(Cycle)).one()
    for status in (ObjectiveStatus.DRAFT, ObjectiveStatus.PENDING):
        waiting = factories.objective(
            session, team.workspace, cycle, team.ana, f"A {status.value} one", status=status
        )
        factories.key_result(session, waiting, team.ana, f"KR of a {status.value}", target=9)
    done = session.get(KeyResult, krs.nps.id)
    assert done is not None
    done.current_value = 50
    session.add(done)
    session.commit()
    started = ask(engine, team.ana, "/okr checkin")
    assert "1/2 · KR-1" in started
    ask(engine, team.ana, "skip")
    assert "KR-3" not in ask(engine, team.ana, "skip")
    # A finished KR can still be updated by hand; a draft's or a pending one's cannot.
    assert "50 → 55" in ask(engine, team.ana, "/okr update KR-3 55")
    refused = ask(engine, team.ana, "/okr update KR-4 3")
    assert "KR-4 is on O-3, which is draft: check-ins start once it is approved." in refused
    refused = ask(engine, team.ana, "/okr update KR-5 3")
    assert "which is awaiting approval" in refused
    checkins, _ = stored(engine)
    assert [c.value for c in checkins] == [55]


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
    assert [(b.action_id, b.label, b.value) for b in buttons] == [
        ("checkin.form", "Check in", "KR-2"),
        ("checkin.start", "Start check-in", "KR-2"),
    ]
    start = buttons[1]
    clicked = reply(
        engine, team.ana, action=Action(start.action_id, start.value), platform=Platform.SLACK
    )
    text = render_text(clicked)
    assert "Starting your check-in" in text
    assert "1/1 · KR-2 Cut quote turnaround" in text
    done = ask(engine, team.ana, "3 at risk", platform=Platform.SLACK)
    assert "Checked in on 1 key result." in done
    _, rows = stored(engine)
    assert (rows[1].current_value, rows[1].confidence) == (3, Confidence.AT_RISK)


def buttons_of(message: Message) -> list[Button]:
    return [b for block in message.blocks if isinstance(block, Actions) for b in block.buttons]


def test_buttons_answer_on_slack_and_a_double_click_counts_once(
    engine: Engine, team: Team, krs: Krs
) -> None:
    first = reply(engine, team.ana, "/okr checkin", platform=Platform.SLACK)
    assert [b.label for b in buttons_of(first)] == ["Same as before", "Skip"]
    assert buttons_of(reply(engine, team.ana, "/okr checkin")) == []  # the console types
    first = reply(engine, team.ana, "/okr checkin", platform=Platform.SLACK)
    same, _ = buttons_of(first)
    click = Action(same.action_id, same.value)
    assert "2/3 · KR-2" in render_text(
        reply(engine, team.ana, action=click, platform=Platform.SLACK)
    )
    again = render_text(reply(engine, team.ana, action=click, platform=Platform.SLACK))
    assert "That was already taken care of" in again
    asked = reply(engine, team.ana, "3 at-risk", platform=Platform.SLACK)
    _, skip = buttons_of(asked)
    done = render_text(
        reply(engine, team.ana, action=Action(skip.action_id, skip.value), platform=Platform.SLACK)
    )
    assert "Checked in on 2 key results." in done
    checkins, _ = stored(engine)
    assert [(c.value, c.confidence) for c in checkins] == [
        (2, Confidence.ON_TRACK),
        (3, Confidence.AT_RISK),
    ]
