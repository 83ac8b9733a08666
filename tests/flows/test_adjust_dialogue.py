"""`/okr adjust KR-n`: a new target or a replacement KR with a reason, re-approved by the
manager through the approval buttons; history keeps both versions (SQLite and PostgreSQL)."""

from __future__ import annotations

import pytest
from sqlalchemy.engine import Engine
from sqlmodel import Session, select

from commands.actions import Action
from commands.operations import adjustments
from storage.models import (
    ApprovalKind,
    ApprovalRequest,
    ApprovalStatus,
    AuditLog,
    Cycle,
    KeyResult,
    KeyResultVersion,
    Objective,
)
from tests import factories
from tests.flows.conftest import Team, approval_id, ask, inbox, inbox_messages


@pytest.fixture
def kr(session: Session, team: Team) -> KeyResult:
    cycle = session.exec(select(Cycle)).one()
    objective = factories.objective(session, team.workspace, cycle, team.ana, "Win the EV segment")
    row = factories.key_result(
        session, objective, team.ana, "Sign EV accounts", target=5, current=2, unit="accounts"
    )
    session.commit()
    return row


def current(engine: Engine) -> KeyResult:
    with Session(engine) as session:
        return session.exec(select(KeyResult)).one()


def history(engine: Engine) -> list[tuple[int, str, float, float, str | None]]:
    with Session(engine) as session:
        rows = session.exec(select(KeyResultVersion).order_by(KeyResultVersion.version))
        return [(v.version, v.title, v.start_value, v.target_value, v.reason) for v in rows]


def propose(engine: Engine, team: Team, change: str = "8") -> None:
    for said, expected in [
        ("/okr adjust KR-1", "KR-1 Sign EV accounts: 0 accounts → 5 accounts now."),
        (change, "Why should it change?"),
        ("the customer doubled the order", "Change to KR-1 Sign EV accounts"),
        ("submit", "Your change to KR-1 “Sign EV accounts” is with Lara Lead for approval."),
    ]:
        assert expected in ask(engine, team.ana, said), said


def test_manager_approves_and_both_versions_are_kept(
    engine: Engine, team: Team, kr: KeyResult
) -> None:
    for said, expected in [
        ("/okr adjust KR-1", "What should change?"),
        ("lots", "“lots” is neither a new target"),
        ("5", "That is what KR-1 already is"),
        ("8", "Why should it change?"),
        ("no", "A reason is required"),
        ("the customer doubled the order", "Target: 5 accounts → 8 accounts"),
    ]:
        assert expected in ask(engine, team.ana, said), said
    assert "Type submit to send the change, or cancel" in ask(engine, team.ana, "hmm")
    ask(engine, team.ana, "submit")
    assert current(engine).target_value == 5  # nothing changes before the decision
    (request,) = inbox(engine, team.lara)
    assert "Change request from Ana Lima" in request
    assert "Proposed change to KR-1 “Sign EV accounts”:" in request
    assert "Target: 5 accounts → 8 accounts" in request
    assert "Reason: the customer doubled the order" in request
    assert "[Approve]  [Request changes]  [Reject]" in request
    click = Action("okr.approve", str(approval_id(engine)), {"comment": "Go for it"})
    decided = ask(engine, team.lara, action=click)
    assert "Approved KR-1 “Sign EV accounts” for Ana Lima. They have been told." in decided
    told = inbox(engine, team.ana)[-1]
    assert "Lara Lead approved your change to KR-1 “Sign EV accounts”" in told
    assert "Target: 5 accounts → 8 accounts" in told
    assert "Lara Lead: “Go for it”" in told
    after = current(engine)
    assert (after.target_value, after.current_value, after.start_value) == (8, 2, 0)
    assert history(engine) == [
        (1, "Sign EV accounts", 0, 5, None),
        (2, "Sign EV accounts", 0, 8, "the customer doubled the order"),
    ]
    shown = ask(engine, team.ana, "/okr show O-2")
    assert "2 accounts / 8 accounts" in shown
    assert "KR-1: target changed from 5 accounts to 8 accounts (the customer doubled" in shown
    again = ask(engine, team.ana, "/okr adjust KR-1")
    assert "0 accounts → 8 accounts now" in again
    assert "Go for it" not in again  # only a send-back's comment is shown


def test_request_changes_then_approve_a_replacement(
    engine: Engine, team: Team, kr: KeyResult
) -> None:
    assert "is with Lara Lead for approval" in ask(
        engine, team.ana, "/okr adjust KR-1 8 the customer doubled the order"
    )
    first = approval_id(engine)
    no_comment = ask(engine, team.lara, action=Action("okr.changes", str(first)))
    assert "Please say what should change on KR-1" in no_comment
    sent_back = ask(
        engine, team.lara, action=Action("okr.changes", str(first), {"comment": "Count depots"})
    )
    assert "Sent KR-1 “Sign EV accounts” back to Ana Lima for changes" in sent_back
    notice = inbox_messages(engine, team.ana)[-1]
    buttons = [b for block in notice.blocks if block.kind == "actions" for b in block.buttons]
    assert [(b.action_id, b.value) for b in buttons] == [("okr.adjust.start", "1")]
    assert "asked you to rethink the change to KR-1" in inbox(engine, team.ana)[-1]
    reopened = ask(engine, team.ana, action=Action("okr.adjust.start", "1"))
    assert "Your manager asked you to rethink it: “Count depots”" in reopened
    for said, expected in [
        ("Open EV depots | 0 3 depots", "Why should it change?"),
        ("depots matter more than accounts", "Title: Sign EV accounts → Open EV depots"),
        ("提交", "is with Lara Lead for approval"),
    ]:
        assert expected in ask(engine, team.ana, said), said
    request = inbox(engine, team.lara)[-1]
    assert "Target: 5 accounts → 3 depots" in request
    assert "Current value: 2 accounts → 0 depots" in request
    assert "Approved KR-1" in ask(engine, team.lara, "/okr approve O-2")
    after = current(engine)
    assert (after.title, after.target_value, after.unit) == ("Open EV depots", 3, "depots")
    assert after.current_value == 0  # a replacement starts from its own start
    shown = ask(engine, team.ana, "/okr show O-2")
    assert "KR-1: replaces “Sign EV accounts” (depots matter more than accounts)" in shown
    assert history(engine)[-1] == (2, "Open EV depots", 0, 3, "depots matter more than accounts")
    with Session(engine) as session:
        statuses = [
            r.status for r in session.exec(select(ApprovalRequest).order_by(ApprovalRequest.id))
        ]
    assert statuses == [ApprovalStatus.CHANGES_REQUESTED, ApprovalStatus.APPROVED]


def test_a_non_manager_is_refused_and_nothing_changes(
    engine: Engine, team: Team, kr: KeyResult
) -> None:
    propose(engine, team)
    click = Action("okr.approve", str(approval_id(engine)))
    # Bob may not see the request: to him it does not exist (an id tells nothing).
    assert ask(engine, team.bob, action=click) == "That approval request no longer exists."
    assert ask(engine, team.ana, action=click).startswith("Only Ana Lima's manager")
    assert current(engine).target_value == 5
    assert history(engine) == []
    assert "Approved KR-1" in ask(engine, team.hana, action=click)
    assert current(engine).target_value == 8


def test_a_double_click_applies_once(engine: Engine, team: Team, kr: KeyResult) -> None:
    propose(engine, team)
    click = Action("okr.approve", str(approval_id(engine)))
    assert "Approved KR-1" in ask(engine, team.lara, action=click)
    again = ask(engine, team.lara, action=click)
    assert "KR-1 was already decided: approved. Nothing more was changed." in again
    assert "already decided" in ask(engine, team.lara, action=Action("okr.reject", click.value))
    assert [v[0] for v in history(engine)] == [1, 2]
    assert len(inbox(engine, team.ana)) == 1


def test_rejected_change_leaves_the_kr_as_it_was(engine: Engine, team: Team, kr: KeyResult) -> None:
    propose(engine, team)
    ask(engine, team.lara, action=Action("okr.reject", str(approval_id(engine))))
    assert "rejected the change to KR-1" in inbox(engine, team.ana)[-1]
    assert current(engine).target_value == 5


def test_a_newer_proposal_withdraws_the_older_one(
    engine: Engine, team: Team, kr: KeyResult
) -> None:
    ask(engine, team.ana, "/okr adjust KR-1 8 first idea")
    second = ask(engine, team.ana, "/okr adjust KR-1 7 second thoughts")
    assert "This replaces your proposal for KR-1 that was waiting" in second
    assert "5 accounts → 8 accounts" in second  # what is withdrawn
    requests = [m for m in inbox(engine, team.lara) if "second thoughts" in m]
    assert "This replaces the earlier proposal, now withdrawn" in requests[-1]
    with Session(engine) as session:
        rows = session.exec(select(ApprovalRequest).order_by(ApprovalRequest.id)).all()
    assert [(r.kind, r.status, r.reason) for r in rows] == [
        (ApprovalKind.ADJUSTMENT, ApprovalStatus.WITHDRAWN, "first idea"),
        (ApprovalKind.ADJUSTMENT, ApprovalStatus.PENDING, "second thoughts"),
    ]


def test_bad_requests_are_refused_clearly(engine: Engine, team: Team, kr: KeyResult) -> None:
    no_reason = ask(engine, team.ana, "/okr adjust KR-1 8")
    assert "A reason is required" in no_reason
    assert "Usage: /okr adjust KR-n" in no_reason
    assert "belongs to Ana Lima; only its owner can propose a change" in ask(
        engine, team.bob, "/okr adjust KR-1 8 because"
    )
    assert "There is no key result KR-9" in ask(engine, team.ana, "/okr adjust KR-9")
    assert "can't equal its start value" in ask(engine, team.ana, "/okr adjust KR-1 0 reset")
    assert "Usage: /okr adjust" in ask(engine, team.ana, "/okr adjust")
    with Session(engine) as session:
        assert session.exec(select(ApprovalRequest)).all() == []


def test_without_a_manager_the_change_applies_at_once(
    engine: Engine, session: Session, team: Team
) -> None:
    objective = session.exec(select(Objective)).first()  # the company's O-1
    assert objective is not None
    factories.key_result(session, objective, team.boss, "Zero recalls", start=3, target=0)
    session.commit()
    for said, expected in [
        ("/okr adjust KR-1", "What should change?"),
        ("1", "Why should it change?"),
        ("zero is not credible this year", "Type submit to apply it (there is no manager"),
        ("submit", "KR-1 is changed; the earlier version is kept in its history."),
    ]:
        assert expected in ask(engine, team.boss, said), said
    assert history(engine)[-1] == (2, "Zero recalls", 3, 1, "zero is not credible this year")
    with Session(engine) as session:
        audit = session.exec(select(AuditLog).where(AuditLog.action == "kr_adjusted")).one()
        assert audit.entity_ref == "KR-1"


def test_chinese_one_line_adjustment(
    engine: Engine, session: Session, team: Team, kr: KeyResult
) -> None:
    ana = session.get(type(team.ana), team.ana.id)
    assert ana is not None
    ana.locale = "zh-CN"
    session.add(ana)
    session.commit()
    sent = ask(engine, ana, "/okr 调整 KR-1 8 客户订单翻倍")
    assert "你对 KR-1“Sign EV accounts”的调整已提交给 Lara Lead 审批" in sent
    assert "必须填写原因" in ask(engine, ana, "/okr 调整 KR-1 8")


def two_adjustments(engine: Engine, session: Session, team: Team, kr: KeyResult) -> None:
    """KR-1 and KR-2 of Ana's O-2 both wait for Lara's decision on a change."""
    objective = session.get(Objective, kr.objective_id)
    assert objective is not None
    factories.key_result(session, objective, team.ana, "Open EV depots", target=4, unit="depots")
    session.commit()
    assert "is with Lara Lead" in ask(engine, team.ana, "/okr adjust KR-1 8 the order doubled")
    assert "is with Lara Lead" in ask(engine, team.ana, "/okr adjust KR-2 6 two more sites")


def targets(engine: Engine) -> dict[int, float]:
    with Session(engine) as session:
        return {kr.number: kr.target_value for kr in session.exec(select(KeyResult))}


def pending_refs(engine: Engine) -> list[str]:
    with Session(engine) as session:
        query = select(ApprovalRequest).where(ApprovalRequest.status == ApprovalStatus.PENDING)
        return [str(adjustments.proposal_json(r)["ref"]) for r in session.exec(query)]


def test_typing_kr_n_decides_that_krs_adjustment_only(
    engine: Engine, session: Session, team: Team, kr: KeyResult
) -> None:
    two_adjustments(engine, session, team, kr)
    request = inbox(engine, team.lara)[-1]
    assert "Or type: /okr approve KR-2 · /okr changes KR-2 COMMENT · /okr reject KR-2" in request
    listed = ask(engine, team.lara, "/okr approve O-2")
    assert listed.startswith(
        "O-2 has 2 pending requests: KR-1 adjustment, KR-2 adjustment"
        " — use /okr approve KR-1 or /okr approve KR-2."
    )
    assert targets(engine) == {1: 5, 2: 4}  # no guess was made
    assert pending_refs(engine) == ["KR-1", "KR-2"]

    decided = ask(engine, team.lara, "/okr approve KR-2 fine by me")
    assert "Approved KR-2 “Open EV depots” for Ana Lima" in decided
    assert targets(engine) == {1: 5, 2: 6}
    assert pending_refs(engine) == ["KR-1"]
    told = inbox(engine, team.ana)[-1]
    assert "Lara Lead approved your change to KR-2 “Open EV depots”" in told
    assert "fine by me" in told
    assert "KR-2 has nothing waiting for a decision." in ask(engine, team.lara, "/okr reject KR-2")
    # with one request left, O-2 decides it as before; full-width KR refs work in Chinese
    sent_back = ask(engine, team.lara, "/okr 退回 ＫＲ－１ 先确认订单")
    assert "Sent KR-1 “Sign EV accounts” back to Ana Lima for changes" in sent_back
    assert pending_refs(engine) == []
    assert targets(engine) == {1: 5, 2: 6}
    assert "There is no key result KR-9" in ask(engine, team.lara, "/okr approve KR-9")


def test_several_pending_requests_are_listed_in_chinese_and_the_objective_too(
    engine: Engine, session: Session, team: Team, kr: KeyResult
) -> None:
    two_adjustments(engine, session, team, kr)
    lara = session.get(type(team.lara), team.lara.id)
    assert lara is not None
    lara.locale = "zh-CN"
    session.add(lara)
    session.commit()
    listed = ask(engine, lara, "/okr 驳回 O-2")
    assert listed.startswith(
        "O-2 有 2 个待审批的请求：KR-1 的调整、KR-2 的调整。"
        "请输入 /okr 驳回 KR-1 或 /okr 驳回 KR-2。"
    )
    # an objective's own request waiting beside a KR change: both named, nothing guessed
    objective = session.get(Objective, kr.objective_id)
    assert objective is not None
    session.add(
        ApprovalRequest(
            workspace_id=team.workspace.id or 0,
            objective_id=objective.id or 0,
            requester_id=team.ana.id or 0,
            approver_id=team.lara.id,
            created_at=objective.created_at,
        )
    )
    session.commit()
    english = ask(engine, team.hana, "/okr approve O-2")  # HR may decide too
    assert english.startswith(
        "O-2 has 3 pending requests: KR-1 adjustment, KR-2 adjustment, the objective"
        " — use /okr approve KR-1 or /okr approve KR-2 (for the objective itself,"
    )
    assert targets(engine) == {1: 5, 2: 4}


def test_typed_decisions_by_others_are_refused_as_before(
    engine: Engine, session: Session, team: Team, kr: KeyResult
) -> None:
    propose(engine, team)
    refusal = "Only Ana Lima's manager (or their delegate, or HR) can decide on KR-1"
    assert refusal in ask(engine, team.bob, "/okr approve KR-1")
    assert refusal in ask(engine, team.bob, "/okr approve O-2")
    assert refusal in ask(engine, team.ana, "/okr approve KR-1 self-approved")
    assert "Nothing was changed" in ask(engine, team.bob, "/okr reject KR-1 no")
    assert current(engine).target_value == 5
    assert pending_refs(engine) == ["KR-1"]
    assert "Approved KR-1" in ask(engine, team.lara, "/okr approve KR-1")
    assert current(engine).target_value == 8


def _titled(session: Session, team: Team, title: str, target: float) -> KeyResult:
    cycle = session.exec(select(Cycle)).one()
    objective = factories.objective(session, team.workspace, cycle, team.ana, "Win the EV segment")
    row = factories.key_result(
        session, objective, team.ana, title, target=target, current=2, unit="accounts"
    )
    session.commit()
    return row


def test_the_old_target_in_the_title_follows_a_new_target(
    engine: Engine, session: Session, team: Team
) -> None:
    _titled(session, team, "Sign 5 new EV-maker accounts", 5)
    ask(engine, team.ana, "/okr adjust KR-1 7 two more deals are signing")
    (request,) = inbox(engine, team.lara)
    assert "Title: Sign 5 new EV-maker accounts → Sign 7 new EV-maker accounts" in request
    assert "Target: 5 accounts → 7 accounts" in request
    ask(engine, team.lara, action=Action("okr.approve", str(approval_id(engine)), {}))
    after = current(engine)
    assert (after.title, after.target_value, after.current_value) == (
        "Sign 7 new EV-maker accounts",
        7,
        2,
    )


def test_a_new_title_and_target_in_one_line_and_step_by_step(
    engine: Engine, session: Session, team: Team
) -> None:
    _titled(session, team, "Sign EV accounts", 5)
    ask(engine, team.ana, "/okr adjust KR-1 Sign EV and hybrid accounts | 9 hybrids count too")
    request = inbox(engine, team.lara)[-1]
    assert "Title: Sign EV accounts → Sign EV and hybrid accounts" in request
    assert "Target: 5 accounts → 9 accounts" in request
    for said, expected in [
        ("/okr adjust KR-1", "a new title with it as TITLE | TARGET"),
        ("Sign EV and PHEV accounts | 8", "Why should it change?"),
        ("plug-in hybrids count", "Title: Sign EV accounts → Sign EV and PHEV accounts"),
    ]:
        assert expected in ask(engine, team.ana, said), said
    ask(engine, team.ana, "submit")
    request = inbox(engine, team.lara)[-1]
    assert "Target: 5 accounts → 8 accounts" in request
    assert "Current" not in request  # a title and target change keeps the progress so far


def test_a_new_title_in_chinese_and_a_bad_one_line_title(
    engine: Engine, session: Session, team: Team
) -> None:
    _titled(session, team, "签约5家新能源客户", 5)
    ana = session.get(type(team.ana), team.ana.id)
    assert ana is not None
    ana.locale = "zh-CN"
    session.add(ana)
    session.commit()
    sent = ask(engine, ana, "/okr 调整 KR-1 7 又有两家在谈")
    assert "你对 KR-1“签约5家新能源客户”的调整已提交给 Lara Lead 审批" in sent
    assert "签约5家新能源客户 → 签约7家新能源客户" in inbox(engine, team.lara)[-1]
    refused = ask(engine, ana, "/okr 调整 KR-1 签约 8 家 |")
    assert "先写新标题，再写 | 和新目标值" in refused
    assert "用法" in refused
    assert "“Sign 5 new EV-maker accounts”" not in refused
    refused_en = ask(engine, team.bob, "/okr adjust KR-1 | 8 more")
    assert "Write the new title, then | and the new target" in refused_en


def test_a_target_with_a_plus_is_raised_by_that_much(
    engine: Engine, session: Session, team: Team
) -> None:
    _titled(session, team, "Sign 5 new EV-maker accounts", 5)
    ask(engine, team.ana, "/okr adjust KR-1 +2 two more deals are signing")
    (request,) = inbox(engine, team.lara)
    assert "Target: 5 accounts → 7 accounts" in request
