"""`/okr cycle` and `/okr carry` (周期, 结转): admins open and close cycles; unfinished
objectives are carried into the next cycle with their current values as new baselines."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

import pytest
from sqlalchemy.engine import Engine
from sqlmodel import Session, col, select

from commands.grammar import parse
from commands.types import OkrCarry, OkrCycle
from storage.models import (
    AuditLog,
    Cycle,
    CycleState,
    KeyResult,
    Objective,
    ObjectiveCarry,
    ObjectiveStatus,
    OwnerType,
    Person,
    Role,
)
from tests import factories
from tests.flows.conftest import ask, inbox, reply


@dataclass
class Org:
    ana: Person
    lara: Person
    hana: Person
    boss: Person
    company: int
    ana_open: int
    ana_done: int
    pending: int


@pytest.fixture
def org(session: Session) -> Org:
    ws = factories.workspace(session, "acme")
    sales = factories.department(session, ws, "Sales")
    boss = factories.person(session, ws, "ceo@example.com", "Cai Boss", role=Role.ADMIN)
    lara = factories.person(
        session, ws, "lara@example.com", "Lara Lead", role=Role.MANAGER,
        department_id=sales.id, manager_id=boss.id,
    )  # fmt: skip
    ana = factories.person(
        session, ws, "ana@example.com", "Ana Lima", manager_id=lara.id, department_id=sales.id
    )
    hana = factories.person(
        session, ws, "hana@example.com", "Hana HR", role=Role.HR_ADMIN, locale="zh-CN"
    )
    q4 = factories.cycle(session, ws)
    company = factories.objective(
        session, ws, q4, boss, "Lead the EV battery market",
        owner_type=OwnerType.COMPANY, owner_person_id=None,
    )  # fmt: skip
    factories.key_result(session, company, boss, "Market share", start=10, target=20, current=14)
    ana_open = factories.objective(session, ws, q4, ana, "Sign NEV accounts", parent_id=company.id)
    factories.key_result(
        session, ana_open, ana, "Accounts", start=0, target=10, current=4, unit="accounts"
    )
    factories.key_result(session, ana_open, ana, "Demo days", start=0, target=2, current=2)
    ana_done = factories.objective(session, ws, q4, ana, "Launch the price list")
    factories.key_result(session, ana_done, ana, "Published", start=0, target=1, current=1)
    pending = factories.objective(
        session, ws, q4, ana, "Still waiting for approval", status=ObjectiveStatus.PENDING
    )
    factories.key_result(session, pending, ana, "Anything", start=0, target=5, current=1)
    session.commit()
    return Org(
        ana, lara, hana, boss, company.number, ana_open.number, ana_done.number, pending.number
    )


def _cycle(engine: Engine, name: str) -> Cycle | None:
    with Session(engine) as session:
        return session.exec(select(Cycle).where(Cycle.name == name)).first()


def _objectives_in(engine: Engine, name: str) -> list[tuple[Objective, list[KeyResult]]]:
    with Session(engine) as session:
        cycle = session.exec(select(Cycle).where(Cycle.name == name)).one()
        objectives = session.exec(
            select(Objective).where(Objective.cycle_id == cycle.id).order_by(col(Objective.number))
        ).all()
        return [
            (
                o,
                list(session.exec(select(KeyResult).where(KeyResult.objective_id == o.id)).all()),
            )
            for o in objectives
        ]


def test_the_grammar_in_both_languages() -> None:
    assert parse("/okr cycle") == OkrCycle()
    assert parse("/okr cycle open 2027-q1 2027-01-01 2027-03-31") == OkrCycle(
        "open", "2027-Q1", date(2027, 1, 1), date(2027, 3, 31)
    )
    assert parse("/okr 周期 关闭 2026-Q4 结转 到 2027-Q1") == OkrCycle(
        "close", "2026-Q4", carry=True, carry_to="2027-Q1"
    )
    assert parse("/okr carry O-7 to 2027-Q1") == OkrCarry(7, "2027-Q1")
    assert parse("/目标 结转 #7") == OkrCarry(7)


def test_employees_and_managers_cannot_change_cycles(
    engine: Engine, session: Session, org: Org
) -> None:
    for who in (org.ana, org.lara):
        for command in (
            "/okr cycle open 2027-Q1 2027-01-01 2027-03-31",
            "/okr cycle close 2026-Q4",
            f"/okr carry O-{org.ana_open}",
        ):
            message = reply(engine, who, command)
            assert message.is_error
            assert "Only HR admins and admins can open, close or roll over cycles." in ask(
                engine, who, command
            )
    assert _cycle(engine, "2027-Q1") is None
    q4 = _cycle(engine, "2026-Q4")
    assert q4 is not None
    assert q4.state is CycleState.ACTIVE
    assert session.exec(select(ObjectiveCarry)).all() == []
    listed = ask(engine, org.ana, "/okr cycle list")
    assert "2026-Q4 · 2026-10-01 → 2026-12-31 · active · 4 objectives" in listed
    assert "/okr cycle open" not in listed  # the admin hint is for admins


def test_an_admin_opens_closes_into_review_then_closed(engine: Engine, org: Org) -> None:
    # A cycle that starts in a month is planned, not active: its first day makes it active.
    opened = ask(engine, org.boss, "/okr cycle open 2027-Q1 2027-01-01 2027-03-31")
    assert opened.startswith("Cycle 2027-Q1 (2027-01-01 → 2027-03-31) is planned")
    assert "becomes active on 2027-01-01" in opened
    assert _cycle(engine, "2027-Q1").state is CycleState.PLANNING
    assert _cycle(engine, "2026-Q4").state is CycleState.ACTIVE  # the current one stays
    again = ask(engine, org.boss, "/okr cycle open 2027-Q1")
    assert "was already open; nothing changed" in again
    review = ask(engine, org.boss, "/okr cycle close 2026-Q4")
    assert review.startswith("Cycle 2026-Q4 is now in review")
    assert _cycle(engine, "2026-Q4").state is CycleState.REVIEW
    invitations = [text for text in inbox(engine, org.ana) if f"O-{org.ana_open}" in text]
    assert len(invitations) == 1  # one invitation listing her approved objectives to score
    assert f"O-{org.ana_done}" in invitations[0]
    waiting = ask(engine, org.boss, "/okr cycle close 2026-Q4")
    assert "objectives in 2026-Q4 have no score yet, and closing ends scoring" in waiting
    assert "/okr cycle close 2026-Q4 confirm" in waiting
    assert _cycle(engine, "2026-Q4").state is CycleState.REVIEW
    closed = ask(engine, org.boss, "/okr cycle close 2026-Q4 confirm")
    assert closed == "Cycle 2026-Q4 is closed: no more check-ins."
    assert _cycle(engine, "2026-Q4").state is CycleState.CLOSED
    assert ask(engine, org.boss, "/okr cycle close 2026-Q4") == "Cycle 2026-Q4 was already closed."
    refused = ask(engine, org.boss, "/okr cycle open 2026-Q4")
    assert refused.startswith("Cycle 2026-Q4 is closed and stays closed.")
    update = ask(engine, org.ana, "/okr update KR-2 5")
    assert "2026-Q4" in update
    listed = ask(engine, org.hana, "/okr 周期")
    assert "2026-Q4 · 2026-10-01 → 2026-12-31 · 已关闭" in listed
    assert "2027-Q1 · 2027-01-01 → 2027-03-31 · 规划中 · 0 个目标" in listed
    with Session(engine) as session:
        actions = session.exec(
            select(AuditLog.action, AuditLog.entity_ref).where(AuditLog.entity_type == "cycle")
        ).all()
    assert actions == [
        ("cycle_open", "2027-Q1"),
        ("cycle_close", "2026-Q4"),
        ("cycle_close", "2026-Q4"),
    ]


def test_a_cycle_that_has_started_opens_active(engine: Engine, org: Org) -> None:
    opened = ask(engine, org.boss, "/okr cycle open 2026-11 2026-11-01 2026-11-30")
    assert opened == "Cycle 2026-11 (2026-11-01 → 2026-11-30) is created and open."
    assert _cycle(engine, "2026-11").state is CycleState.ACTIVE


def test_bad_cycle_input_gets_usage(engine: Engine, org: Org) -> None:
    cases = {
        "/okr cycle open 2027-Q1": "There is no cycle 2027-Q1 yet: give its start and end dates",
        "/okr cycle open 2027-Q1 2027-02-30 2027-03-31": "“2027-02-30” is not a date",
        "/okr cycle open 2027-Q1 2027-03-31 2027-01-01": "The cycle must end after it starts",
        "/okr cycle open next-quarter": "“next-quarter” is not a cycle name",
        "/okr cycle close 2025-Q1": "There is no cycle 2025-Q1. Known cycles: 2026-Q4.",
        "/okr cycle rename 2026-Q4": "“rename” is not something I can do with cycles.",
        "/okr carry": "Which objective?",
    }
    for command, expected in cases.items():
        message = reply(engine, org.boss, command)
        assert message.is_error, command
        text = ask(engine, org.boss, command)
        assert expected in text, text
        assert "Usage: /okr c" in text, text
    assert _cycle(engine, "2027-Q1") is None


def test_carry_copies_current_values_as_baselines_and_links_the_original(
    engine: Engine, org: Org
) -> None:
    no_next = ask(engine, org.boss, f"/okr carry O-{org.ana_open}")
    assert "There is no later open cycle to carry into after 2026-Q4" in no_next
    ask(engine, org.boss, "/okr cycle open 2027-Q1 2027-01-01 2027-03-31")
    carried = ask(engine, org.boss, f"/okr carry O-{org.ana_open}")
    assert f"O-{org.ana_open} → O-5 Sign NEV accounts (1 KR, its current value" in carried
    [(copy, krs)] = _objectives_in(engine, "2027-Q1")
    assert copy.number == 5
    assert copy.title == "Sign NEV accounts"
    assert copy.owner_person_id == org.ana.id
    assert copy.parent_id is None  # the company objective has not been carried (yet)
    [kr] = krs  # the finished "Demo days" KR stays behind
    assert (kr.title, kr.start_value, kr.current_value, kr.target_value, kr.unit) == (
        "Accounts",
        4,
        4,
        10,
        "accounts",
    )
    assert kr.owner_id == org.ana.id
    again = ask(engine, org.boss, f"/okr carry O-{org.ana_open}")
    assert f"O-{org.ana_open} was carried before: it continues as O-5" in again
    assert len(_objectives_in(engine, "2027-Q1")) == 1
    with Session(engine) as session:
        links = session.exec(select(ObjectiveCarry)).all()
        original = session.exec(select(Objective).where(Objective.number == org.ana_open)).one()
    assert [(link.from_objective_id, link.to_objective_id) for link in links] == [
        (original.id, copy.id)
    ]
    finished = ask(engine, org.boss, f"/okr carry O-{org.ana_done}")
    assert "has no unfinished key result" in finished
    pending = ask(engine, org.boss, f"/okr carry O-{org.pending}")
    assert "has no unfinished key result (or is not approved)" in pending
    backwards = ask(engine, org.boss, "/okr cycle open 2026-Q3 2026-07-01 2026-09-30")
    assert "created" in backwards
    refused = ask(engine, org.boss, f"/okr carry O-{org.company} to 2026-Q3")
    assert "does not start after 2026-Q4" in refused


def test_closing_with_carry_moves_every_unfinished_objective_once(engine: Engine, org: Org) -> None:
    ask(engine, org.boss, "/okr cycle open 2027-Q1 2027-01-01 2027-03-31")
    first = ask(engine, org.hana, "/okr 周期 关闭 2026-Q4 结转")
    assert first.startswith("周期 2026-Q4 已进入复盘")
    assert "已将 2 个未完成目标结转到 2027-Q1" in first
    copies = _objectives_in(engine, "2027-Q1")
    assert [o.title for o, _ in copies] == ["Lead the EV battery market", "Sign NEV accounts"]
    (company, company_krs), (ana, _) = copies
    assert company.owner_type is OwnerType.COMPANY
    assert ana.parent_id == company.id  # alignment follows into the new cycle
    assert [(k.start_value, k.current_value, k.target_value) for k in company_krs] == [(14, 14, 20)]
    waiting = ask(engine, org.hana, "/okr 周期 关闭 2026-Q4 结转 到 2027-Q1")
    assert "还没有评分，关闭后将不能再评分" in waiting  # nothing scored: confirm first
    assert _cycle(engine, "2026-Q4").state is CycleState.REVIEW
    second = ask(engine, org.hana, "/okr 周期 关闭 2026-Q4 结转 到 2027-Q1 确认")
    assert second.startswith("周期 2026-Q4 已关闭")
    assert "已将 0 个未完成目标结转到 2027-Q1" in second
    assert "之前已结转" in second
    assert len(_objectives_in(engine, "2027-Q1")) == 2
    assert _cycle(engine, "2026-Q4").state is CycleState.CLOSED


def test_a_child_carried_first_is_relinked_when_its_parent_follows(
    engine: Engine, org: Org
) -> None:
    ask(engine, org.boss, "/okr cycle open 2027-Q1 2027-01-01 2027-03-31")
    ask(engine, org.boss, f"/okr carry O-{org.ana_open}")
    ask(engine, org.boss, f"/okr carry O-{org.company}")
    (child, _), (parent, _) = _objectives_in(engine, "2027-Q1")
    assert child.title == "Sign NEV accounts"
    assert child.parent_id == parent.id


def test_the_owner_hears_once_where_her_objective_went(engine: Engine, org: Org) -> None:
    ask(engine, org.boss, "/okr cycle open 2027-Q1 2027-01-01 2027-03-31")
    ask(engine, org.hana, "/okr cycle close 2026-Q4 carry")
    ask(engine, org.hana, "/okr cycle close 2026-Q4 carry")
    ask(engine, org.boss, f"/okr carry O-{org.ana_open}")
    carried = [text for text in inbox(engine, org.ana) if "continues in" in text]
    assert carried == [
        f"Your objective O-{org.ana_open} “Sign NEV accounts” continues in 2027-Q1 as O-6: "
        "1 unfinished KR, with its current value as the new baseline.\n"
        "  /okr show O-6 to see it · /okr map O-6 for its alignment"
    ]
    assert inbox(engine, org.boss) == []  # the company objective has no owning person
    assert sum("Time to review 2026-Q4" in text for text in inbox(engine, org.ana)) == 1


def test_show_says_where_a_carried_objective_came_from_and_went(engine: Engine, org: Org) -> None:
    ask(engine, org.boss, "/okr cycle open 2027-Q1 2027-01-01 2027-03-31")
    ask(engine, org.boss, f"/okr carry O-{org.ana_open}")
    [(copy, _)] = _objectives_in(engine, "2027-Q1")
    original = ask(engine, org.ana, f"/okr show O-{org.ana_open}")
    assert f"Continues in 2027-Q1 as O-{copy.number}" in original
    assert "Carried from" not in original
    carried = ask(engine, org.ana, f"/okr show O-{copy.number}")
    assert f"Carried from O-{org.ana_open} (2026-Q4)" in carried
    assert "Continues in" not in carried
    assert f"结转自 O-{org.ana_open}（2026-Q4）" in ask(
        engine, org.hana, f"/okr 查看 O-{copy.number}"
    )
    assert f"已结转到 2027-Q1，继续为 O-{copy.number}" in ask(
        engine, org.hana, f"/okr 查看 O-{org.ana_open}"
    )
    untouched = ask(engine, org.ana, f"/okr show O-{org.ana_done}")
    assert "Carried from" not in untouched
    assert "Continues in" not in untouched


def test_a_closed_cycle_offers_no_score_actions(engine: Engine, org: Org) -> None:
    ask(engine, org.boss, "/okr cycle close 2026-Q4")
    ask(engine, org.boss, "/okr cycle close 2026-Q4 confirm")
    report = ask(engine, org.ana, "/okr review 2026-Q4")
    assert "2026-Q4 is closed: these are its final scores." in report
    assert "was not reviewed before the cycle closed" in report
    assert "/okr score" not in report
    assert "scores may still change" not in report


def test_any_cycle_can_be_listed_and_one_in_review_is_pointed_out(engine: Engine, org: Org) -> None:
    ask(engine, org.boss, "/okr cycle open 2026-11 2026-11-01 2026-11-30")  # started: active
    ask(engine, org.boss, "/okr cycle close 2026-Q4")  # into review
    now = ask(engine, org.ana, "/okr")
    assert "2026-Q4 is in review: /okr list 2026-Q4 for its objectives" in now
    listed = ask(engine, org.ana, "/okr list 2026-Q4")
    assert "Ana Lima — OKRs 2026-Q4" in listed
    assert "is in review" not in listed
    assert "Known cycles: 2026-11, 2026-Q4" in ask(engine, org.ana, "/okr list 2025-Q1")
    assert "OKRs 2026-Q4" in ask(engine, org.ana, "/okr 列表 2026年第4季度")
    assert "Check in with" in listed  # in review, check-ins still go in
    ask(engine, org.boss, "/okr cycle close 2026-Q4 confirm")  # closed
    closed = ask(engine, org.ana, "/okr list 2026-Q4")
    assert "2026-Q4 is closed: no more check-ins. /okr review 2026-Q4 shows" in closed
    assert "Check in with" not in closed
