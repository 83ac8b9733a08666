"""Rework after "request changes" by typing, through the real core (SQLite and PostgreSQL):
`/okr edit O-n KR-m target 6` changes one field, `/okr submit O-n` sends it again — two
messages — and the manager's approval request shows the diff from the version they last saw;
the manager approves in one click."""

from __future__ import annotations

import pytest
from sqlalchemy.engine import Engine
from sqlmodel import Session, select

from commands.actions import Action
from storage.models import ApprovalRequest, KeyResult, Objective, ObjectiveStatus
from tests.flows.conftest import Team, approval_id, ask, inbox, reply
from tests.flows.test_okr_new_dialogue import status_of, submitted


def sent_back(engine: Engine, team: Team) -> None:
    """Ana's O-2 (KR-1 accounts 0 → 5, KR-2 scrap 7% → 5%) sent back by Lara."""
    submitted(engine, team)
    assert "Sent O-2" in ask(engine, team.lara, "/okr changes O-2 at least 6 accounts, please")
    assert status_of(engine, 2) is ObjectiveStatus.CHANGES_REQUESTED


def test_one_target_changed_and_resubmitted_in_two_messages(engine: Engine, team: Team) -> None:
    sent_back(engine, team)
    steps = [
        ("/okr edit O-2 KR-1 target 6", "Changed KR-1 target: 5 accounts → 6 accounts."),
        ("/okr submit O-2", "O-2 “Win the EV segment” is with Lara Lead for approval"),
    ]
    for said, expected in steps:
        assert expected in ask(engine, team.ana, said)
    assert len(steps) == 2
    assert status_of(engine, 2) is ObjectiveStatus.PENDING
    request = inbox(engine, team.lara)[-1]
    assert "Changed since you last saw it" in request
    assert "KR-1 target: 5 accounts → 6 accounts" in request
    assert "KR-2" not in request.split("Changed since you last saw it")[1].split("[Approve]")[0]
    # The approval: one click.
    done = ask(engine, team.lara, action=Action("okr.approve", str(approval_id(engine))))
    assert "Approved O-2" in done
    assert status_of(engine, 2) is ObjectiveStatus.APPROVED
    with Session(engine) as session:
        kr = session.exec(select(KeyResult).where(KeyResult.number == 1)).one()
        assert (kr.start_value, kr.target_value) == (0, 6)


def test_the_edit_reply_has_a_send_button(engine: Engine, team: Team) -> None:
    sent_back(engine, team)
    edited = reply(engine, team.ana, "/okr edit O-2 KR-2 target 4%")
    (send,) = [b for block in edited.blocks if block.kind == "actions" for b in block.buttons]
    assert (send.action_id, send.value, send.label) == ("okr.submit", "2", "Send for approval")
    answer = ask(engine, team.ana, action=Action(send.action_id, send.value))
    assert "is with Lara Lead for approval" in answer
    assert "KR-2 target: 5% → 4%" in inbox(engine, team.lara)[-1]


def test_a_first_submission_shows_no_diff_and_an_unchanged_one_says_so(
    engine: Engine, team: Team
) -> None:
    sent_back(engine, team)
    assert "Changed since" not in inbox(engine, team.lara)[0]
    ask(engine, team.ana, "/okr submit O-2")
    assert "Sent again without changes since you last saw it." in inbox(engine, team.lara)[-1]


def test_title_unit_weight_and_start_too(engine: Engine, team: Team) -> None:
    sent_back(engine, team)
    for said, expected in [
        ("/okr edit O-2 title Win the EV segment in the east", "Changed O-2 title"),
        ("/okr edit O-2 KR-1 unit customers", "accounts → customers"),
        ("/okr edit O-2 KR-2 weight 3", "weight: 2 → 3"),
        ("/okr edit O-2 KR-1 start 1", "start: 0 customers → 1 customers"),
        ("/okr edit O-2 KR-1 title Sign new EV customers", "title: Sign new EV accounts →"),
    ]:
        assert expected in ask(engine, team.ana, said), said
    ask(engine, team.ana, "/okr submit O-2")
    request = inbox(engine, team.lara)[-1]
    for line in [
        "O-2 title: Win the EV segment → Win the EV segment in the east",
        "KR-1 title: Sign new EV accounts → Sign new EV customers",
        "KR-1 start: 0 accounts → 1 customers",
        "KR-1 target: 5 accounts → 5 customers",
        "KR-1 unit: accounts → customers",
        "KR-2 weight: 2 → 3",
    ]:
        assert line in request, line


def test_chinese_edit_and_submit(engine: Engine, session: Session, team: Team) -> None:
    sent_back(engine, team)
    ana = session.get(type(team.ana), team.ana.id)
    assert ana is not None
    ana.locale = "zh-CN"
    session.add(ana)
    session.commit()
    assert "已修改 KR-1 的目标值：5 accounts → 6 accounts" in ask(
        engine, ana, "/okr 修改 O-2 KR-1 目标值 6"
    )
    assert "Lara Lead" in ask(engine, ana, "/okr 提交 O-2")


@pytest.mark.parametrize(
    ("said", "reason"),
    [
        ("/okr edit O-2 KR-1 6", "“6” is not something I can change"),
        ("/okr edit O-2 target 6", "“target” is not something I can change"),
        ("/okr edit O-2 KR-1 target", "What should the new target be?"),
        ("/okr edit O-2 KR-1 target 0", "The target of KR-1 can't equal its start value."),
        ("/okr edit O-2 KR-1 target 5", "KR-1 is 5 accounts already"),
        ("/okr edit O-2 KR-1 target lots", "“lots” is not a value I understand"),
        ("/okr edit O-2 KR-2 target ¥5", "KR-2"),
        ("/okr edit O-2 KR-9 target 6", "O-2 has no key result KR-9"),
        ("/okr edit O-2 KR-2 weight 0", "“0” is not a weight"),
        ("/okr edit O-1 title Another title", "O-1 is not yours to rework."),
    ],
)
def test_a_bad_edit_changes_nothing(engine: Engine, team: Team, said: str, reason: str) -> None:
    sent_back(engine, team)
    assert reason in ask(engine, team.ana, said)
    with Session(engine) as session:
        krs = session.exec(select(KeyResult).order_by(KeyResult.number)).all()
        assert [(k.start_value, k.target_value, k.weight) for k in krs] == [(0, 5, 1), (7, 5, 2)]


def test_only_the_owner_and_only_a_draft(engine: Engine, team: Team) -> None:
    sent_back(engine, team)
    assert "O-2 is not yours to rework." in ask(engine, team.bob, "/okr edit O-2 KR-1 target 6")
    assert "O-2 is not yours to rework." in ask(engine, team.bob, "/okr submit O-2")
    ask(engine, team.ana, "/okr submit O-2")
    ask(engine, team.lara, "/okr approve O-2")
    refused = ask(engine, team.ana, "/okr edit O-2 KR-1 target 9")
    assert "O-2 is approved; only drafts sent back for changes can be reworked." in refused
    with Session(engine) as session:
        requests = session.exec(select(ApprovalRequest)).all()
        assert len(requests) == 2
        objective = session.exec(select(Objective).where(Objective.number == 2)).one()
        assert objective.status is ObjectiveStatus.APPROVED
