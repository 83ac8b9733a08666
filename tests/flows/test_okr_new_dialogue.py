"""`/okr new` step by step in the console, then the manager's decision (SQLite and PostgreSQL)."""

from __future__ import annotations

from datetime import timedelta

import pytest
from sqlalchemy.engine import Engine
from sqlmodel import Session, select

from commands.actions import Action
from storage.models import (
    ApprovalRequest,
    ApprovalStatus,
    FlowRun,
    KeyResult,
    KeyResultVersion,
    Objective,
    ObjectiveStatus,
)
from tests.flows.conftest import NOW, Team, approval_id, ask, inbox

DRAFT = [
    ("/okr new", "What is the objective?"),
    ("Win the EV segment", "Which company or department objective does it support?"),
    ("battery", "Aligned to O-1."),
    ("Sign new EV accounts", "start and target"),
    ("0 5 accounts", "Key result 2"),
    ("Cut scrap rate", "start and target"),
    ("7% 5% w=2", "Key result 3"),
    ("done", "Draft: Win the EV segment"),
]


def draft(engine: Engine, team: Team) -> None:
    for said, expected in DRAFT:
        assert expected in ask(engine, team.ana, said), said


def submitted(engine: Engine, team: Team) -> Objective:
    draft(engine, team)
    text = ask(engine, team.ana, "submit")
    assert "O-2 “Win the EV segment” is with Lara Lead for approval" in text
    with Session(engine) as session:
        return session.exec(select(Objective).where(Objective.number == 2)).one()


def status_of(engine: Engine, number: int) -> ObjectiveStatus:
    with Session(engine) as session:
        return session.exec(select(Objective).where(Objective.number == number)).one().status


def test_draft_preview_shows_krs_and_weight(engine: Engine, team: Team) -> None:
    for said, expected in DRAFT[:-1]:
        assert expected in ask(engine, team.ana, said)
    text = ask(engine, team.ana, "done")
    assert "1. Sign new EV accounts: 0 accounts → 5 accounts" in text
    assert "2. Cut scrap rate: 7% → 5% · weight 2" in text
    assert "Aligned to O-1 Lead the EV battery market" in text


def test_manager_approves(engine: Engine, team: Team) -> None:
    objective = submitted(engine, team)
    assert objective.status is ObjectiveStatus.PENDING
    request = inbox(engine, team.lara)
    assert len(request) == 1
    assert "Approval request from Ana Lima" in request[0]
    assert "KR-1 Sign new EV accounts" in request[0]
    assert "[Approve]  [Request changes]  [Reject]" in request[0]
    click = Action("okr.approve", str(approval_id(engine)), {"comment": "Great"})
    text = ask(engine, team.lara, action=click)
    assert "Approved O-2 “Win the EV segment” for Ana Lima" in text
    assert status_of(engine, 2) is ObjectiveStatus.APPROVED
    told = inbox(engine, team.ana)
    assert "Lara Lead approved O-2 “Win the EV segment”" in told[-1]
    assert "Lara Lead: “Great”" in told[-1]
    with Session(engine) as session:
        krs = session.exec(select(KeyResult).order_by(KeyResult.number)).all()
        assert [(k.title, k.start_value, k.target_value, k.weight) for k in krs] == [
            ("Sign new EV accounts", 0, 5, 1),
            ("Cut scrap rate", 7, 5, 2),
        ]
        assert len(session.exec(select(KeyResultVersion)).all()) == 2


def test_manager_requests_changes_then_approves(engine: Engine, team: Team) -> None:
    submitted(engine, team)
    no_comment = ask(engine, team.lara, action=Action("okr.changes", str(approval_id(engine))))
    assert "Please say what should change on O-2" in no_comment
    assert status_of(engine, 2) is ObjectiveStatus.PENDING
    text = ask(engine, team.lara, "/okr changes O-2 Make KR-1 at least 6 accounts")
    assert "Sent O-2 “Win the EV segment” back to Ana Lima for changes" in text
    assert status_of(engine, 2) is ObjectiveStatus.CHANGES_REQUESTED
    notice = inbox(engine, team.ana)[-1]
    assert "asked for changes to O-2" in notice
    assert "Make KR-1 at least 6 accounts" in notice
    assert "[Rework it]" in notice
    reopened = ask(engine, team.ana, action=Action("okr.edit", "2"))
    assert "Your manager asked for changes: “Make KR-1 at least 6 accounts”" in reopened
    assert "Type keep" in reopened
    for said, expected in [
        ("keep", "support?"),
        ("keep", "Key result 1"),
        ("keep", "start and target"),
        ("0 6 accounts", "Key result 2"),
        ("keep", "start and target"),
        ("keep", "Key result 3"),
        ("done", "0 accounts → 6 accounts"),
        ("submit", "is with Lara Lead for approval"),
    ]:
        assert expected in ask(engine, team.ana, said), said
    assert "Approval request from Ana Lima" in inbox(engine, team.lara)[-1]
    assert "Approved O-2" in ask(engine, team.lara, "/okr approve O-2")
    assert status_of(engine, 2) is ObjectiveStatus.APPROVED
    with Session(engine) as session:
        targets = [k.target_value for k in session.exec(select(KeyResult))]
        assert sorted(targets) == [5, 6]
        statuses = sorted(r.status for r in session.exec(select(ApprovalRequest)))
        assert statuses == [ApprovalStatus.APPROVED, ApprovalStatus.CHANGES_REQUESTED]


def test_a_non_manager_click_is_refused_and_nothing_changes(engine: Engine, team: Team) -> None:
    submitted(engine, team)
    click = Action("okr.approve", str(approval_id(engine)))
    # Bob may not see the request: to him it does not exist (an id tells nothing).
    assert ask(engine, team.bob, action=click) == "That approval request no longer exists."
    assert ask(engine, team.ana, action=click).startswith("Only Ana Lima's manager")
    assert status_of(engine, 2) is ObjectiveStatus.PENDING
    assert inbox(engine, team.ana) == []
    assert "Rejected O-2" in ask(engine, team.hana, action=Action("okr.reject", click.value))


def test_a_double_click_decides_once(engine: Engine, team: Team) -> None:
    submitted(engine, team)
    click = Action("okr.approve", str(approval_id(engine)))
    assert "Approved O-2" in ask(engine, team.lara, action=click)
    again = ask(engine, team.lara, action=click)
    assert "O-2 was already decided: approved. Nothing more was changed." in again
    late_reject = ask(engine, team.lara, action=Action("okr.reject", click.value))
    assert "already decided" in late_reject
    assert status_of(engine, 2) is ObjectiveStatus.APPROVED
    assert len(inbox(engine, team.ana)) == 1


def test_a_double_submit_of_the_form_creates_one_objective(engine: Engine, team: Team) -> None:
    from storage.models import Platform

    opened = ask(engine, team.ana, "/okr new", platform=Platform.SLACK)
    assert "New objective" in opened
    with Session(engine) as session:
        run = session.exec(select(FlowRun)).one()
        token = f"{run.id}:{run.version}"
    form = {"title": "Win the EV segment", "parent": "1", "kr1": "Sign EV accounts | 0 5 accounts"}
    click = Action("okr.new.submit", token, form)
    first = ask(engine, team.ana, action=click, platform=Platform.SLACK)
    assert "is with Lara Lead for approval" in first
    second = ask(engine, team.ana, action=click, platform=Platform.SLACK)
    assert "already taken care of" in second
    with Session(engine) as session:
        assert len(session.exec(select(Objective)).all()) == 2
    assert len(inbox(engine, team.lara)) == 1


def test_cancel_mid_flow_keeps_nothing(engine: Engine, team: Team) -> None:
    for said, _ in DRAFT[:4]:
        ask(engine, team.ana, said)
    assert "Cancelled your new objective; nothing from it was saved." in ask(
        engine, team.ana, "取消"
    )
    assert "I don't know the command “0”" in ask(engine, team.ana, "0 5 accounts")
    assert "There's nothing to cancel" in ask(engine, team.ana, "/okr cancel")
    with Session(engine) as session:
        assert len(session.exec(select(Objective)).all()) == 1
        assert session.exec(select(FlowRun)).all() == []


def test_an_expired_flow_says_so_politely(engine: Engine, team: Team) -> None:
    ask(engine, team.ana, "/okr new")
    later = NOW + timedelta(minutes=1441)
    text = ask(engine, team.ana, "Win the EV segment", at=later)
    assert "waited more than 24 hours without an answer" in text
    assert "I don't know the command" in ask(engine, team.ana, "Win again", at=later)


def test_bad_answers_get_told_and_the_question_stays(engine: Engine, team: Team) -> None:
    for said, _ in DRAFT[:4]:
        ask(engine, team.ana, said)
    assert "“lots” needs a start and a target" in ask(engine, team.ana, "lots")
    assert "Key result 2" in ask(engine, team.ana, "0 5 accounts")


def test_a_key_result_line_names_its_real_problem(engine: Engine, team: Team) -> None:
    for said, _ in DRAFT[:4]:
        ask(engine, team.ana, said)
    cases = {
        "1 2 3": "“3” is a third number where the unit goes",
        "0 10 家 w=abc": "“w=abc” is not a weight",
        "0 10 w=0": "“w=0” is not a weight",
        "lots of 5": "“lots” is not a number",
        "5 5 accounts": "Start and target are both 5",
    }
    for said, named in cases.items():
        answer = ask(engine, team.ana, said)
        assert named in answer, (said, answer)
        assert "can't be the same" not in answer
    assert "Key result 2" in ask(engine, team.ana, "否 是")  # a yes/no KR: no → yes


def test_chinese_flow_and_company_objective_rights(engine: Engine, team: Team) -> None:
    assert "Only admins can create company objectives." in ask(engine, team.ana, "/okr new company")
    assert "What is the objective?" in ask(engine, team.boss, "/okr 新建 公司")
    ask(engine, team.boss, "Be the safest battery maker")
    ask(engine, team.boss, "Zero recalls")
    ask(engine, team.boss, "3 0 recalls")
    ask(engine, team.boss, "done")
    assert "is saved and approved" in ask(engine, team.boss, "提交")


def test_free_text_that_looks_like_a_command_answers_the_flow(engine: Engine, team: Team) -> None:
    ask(engine, team.ana, "/okr new")
    assert "Which company or department objective" in ask(
        engine, team.ana, "Update the ERP documentation"
    )
    listed = ask(engine, team.ana, "/okr list")
    assert "OKRs" in listed
    assert "Aligned to O-1." in ask(engine, team.ana, "battery")


def test_a_command_the_flow_refuses_runs_and_the_question_is_asked_again(
    engine: Engine, team: Team
) -> None:
    """In Feishu commands come without a slash: `列表` typed while a flow waits for an
    alignment is not an objective's name, so it runs as `/okr list` and the flow goes on."""
    ask(engine, team.ana, "/okr new")
    ask(engine, team.ana, "Win the EV segment")
    answer = ask(engine, team.ana, "列表")
    assert "Ana Lima — OKRs" in answer
    assert "That was a command, answered above. Your new objective is still waiting" in answer
    assert answer.rstrip().count("Which company or department objective") == 1
    assert "No company or department objective matches “Lara”" in ask(engine, team.ana, "Lara")
    refused = ask(engine, team.ana, "更新 1 4")  # a command that is refused: said, and the flow
    assert "no key result KR-1 that you can see" in refused
    assert "Your new objective is still waiting" in refused
    assert "Aligned to O-1." in ask(engine, team.ana, "battery")


def test_a_command_that_starts_another_flow_asks_only_that_flows_question(
    engine: Engine, team: Team
) -> None:
    ask(engine, team.ana, "/okr new")
    ask(engine, team.ana, "Win the EV segment")
    again = ask(engine, team.ana, "新建")  # starts a new objective afresh
    assert "What is the objective?" in again
    assert "still waiting" not in again


@pytest.mark.parametrize(
    ("answer", "shown"), [("否 是", "Pass the customer audit: ✗ → ✓"), ("no yes", "✗ → ✓")]
)
def test_a_yes_no_key_result_shows_as_it_will_be_kept(
    engine: Engine, team: Team, answer: str, shown: str
) -> None:
    for said, _ in DRAFT[:3]:
        ask(engine, team.ana, said)
    ask(engine, team.ana, "Pass the customer audit")
    assert "Key result 2" in ask(engine, team.ana, answer)
    drafted = ask(engine, team.ana, "done")
    assert shown in drafted
    assert "0 → 1" not in drafted
    ask(engine, team.ana, "submit")
    assert "KR-1 Pass the customer audit  ✗ → ✗ / ✓" in ask(engine, team.ana, "/okr show O-2")
