"""People and departments by any name (issue 19): a name with a space, quoted or not, in
English and Chinese; a display-name word; an ambiguous name lists the candidates; a department
broadcast reaches the sub-departments too."""

from __future__ import annotations

import pytest
from sqlalchemy.engine import Engine
from sqlmodel import Session, select

from storage.models import KeyResult, KpiFeedback, Person, Role
from tests import factories
from tests.flows.conftest import Team, ask


@pytest.fixture
def plant(session: Session, team: Team) -> Team:
    """Production with its Machining Workshop; Mei Lin works there; Li Na and Li Wei are HR."""
    ws = team.workspace
    production = factories.department(session, ws, "Production")
    workshop = factories.department(session, ws, "Machining Workshop", parent_id=production.id)
    factories.department(session, ws, "Machining")
    factories.person(session, ws, "mei.lin@example.com", "Mei Lin 林美", department_id=workshop.id)
    factories.person(session, ws, "wei@example.com", "Wei Zhang", department_id=production.id)
    factories.person(session, ws, "cnc@example.com", "Cai Ning", department_id=workshop.id)
    factories.person(
        session, ws, "li.na@example.com", "Li Na 李娜", role=Role.HR_ADMIN, locale="zh-CN"
    )
    factories.person(session, ws, "li.wei@example.com", "Li Wei 李伟")
    cycle = factories.cycle(session, ws, name="2026-Q3")
    goal = factories.objective(session, ws, cycle, team.ana, "Grow the pipeline")
    factories.key_result(session, goal, team.ana, "Sign 5 accounts", target=5)
    session.commit()
    return team


def _hr_zh(session: Session) -> Person:
    found = session.exec(select(Person).where(Person.email == "li.na@example.com")).one()
    return found


def _kr(session: Session) -> int:
    return session.exec(select(KeyResult.number)).one()


def test_feedback_to_a_full_name_keeps_the_whole_note(
    engine: Engine, session: Session, plant: Team
) -> None:
    answer = ask(
        engine, plant.lara, f"/kpi feedback KR-{_kr(session)} @Ana Lima pipeline looks thin"
    )
    assert "Ana Lima" in answer
    note = session.exec(select(KpiFeedback)).one()
    assert note.text == "pipeline looks thin"
    assert note.recipient_id == plant.ana.id


@pytest.mark.parametrize("mention", ['@"Ana Lima"', "“Ana Lima”", "「Ana Lima」", "@ana lima"])
def test_a_quoted_or_lower_case_full_name(
    engine: Engine, session: Session, plant: Team, mention: str
) -> None:
    ask(engine, plant.lara, f"/kpi feedback KR-{_kr(session)} {mention} pipeline looks thin")
    note = session.exec(select(KpiFeedback)).one()
    assert (note.text, note.recipient_id) == ("pipeline looks thin", plant.ana.id)


def test_one_word_of_a_name_finds_the_person(engine: Engine, plant: Team) -> None:
    assert "Mei Lin 林美 — OKRs" in ask(engine, plant.hana, "/okr list @mei")
    assert "Mei Lin 林美 — OKRs" in ask(engine, plant.hana, "/okr list @林美")


def test_an_ambiguous_name_lists_the_candidates(
    engine: Engine, session: Session, plant: Team
) -> None:
    answer = ask(engine, plant.hana, "/okr list @li")
    assert "“@li” could be several people" in answer
    assert "Li Na 李娜 <li.na@example.com>" in answer
    assert "Li Wei 李伟 <li.wei@example.com>" in answer
    answer_zh = ask(engine, _hr_zh(session), "/okr list @li")
    assert "“@li”可能是好几个人" in answer_zh
    assert "li.wei@example.com" in answer_zh


def test_kpi_assess_and_audit_take_a_full_name(engine: Engine, plant: Team) -> None:
    assert "Ana Lima" in ask(engine, plant.hana, "/kpi assess @Ana Lima 2026-11")
    assert "Ana Lima" in ask(engine, plant.hana, "/hr audit @Ana Lima since 2026-11-01")


@pytest.mark.parametrize(
    "audience",
    [
        "department:Machining Workshop",
        'department:"Machining Workshop"',
        "department:“machining workshop”",
        "部门:「Machining Workshop」",
        "部门：Machining Workshop",
    ],
)
def test_a_department_name_with_a_space(engine: Engine, plant: Team, audience: str) -> None:
    answer = ask(engine, plant.hana, f"/hr broadcast {audience} Reviews are due Friday")
    assert "department Machining Workshop: 2 people" in answer
    assert "Reviews are due Friday" in answer


def test_the_shorter_department_is_not_taken_for_the_longer(engine: Engine, plant: Team) -> None:
    answer = ask(engine, plant.hana, "/hr broadcast department:Machining please check in")
    assert "Nobody is in the audience department Machining right now" in answer
    assert "Workshop" not in answer


def test_a_department_reaches_its_sub_departments_and_lists_combine(
    engine: Engine, plant: Team
) -> None:
    answer = ask(engine, plant.hana, "/hr broadcast department:Production Reviews due")
    assert "department Production: 3 people" in answer  # Wei, and the workshop's two
    answer = ask(engine, plant.hana, "/hr broadcast department:Machining Workshop, Sales Go")
    assert "department Machining Workshop, Sales: 5 people" in answer


def test_an_unknown_department_is_named_in_the_readers_language(
    engine: Engine, session: Session, plant: Team
) -> None:
    answer = ask(engine, plant.hana, "/hr broadcast department:Assembly Line Reviews due")
    assert "There is no department called Assembly." in answer
    assert "Usage: /hr broadcast" in answer
    answer_zh = ask(engine, _hr_zh(session), "/hr broadcast 部门:「总装车间」 请完成复盘")
    assert "总装车间" in answer_zh
    assert "There is" not in answer_zh
