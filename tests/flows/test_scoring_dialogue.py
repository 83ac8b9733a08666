"""Scoring and review (复盘) as dialogues against the real core (SQLite and PostgreSQL): the owner
scores with the suggestion and an edit, a bad score is re-asked, cancel keeps nothing, the manager
adds a review from the notification's button, others are refused."""

from __future__ import annotations

import pytest
from sqlalchemy.engine import Engine
from sqlmodel import Session, select

from commands.actions import Action
from storage.models import (
    CycleState,
    FlowRun,
    KeyResultScore,
    ObjectiveReview,
    Person,
)
from tests.flows.conftest import Team, ask, inbox, inbox_messages
from tests.flows.review_seed import Seeded, seed

OWNER_DIALOGUE = [
    ("/okr score O-2", "Score 1 of 2 — KR-1 Sign EV accounts"),
    ("1.3", "“1.3” is not a score: give a number from 0.0 to 1.0 for KR-1"),
    ("abc", "or ok for the suggested 0.7"),
    ("ok", "Score 2 of 2 — KR-2 Cut scrap rate"),
    ("0.6", "What worked on O-2?"),
    ("Early demos with Huaxin", "What did not work?"),
    ("Legal review was slow", "What are the next steps?"),
]


@pytest.fixture
def seeded(session: Session, team: Team) -> Seeded:
    return seed(session, team.ana, team.bob, team.lara)


def scores(engine: Engine) -> dict[int, tuple[float | None, float | None]]:
    with Session(engine) as session:
        rows = session.exec(select(KeyResultScore)).all()
        return {r.key_result_id: (r.owner_score, r.manager_score) for r in rows}


def review_row(engine: Engine) -> ObjectiveReview | None:
    with Session(engine) as session:
        return session.exec(select(ObjectiveReview)).first()


def owner_scores(engine: Engine, team: Team) -> str:
    for said, expected in OWNER_DIALOGUE:
        assert expected in ask(engine, team.ana, said), said
    return ask(engine, team.ana, "Start legal review in week 1")


def test_owner_scores_with_the_suggestion_and_an_edit(
    engine: Engine, team: Team, seeded: Seeded
) -> None:
    first = ask(engine, team.ana, "/okr score O-2")
    assert "Starting your review" in first
    assert "now 3.6 accounts, target 5 accounts" in first
    assert "Suggested from progress: 0.7. Type ok to take it" in first
    done = owner_scores(engine, team)
    assert "Saved your scores and review of O-2 “Win the EV segment”." in done
    assert "KR-1 Sign EV accounts: 0.7" in done
    assert "KR-2 Cut scrap rate: 0.6" in done
    assert "Objective score: 0.63" in done  # (0.7 x 1 + 0.6 x 2) / 3
    assert "Lara Lead has been asked to add their review." in done
    assert scores(engine) == {seeded.kr1.id: (0.7, None), seeded.kr2.id: (0.6, None)}
    review = review_row(engine)
    assert review is not None
    assert (review.worked, review.did_not, review.next_steps) == (
        "Early demos with Huaxin",
        "Legal review was slow",
        "Start legal review in week 1",
    )
    request = inbox(engine, team.lara)[-1]
    assert "Review from Ana Lima" in request
    assert "Ana Lima scored O-2 “Win the EV segment”: 0.63 overall." in request
    assert "What did not: Legal review was slow" in request
    assert "[Add manager review]" in request


def test_manager_adds_a_review_from_the_button(engine: Engine, team: Team, seeded: Seeded) -> None:
    owner_scores(engine, team)
    buttons = [
        b
        for block in inbox_messages(engine, team.lara)[-1].blocks
        if block.kind == "actions"
        for b in block.buttons
    ]
    assert [(b.action_id, b.value) for b in buttons] == [("okr.review.manager", "2")]
    opened = ask(engine, team.lara, action=Action(buttons[0].action_id, buttons[0].value))
    assert "Score 1 of 2 — KR-1 Sign EV accounts" in opened
    assert "Ana Lima scored it 0.7." in opened
    assert "Type ok to take 0.7" in opened
    assert "Score 2 of 2" in ask(engine, team.lara, "0.5")
    assert "Your comment for Ana Lima on O-2?" in ask(engine, team.lara, "好")
    done = ask(engine, team.lara, "Good push; involve legal earlier")
    assert "Saved your review of O-2 “Win the EV segment” for Ana Lima." in done
    assert "Objective score: 0.57" in done  # (0.5 + 0.6 x 2) / 3
    assert "Ana Lima has been told." in done
    assert scores(engine) == {seeded.kr1.id: (0.7, 0.5), seeded.kr2.id: (0.6, 0.6)}
    review = review_row(engine)
    assert review is not None
    assert review.manager_comment == "Good push; involve legal earlier"
    assert review.worked == "Early demos with Huaxin"
    told = inbox(engine, team.ana)[-1]
    assert "Lara Lead reviewed O-2 “Win the EV segment”." in told
    assert "Manager: Good push; involve legal earlier" in told


def test_manager_can_type_the_command_and_hr_may_review(
    engine: Engine, team: Team, seeded: Seeded
) -> None:
    assert "Ana Lima scored it" not in ask(engine, team.lara, "/okr 评分 O-2")
    assert "Type ok to take 0.7" in ask(engine, team.hana, "/okr score O-2")


def test_a_non_manager_is_refused(engine: Engine, team: Team, seeded: Seeded) -> None:
    refused = ask(engine, team.bob, "/okr score O-2")
    assert "Only Ana Lima and their manager (or their delegate, or HR) can score O-2." in refused
    clicked = ask(engine, team.bob, action=Action("okr.review.manager", "2"))
    assert "Only Ana Lima and their manager" in clicked
    assert "There is no objective O-3 that you can see." in ask(engine, team.ana, "/okr score O-3")
    with Session(engine) as session:
        assert session.exec(select(FlowRun)).all() == []
    assert scores(engine) == {}


def test_cancel_mid_flow_keeps_nothing(engine: Engine, team: Team, seeded: Seeded) -> None:
    ask(engine, team.ana, "/okr score O-2")
    ask(engine, team.ana, "ok")
    ask(engine, team.ana, "0.6")
    assert "Cancelled your review; nothing from it was saved." in ask(engine, team.ana, "cancel")
    assert scores(engine) == {}
    assert review_row(engine) is None
    assert inbox(engine, team.lara) == []


def test_rescoring_offers_keep(engine: Engine, team: Team, seeded: Seeded) -> None:
    owner_scores(engine, team)
    again = ask(engine, team.ana, "/okr score O-2")
    assert "Scored 0.7 before: type keep to leave it." in again
    ask(engine, team.ana, "keep")
    assert "Type keep to leave it as it was: Early demos with Huaxin" in ask(
        engine, team.ana, "0.8"
    )
    for said in ("keep", "skip", "keep"):
        ask(engine, team.ana, said)
    assert scores(engine)[seeded.kr2.id or 0] == (0.8, None)
    review = review_row(engine)
    assert review is not None
    assert (review.worked, review.did_not) == ("Early demos with Huaxin", None)


def test_chinese_owner_gets_chinese_questions_and_errors(
    engine: Engine, team: Team, seeded: Seeded
) -> None:
    with Session(engine) as session:
        ana = session.get(Person, team.ana.id)
        assert ana is not None
        ana.locale = "zh-CN"
        session.add(ana)
        session.commit()
    first = ask(engine, team.ana, "/okr 复盘 O-2")
    assert "第 1/2 项 — KR-1 Sign EV accounts" in first
    assert "按进度建议：0.7" in first
    assert "“1.3”不是有效分数" in ask(engine, team.ana, "1.3")
    assert "第 2/2 项" in ask(engine, team.ana, "好")


def test_scoring_is_closed_in_a_planning_cycle(engine: Engine, team: Team, seeded: Seeded) -> None:
    from storage.models import Cycle

    with Session(engine) as session:
        cycle = session.exec(select(Cycle)).one()
        cycle.state = CycleState.CLOSED
        session.add(cycle)
        session.commit()
    text = ask(engine, team.ana, "/okr score O-2")
    assert "O-2 is in 2026-Q4, which is closed" in text


def test_owners_are_invited_once_when_the_cycle_enters_review(
    engine: Engine, team: Team, seeded: Seeded
) -> None:
    from bot.text import render_text
    from commands.operations.review_invite import invite_owners
    from storage.models import Cycle, Workspace

    with Session(engine) as session:
        workspace = session.get(Workspace, team.workspace.id)
        assert workspace is not None
        cycle = session.exec(select(Cycle)).one()
        assert invite_owners(session=session, workspace=workspace, cycle=cycle) == 3
        assert invite_owners(session=session, workspace=workspace, cycle=cycle) == 0
        session.commit()
    invites = inbox_messages(engine, team.ana)
    assert len(invites) == 1
    text = render_text(invites[0])
    assert "Time to review 2026-Q4" in text
    assert "O-2 Win the EV segment" in text
    assert "[Score O-2]" in text
    assert "Secret hiring plan" not in text
    button = next(
        b for block in invites[0].blocks if block.kind == "actions" for b in block.buttons
    )
    opened = ask(engine, team.ana, action=Action(button.action_id, button.value))
    assert "Score 1 of 2 — KR-1 Sign EV accounts" in opened
