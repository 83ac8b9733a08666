"""`/okr review`: the cycle's review report for a person, a team and a department, through the
real core (SQLite and PostgreSQL): scores, sparklines from known check-ins, notes, visibility."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest
from sqlalchemy import event
from sqlalchemy.engine import Engine
from sqlmodel import Session

from digests import review_report
from digests.message import Image
from storage.models import Cycle, KeyResultScore, ObjectiveReview
from tests.flows import conftest as flow_conftest
from tests.flows.conftest import Team, ask, reply
from tests.flows.review_seed import SPARK_KR1, SPARK_KR2, Seeded, seed


@pytest.fixture
def flow_team(session: Session) -> Team:
    """The small company of the flow dialogues (tests/flows/conftest.py)."""
    team: Team = flow_conftest.team.__wrapped__(session)  # type: ignore[attr-defined]
    return team


@pytest.fixture
def seeded(session: Session, flow_team: Team, tmp_path: Path, monkeypatch: Any) -> Seeded:
    monkeypatch.setenv("OKRBOT_CHART_DIR", str(tmp_path / "charts"))
    found = seed(session, flow_team.ana, flow_team.bob, flow_team.lara)
    session.add(
        KeyResultScore(
            workspace_id=found.kr1.workspace_id,
            key_result_id=found.kr1.id or 0,
            owner_score=0.7,
            manager_score=0.5,
        )
    )
    session.add(
        KeyResultScore(
            workspace_id=found.kr2.workspace_id,
            key_result_id=found.kr2.id or 0,
            owner_score=0.6,
            manager_score=0.6,
        )
    )
    session.add(
        ObjectiveReview(
            workspace_id=found.objective.workspace_id,
            objective_id=found.objective.id or 0,
            worked="Early demos with Huaxin",
            did_not="Legal review was slow",
            next_steps="Start legal review in week 1",
            manager_comment="Good push",
        )
    )
    session.commit()
    return found


def test_a_person_report_has_scores_sparklines_and_notes(
    engine: Engine, flow_team: Team, seeded: Seeded
) -> None:
    text = ask(engine, flow_team.ana, "/okr review")
    assert "Review 2026-Q4 · Ana Lima" in text
    assert "Scored by owners:     2 of 2 key results" in text
    assert "O-2 Win the EV segment · Ana Lima" in text
    assert "Overall  self 0.63 · manager 0.57" in text
    kr1 = f"KR-1 Sign EV accounts  0 accounts → 3.6 accounts / 5 accounts  {SPARK_KR1}"
    assert f"{kr1}  self 0.7 · manager 0.5" in text
    assert f"KR-2 Cut scrap rate  7% → 6% / 5%  {SPARK_KR2}  self 0.6 · manager 0.6" in text
    for note in (
        "What worked: Early demos with Huaxin",
        "What did not: Legal review was slow",
        "Next steps: Start legal review in week 1",
        "Manager: Good push",
    ):
        assert note in text
    assert "Secret hiring plan" not in text
    assert "Grow the sales team" not in text


def test_the_report_attaches_a_sparkline_chart(
    engine: Engine, flow_team: Team, seeded: Seeded, tmp_path: Path
) -> None:
    images = [b for b in reply(engine, flow_team.ana, "/okr review").blocks if isinstance(b, Image)]
    assert len(images) == 1
    png = Path(images[0].path)
    assert png.parent == tmp_path / "charts"
    assert png.read_bytes().startswith(b"\x89PNG")


def test_the_team_report_shows_every_report_to_the_manager(
    engine: Engine, flow_team: Team, seeded: Seeded
) -> None:
    text = ask(engine, flow_team.lara, "/okr review team 2026-Q4")
    assert "Review 2026-Q4 · Lara Lead's team" in text
    assert "O-2 Win the EV segment · Ana Lima" in text
    assert "O-3 Secret hiring plan · Bob Brown" in text  # private, but Lara manages Bob
    assert "O-3 has no review notes yet (/okr score O-3)." in text
    assert "Grow the sales team" not in text  # Lara's own is not her team's
    assert "Scored by owners:     2 of 3 key results" in text


def test_a_long_report_is_cut_in_chat(
    engine: Engine, flow_team: Team, seeded: Seeded, monkeypatch: Any
) -> None:
    from commands.handlers import okr_review

    monkeypatch.setattr(okr_review, "CHAT_OBJECTIVES", 1)
    text = ask(engine, flow_team.lara, "/okr review team")
    assert "O-2 Win the EV segment" in text
    assert "Secret hiring plan" not in text
    assert "… and 1 more objective: narrow it to a person or team" in text
    assert "Scored by owners:     2 of 3 key results" in text


def test_a_private_objective_never_reaches_a_teammate(
    engine: Engine, flow_team: Team, seeded: Seeded
) -> None:
    about_bob = ask(engine, flow_team.ana, "/okr review @bob")
    assert "Secret hiring plan" not in about_bob
    assert "No approved objectives in this cycle that you can see." in about_bob
    department = ask(engine, flow_team.ana, "/okr review department")
    assert "Review 2026-Q4 · Sales department" in department
    assert "O-2 Win the EV segment" in department
    assert "O-4 Grow the sales team" in department
    assert "Secret hiring plan" not in department
    assert "O-3 Secret hiring plan" in ask(engine, flow_team.hana, "/okr review department Sales")


def test_chinese_report_and_bad_input(engine: Engine, flow_team: Team, seeded: Seeded) -> None:
    from storage.models import Person

    with Session(engine) as session:
        ana = session.get(Person, flow_team.ana.id)
        assert ana is not None
        ana.locale = "zh-CN"
        session.add(ana)
        session.commit()
    text = ask(engine, flow_team.ana, "/okr 复盘")
    assert "复盘 2026-Q4 · Ana Lima" in text
    assert "自评 0.63 · 经理 0.57" in text
    assert "做得好的：Early demos with Huaxin" in text
    assert "没有周期“2025-Q1”" in ask(engine, flow_team.ana, "/okr 复盘 2025-Q1")
    assert "没有人向你汇报" in ask(engine, flow_team.ana, "/okr 复盘 团队")


def test_facts_take_six_queries_and_sections_can_be_added(
    engine: Engine, flow_team: Team, seeded: Seeded, monkeypatch: Any
) -> None:
    statements: list[str] = []

    def count(*args: Any) -> None:
        statements.append(str(args[2]))

    with Session(engine) as session:
        cycle = session.get(Cycle, seeded.objective.cycle_id)
        assert cycle is not None
        event.listen(engine, "before_cursor_execute", count)
        try:
            facts = review_report.load_facts(
                session=session,
                workspace_id=flow_team.workspace.id or 0,
                cycle=cycle,
                person_ids=[flow_team.ana.id or 0, flow_team.bob.id or 0, flow_team.lara.id or 0],
                visible=lambda objective: True,
                locale="en",
                title="Sales",
            )
        finally:
            event.remove(engine, "before_cursor_execute", count)
    assert len(statements) == 6
    assert [o.objective.number for o in facts.objectives] == [2, 3, 4]
    assert review_report.sparkline(facts.objectives[0].krs[0].shares()) == SPARK_KR1

    def relations(found: review_report.ReviewFacts) -> dict[str, Any]:
        return {"kind": "relations", "title": "Related KPIs", "lines": ["LOSS_RATE ↔ KR-2"]}

    monkeypatch.setattr(
        review_report, "REVIEW_SECTIONS", [*review_report.REVIEW_SECTIONS, relations]
    )
    text = ask(engine, flow_team.ana, "/okr review")
    assert "Related KPIs" in text
    assert "LOSS_RATE ↔ KR-2" in text


def test_sparkline_uses_a_fixed_scale() -> None:
    assert review_report.sparkline([0, 0.5, 1]) == "▁▅█"
    assert review_report.sparkline([-1, 2]) == "▁█"
    assert len(review_report.sparkline([0.1] * 40)) == review_report.SPARK_POINTS
