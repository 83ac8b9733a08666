"""Ids from outside (typed refs, button values) are looked up in the speaker's workspace and
checked with storage.access; what is missing and what is hidden get the same answer."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest
from sqlmodel import Session

from commands import lookups
from commands.context import Context
from commands.types import CommandError
from storage.models import (
    ApprovalKind,
    ApprovalRequest,
    Person,
    Platform,
    Role,
    Visibility,
    Workspace,
)
from storage.repos import broadcasts
from storage.repos import flows as runs
from tests import factories

NOW = datetime(2026, 11, 20, 9, 0, tzinfo=UTC)


def ctx(session: Session, ws: Workspace, person: Person) -> Context:
    return Context(session, ws, person, "en", Platform.CONSOLE, NOW)


def refusal(call: object) -> tuple[str, dict[str, object]]:
    assert callable(call)
    with pytest.raises(CommandError) as raised:
        call()
    return raised.value.key, raised.value.params


def test_parse_id() -> None:
    assert [lookups.parse_id(v) for v in ("7", "#7", " 7 ", 7)] == [7, 7, 7, 7]
    assert [lookups.parse_id(v) for v in ("", "x7", "-1", 0, "7.0", "9" * 30)] == [None] * 6


def test_hidden_and_missing_things_get_the_same_answer(session: Session) -> None:
    ws = factories.workspace(session, "acme")
    boss = factories.person(session, ws, "boss@acme.com", "Bo", role=Role.MANAGER)
    ana = factories.person(session, ws, "ana@acme.com", "Ana", manager_id=boss.id)
    eve = factories.person(session, ws, "eve@acme.com", "Eve")
    hr = factories.person(session, ws, "hr@acme.com", "Hana", role=Role.HR_ADMIN)
    cycle = factories.cycle(session, ws)
    hidden = factories.objective(session, ws, cycle, ana, "Private", visibility=Visibility.PRIVATE)
    kr = factories.key_result(session, hidden, ana, "Ana's KR")
    request = ApprovalRequest(
        workspace_id=ws.id or 0,
        objective_id=hidden.id or 0,
        kind=ApprovalKind.ADJUSTMENT,
        key_result_id=kr.id,
        requester_id=ana.id or 0,
        approver_id=boss.id,
        created_at=NOW,
    )
    session.add(request)
    broadcast = broadcasts.draft(
        session=session,
        workspace_id=ws.id or 0,
        created_by_id=hr.id,
        audience="all",
        text="Hello",
        size=3,
        now=NOW,
    )
    run = runs.start(
        session=session,
        workspace_id=ws.id or 0,
        person_id=ana.id or 0,
        flow="okr_checkin",
        state="value",
        data={},
        now=NOW,
        expires_at=NOW + timedelta(hours=1),
    )
    session.commit()
    as_eve, as_boss, as_ana = ctx(session, ws, eve), ctx(session, ws, boss), ctx(session, ws, ana)

    def same(hide: object, miss: object, key: str) -> None:
        hidden_key, _ = refusal(hide)
        missing_key, _ = refusal(miss)
        assert hidden_key == missing_key == key

    number = hidden.number
    same(
        lambda: lookups.objective(as_eve, number),
        lambda: lookups.objective(as_eve, 999),
        "error.unknown_objective",
    )
    same(
        lambda: lookups.key_result(as_eve, kr.number),
        lambda: lookups.key_result(as_eve, 999),
        "error.unknown_kr",
    )
    same(
        lambda: lookups.key_result_by_id(as_eve, str(kr.id)),
        lambda: lookups.key_result_by_id(as_eve, "999"),
        "error.unknown_kr",
    )
    same(
        lambda: lookups.approval(as_eve, str(request.id)),
        lambda: lookups.approval(as_eve, "999"),
        "flows.approval.unknown",
    )
    same(
        lambda: lookups.broadcast(as_eve, str(broadcast.id)),
        lambda: lookups.broadcast(as_eve, "999"),
        "hr.status.unknown",
    )
    token = f"{run.id}:{run.version}"
    same(
        lambda: lookups.flow_run(as_eve, token),
        lambda: lookups.flow_run(as_eve, "999:0"),
        "flows.stale",
    )
    # the params never carry what was hidden: only the ref as it was typed
    assert refusal(lambda: lookups.key_result_by_id(as_eve, str(kr.id)))[1] == {"ref": str(kr.id)}
    # and those who may see them find them
    assert lookups.objective(as_boss, number).id == hidden.id
    assert lookups.key_result(as_ana, kr.number)[0].id == kr.id
    assert lookups.approval(as_boss, str(request.id)).id == request.id
    assert lookups.broadcast(ctx(session, ws, hr), f"#{broadcast.id}").id == broadcast.id
    assert lookups.flow_run(as_ana, token).id == run.id
    assert refusal(lambda: lookups.approval(as_eve, str(request.id)))[0] == "flows.approval.unknown"


def test_ids_never_cross_workspaces(session: Session) -> None:
    acme = factories.workspace(session, "acme")
    globex = factories.workspace(session, "globex")
    ana = factories.person(session, acme, "ana@acme.com", "Ana", role=Role.ADMIN)
    gus = factories.person(session, globex, "gus@globex.com", "Gus", role=Role.ADMIN)
    cycle = factories.cycle(session, globex)
    public = factories.objective(session, globex, cycle, gus, "Globex plan")
    kr = factories.key_result(session, public, gus, "Globex KR")
    request = ApprovalRequest(
        workspace_id=globex.id or 0,
        objective_id=public.id or 0,
        requester_id=gus.id or 0,
        created_at=NOW,
    )
    session.add(request)
    session.commit()
    as_ana = ctx(session, acme, ana)  # an admin, but of another workspace
    with pytest.raises(CommandError):
        lookups.key_result_by_id(as_ana, str(kr.id))
    with pytest.raises(CommandError):
        lookups.approval(as_ana, str(request.id))
