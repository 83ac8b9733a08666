"""Finding 1: the `parent` of `/okr new`'s form is written by the client. A row id of another
workspace's objective, or of one the speaker may not see, answers like a missing objective and
creates nothing; the manager's approval request names a parent only when the manager may see it."""

from __future__ import annotations

import json
from collections.abc import Iterator

import pytest
from sqlalchemy.engine import Engine
from sqlmodel import Session, select

from bot.slack.blockkit import render_message
from storage.models import (
    ApprovalRequest,
    FlowRun,
    Objective,
    OwnerType,
    Person,
    Platform,
    Role,
    Visibility,
)
from tests import factories
from tests.bot.slack.conftest import TEAM, Served, serve_slack, slack_user
from tests.bot.slack.stub_slack import StubSlack
from tests.bot.slack.test_approval_flow import click, text_input
from tests.bot.slack.test_commands import reply_to
from tests.flows.conftest import inbox_messages


@pytest.fixture
def two_tenants(engine: Engine, stub: StubSlack, session: Session) -> Iterator[Served]:
    ws = factories.workspace(session, "acme", platform=Platform.SLACK, external_id=TEAM)
    lara = factories.person(session, ws, "lara@example.com", "Lara Lead", role=Role.MANAGER)
    ana = factories.person(session, ws, "ana@example.com", "Ana Lima", manager_id=lara.id)
    cycle = factories.cycle(session, ws)
    other_dept = factories.department(session, ws, "Finance")
    cfo = factories.person(session, ws, "cfo@example.com", "Cy Fo", department_id=other_dept.id)
    factories.objective(
        session,
        ws,
        cycle,
        cfo,
        "Quietly restructure Finance",
        owner_type=OwnerType.DEPARTMENT,
        owner_person_id=None,
        owner_department_id=other_dept.id,
        visibility=Visibility.PRIVATE,
    )
    factories.objective(
        session,
        ws,
        cycle,
        lara,
        "Grow the company",
        owner_type=OwnerType.COMPANY,
        owner_person_id=None,
    )
    bob = factories.person(session, ws, "bob@example.com", "Bob Brown", manager_id=lara.id)
    factories.objective(session, ws, cycle, bob, "Bob's own goal")
    other = factories.workspace(session, "globex", platform=Platform.SLACK, external_id="T0002")
    kevin = factories.person(session, other, "kevin@globex.example", "Kevin Wu")
    other_cycle = factories.cycle(session, other)
    factories.objective(
        session, other, other_cycle, kevin, "Earn my Green Belt", visibility=Visibility.PRIVATE
    )
    assert ana.id
    session.commit()
    stub.users |= {"U_LARA": slack_user("lara@example.com")}
    with serve_slack(engine, stub) as running:
        yield running


def _submit(engine: Engine, served: Served, parent: int | None) -> str:
    reply_to(served, "U_ANA", "/okr", "new", trigger_id="")
    with Session(engine) as session:
        run = session.exec(select(FlowRun).order_by(FlowRun.id.desc())).first()
        assert run is not None
        token = f"{run.id}:{run.version}"
    values = (
        text_input("title", "Win the EV segment")
        | text_input("kr1", "Sign EV accounts | 0 5 accounts")
        | text_input("parent", "" if parent is None else str(parent))
    )
    before = len(served.stub.calls)
    served.interactive(click("U_ANA", "okr.new.submit", token, values))
    served.stub.wait_for("chat.update", where=lambda c: served.stub.calls.index(c) >= before)
    return json.dumps([c.params for c in served.stub.calls[before:]], ensure_ascii=False)


def _row_id(engine: Engine, title: str) -> int:
    with Session(engine) as session:
        found = session.exec(select(Objective).where(Objective.title == title)).one()
        assert found.id is not None
        return found.id


def test_a_parent_of_another_workspace_is_unknown_and_nothing_is_created(
    engine: Engine, two_tenants: Served
) -> None:
    foreign = _row_id(engine, "Earn my Green Belt")
    shown = _submit(engine, two_tenants, foreign)
    assert f"There is no objective {foreign}" in shown or "no objective" in shown.lower()
    assert "Green Belt" not in shown
    with Session(engine) as session:
        assert (
            session.exec(select(Objective).where(Objective.title == "Win the EV segment")).first()
            is None
        )
        assert session.exec(select(ApprovalRequest)).first() is None


def test_a_private_parent_of_the_same_workspace_is_unknown_too(
    engine: Engine, two_tenants: Served
) -> None:
    hidden = _row_id(engine, "Quietly restructure Finance")
    shown = _submit(engine, two_tenants, hidden)
    assert "Quietly restructure" not in shown
    with Session(engine) as session:
        assert session.exec(select(ApprovalRequest)).first() is None


def test_a_parent_the_form_did_not_offer_is_unknown(engine: Engine, two_tenants: Served) -> None:
    peer_goal = _row_id(engine, "Bob's own goal")  # visible, but personal: not a parent choice
    _submit(engine, two_tenants, peer_goal)
    with Session(engine) as session:
        assert session.exec(select(ApprovalRequest)).first() is None


def test_an_offered_parent_is_named_in_the_managers_request(
    engine: Engine, two_tenants: Served
) -> None:
    company = _row_id(engine, "Grow the company")
    _submit(engine, two_tenants, company)
    with Session(engine) as session:
        created = session.exec(
            select(Objective).where(Objective.title == "Win the EV segment")
        ).one()
        assert created.parent_id == company
        lara = session.exec(select(Person).where(Person.email == "lara@example.com")).one()
    (request,) = inbox_messages(engine, lara)
    assert "Grow the company" in json.dumps(render_message(request))
