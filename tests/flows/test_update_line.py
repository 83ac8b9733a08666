"""`/okr update` with several KRs, through the real core (SQLite and PostgreSQL): one typed
message records a 3-KR check-in; a problem with any KR records none and says which."""

from __future__ import annotations

from dataclasses import dataclass

import pytest
from sqlalchemy.engine import Engine
from sqlmodel import Session, select

from storage.models import CheckIn, Confidence, Cycle, Direction, KeyResult, Metric
from tests import factories
from tests.flows.conftest import Team, ask


@dataclass
class Krs:
    accounts: KeyResult
    revenue: KeyResult
    turnaround: KeyResult


@pytest.fixture
def krs(session: Session, team: Team) -> Krs:
    cycle = session.exec(select(Cycle)).one()
    objective = factories.objective(session, team.workspace, cycle, team.ana, "Win the EV segment")
    accounts = factories.key_result(
        session, objective, team.ana, "Sign EV accounts", target=5, current=2, unit="accounts"
    )
    revenue = factories.key_result(
        session,
        objective,
        team.ana,
        "EV revenue",
        target=10_000_000,
        current=4_000_000,
        metric=Metric.CURRENCY,
        unit="¥",
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
    return Krs(accounts, revenue, turnaround)


def check_ins(engine: Engine) -> list[tuple[int, float, Confidence, str | None]]:
    with Session(engine) as session:
        rows = session.exec(select(CheckIn).order_by(CheckIn.id))
        numbers = {kr.id: kr.number for kr in session.exec(select(KeyResult))}
        return [(numbers[c.key_result_id], c.value, c.confidence, c.note) for c in rows]


def test_a_three_kr_check_in_is_one_typed_message(engine: Engine, team: Team, krs: Krs) -> None:
    line = "/okr update KR-1 4, KR-2 6.2m at-risk supplier late; KR-3 2.5 days at risk"
    answer = ask(engine, team.ana, line)  # the one message
    assert "Check-in recorded" in answer
    assert "2 accounts → 4 accounts" in answer
    assert "¥4,000,000 → ¥6,200,000" in answer
    assert "3.5 days → 2.5 days" in answer
    assert "Confidence: at risk · supplier late" in answer
    assert "Checked in on 3 key results." in answer
    assert check_ins(engine) == [
        (1, 4, Confidence.ON_TRACK, None),
        (2, 6_200_000, Confidence.AT_RISK, "supplier late"),
        (3, 2.5, Confidence.AT_RISK, None),  # "days" is the KR's unit, not a note
    ]


def test_a_value_with_a_plus_adds_to_the_current_one(engine: Engine, team: Team, krs: Krs) -> None:
    """`+1` signed one more account, `+500k` half a million more: added, not the new value."""
    answer = ask(engine, team.ana, "/okr update KR-1 +1 signed BYD, KR-2 +500k")
    assert "2 accounts → 3 accounts" in answer
    assert "¥4,000,000 → ¥4,500,000" in answer
    assert [(number, value) for number, value, _, _ in check_ins(engine)] == [
        (1, 3),
        (2, 4_500_000),
    ]
    assert "3.5 days → 3 days" in ask(engine, team.ana, "/okr update KR-3 3")  # no sign: as typed


def test_the_chinese_line_with_full_width_separators(
    engine: Engine, session: Session, team: Team, krs: Krs
) -> None:
    ana = session.get(type(team.ana), team.ana.id)
    assert ana is not None
    ana.locale = "zh-CN"
    session.add(ana)
    session.commit()
    answer = ask(engine, ana, "/okr 更新 KR-1 4，KR-2 6.2m 有 风险 供应商延期；KR-3 2.5 落后")
    assert "已记录本次打卡" in answer
    assert "已更新 3 个关键结果" in answer
    assert check_ins(engine) == [
        (1, 4, Confidence.ON_TRACK, None),
        (2, 6_200_000, Confidence.AT_RISK, "供应商延期"),
        (3, 2.5, Confidence.OFF_TRACK, None),
    ]


@pytest.mark.parametrize(
    ("line", "reason"),
    [
        ("/okr update KR-1 4, KR-2 lots, KR-3 2.5", "“lots” is not a value I understand"),
        (
            "/okr update KR-1 4, KR-2 6.2m, KR-9 2.5",
            "There is no key result KR-9 that you can see.",
        ),
        ("/okr update KR-1 4, KR-2 6.2m, KR-3 yes", "KR-3"),
        ("/okr update KR-1 4 at risk, on track; KR-2 5m", "are two different confidences"),
        ("/okr update KR-1 4, KR-2 6.2m not at risk", "I can't tell which confidence"),
        ("/okr update KR-1 4, KR-1 5", "KR-1 is in that line twice"),
    ],
)
def test_a_problem_with_any_kr_records_none(
    engine: Engine, team: Team, krs: Krs, line: str, reason: str
) -> None:
    answer = ask(engine, team.ana, line)
    assert reason in answer
    assert "Usage: /okr update KR-n VALUE" in answer
    assert check_ins(engine) == []


def test_someone_elses_kr_in_the_line_records_none(engine: Engine, team: Team, krs: Krs) -> None:
    answer = ask(engine, team.bob, "/okr update KR-1 4, KR-2 6.2m")
    assert "KR-1 belongs to Ana Lima; only its owner can check in on it." in answer
    assert check_ins(engine) == []
