"""`/okr delegate`: while Lara is away Bob decides her approvals. He gets the request too,
either may decide (once), and Ana is told who decided for whom. Until a day, or until called
off; refused with a reason otherwise. Both languages, both engines."""

from __future__ import annotations

from datetime import timedelta

from sqlalchemy.engine import Engine
from sqlmodel import Session, select

from storage.models import AuditLog, Delegation, ObjectiveStatus
from tests.flows.conftest import NOW, Team, ask, inbox
from tests.flows.test_okr_new_dialogue import status_of, submitted


def test_the_delegate_gets_the_request_and_decides_for_the_manager(
    engine: Engine, team: Team
) -> None:
    said = ask(engine, team.lara, "/okr delegate @bob@example.com until 2026-12-31")
    assert "Bob Brown decides your approvals with you until 2026-12-31" in said
    objective = submitted(engine, team)
    assert any("Approval request from Ana Lima" in m for m in inbox(engine, team.bob))
    assert any("Approval request from Ana Lima" in m for m in inbox(engine, team.lara))

    decided = ask(engine, team.bob, f"/okr approve O-{objective.number} go ahead")
    assert f"Approved O-{objective.number}" in decided
    assert status_of(engine, objective.number) is ObjectiveStatus.APPROVED
    told = " ".join(inbox(engine, team.ana))
    assert "Bob Brown for Lara Lead approved" in told
    again = ask(engine, team.lara, f"/okr approve O-{objective.number}")
    assert "nothing waiting for a decision" in again


def test_a_delegation_ends_on_its_day_or_when_called_off(engine: Engine, team: Team) -> None:
    ask(engine, team.lara, "/okr delegate @bob until 2026-11-24")
    objective = submitted(engine, team)
    later = NOW + timedelta(days=3)
    refused = ask(engine, team.bob, f"/okr approve O-{objective.number}", at=later)
    assert "Approved" not in refused
    assert "Bob Brown no longer decides" in ask(engine, team.lara, "/okr delegate off")
    assert "You have no delegate" in ask(engine, team.lara, "/okr delegate off")
    with Session(engine) as session:
        assert session.exec(select(Delegation)).all() == []
        actions = [a.action for a in session.exec(select(AuditLog))]
    assert {"delegate_on", "delegate_off"} <= set(actions)


def test_bad_delegations_are_refused_with_usage(engine: Engine, team: Team) -> None:
    assert "cannot be your own delegate" in ask(engine, team.lara, "/okr delegate @lara")
    assert "already past" in ask(engine, team.lara, "/okr delegate @bob until 2020-01-01")
    assert "is not a date" in ask(engine, team.lara, "/okr delegate @bob until someday")
    assert "/okr delegate @person" in ask(engine, team.lara, "/okr delegate")


def test_in_chinese(engine: Engine, team: Team) -> None:
    with Session(engine) as session:
        lara = session.get(type(team.lara), team.lara.id)
        assert lara is not None
        lara.locale = "zh-CN"
        session.add(lara)
        session.commit()
    said = ask(engine, team.lara, "/okr 委托 @bob 至 2026-12-31")
    assert "Bob Brown 与你一起处理你的审批，直到 2026-12-31" in said
    assert "委托已结束" in ask(engine, team.lara, "/okr 取消委托")
