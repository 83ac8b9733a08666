"""Who may view, create, update, approve, score and export — per role, across two workspaces.

Acme: Emma (employee) reports to Mia (manager), who heads nothing; Hugo heads Sales; Hana is
HR admin; Adam is admin. Globex has the same roles; nobody there may touch Acme's OKRs.
"""

from __future__ import annotations

from datetime import UTC, datetime

import pytest
import sqlalchemy as sa
from sqlmodel import Session

from commands.context import Context
from storage import access
from storage.models import (
    KeyResult,
    Objective,
    OwnerType,
    Person,
    Platform,
    Role,
    Visibility,
    Workspace,
)
from tests import factories

NOW = datetime(2026, 11, 23, 9, 0, tzinfo=UTC)
ROLES = ["employee", "manager", "head", "hr", "admin"]


def _company(session: Session, slug: str) -> dict[str, Person | Objective | KeyResult | Workspace]:
    ws = factories.workspace(session, slug)
    sales = factories.department(session, ws, "Sales")
    head = factories.person(
        session, ws, f"head@{slug}.com", "Hugo", role=Role.MANAGER, department_id=sales.id
    )
    sales.head_person_id = head.id
    manager = factories.person(
        session,
        ws,
        f"mia@{slug}.com",
        "Mia",
        role=Role.MANAGER,
        manager_id=head.id,
        department_id=sales.id,
    )
    employee = factories.person(
        session, ws, f"emma@{slug}.com", "Emma", manager_id=manager.id, department_id=sales.id
    )
    peer = factories.person(session, ws, f"pete@{slug}.com", "Pete", manager_id=manager.id)
    hr = factories.person(session, ws, f"hana@{slug}.com", "Hana", role=Role.HR_ADMIN)
    admin = factories.person(session, ws, f"adam@{slug}.com", "Adam", role=Role.ADMIN)
    cycle = factories.cycle(session, ws)
    private = factories.objective(
        session, ws, cycle, peer, "Pete's private plan", visibility=Visibility.PRIVATE
    )
    kr = factories.key_result(session, private, peer, "Pete's KR")
    return {
        "ws": ws,
        "employee": employee,
        "manager": manager,
        "head": head,
        "hr": hr,
        "admin": admin,
        "peer": peer,
        "objective": private,
        "kr": kr,
    }


@pytest.fixture
def two(session: Session) -> tuple[dict[str, object], dict[str, object]]:
    acme, globex = _company(session, "acme"), _company(session, "globex")
    session.commit()
    return acme, globex  # type: ignore[return-value]


def ctx_for(session: Session, company: dict[str, object], role: str) -> Context:
    person = company[role]
    ws = company["ws"]
    assert isinstance(person, Person)
    assert isinstance(ws, Workspace)
    return Context(session, ws, person, "en", Platform.CONSOLE, NOW)


def rights(
    session: Session, company: dict[str, object], target: dict[str, object], role: str
) -> dict[str, bool]:
    """One row of the table: what `role` of `company` may do to `target`'s peer Pete."""
    ctx = ctx_for(session, company, role)
    objective, kr, peer = target["objective"], target["kr"], target["peer"]
    assert isinstance(objective, Objective)
    assert isinstance(kr, KeyResult)
    assert isinstance(peer, Person)
    return {
        "view": ctx.access.can_view_objective(objective),
        "create_dept": ctx.access.can_create_objective(OwnerType.DEPARTMENT)
        and ctx.workspace_id == objective.workspace_id,
        "create_company": ctx.access.can_create_objective(OwnerType.COMPANY)
        and ctx.workspace_id == objective.workspace_id,
        "update": ctx.access.can_update_key_result(kr, objective),
        "approve": ctx.access.can_decide(peer),
        "score": ctx.access.can_score(objective),
        "export": ctx.access.can_export() and ctx.workspace_id == objective.workspace_id,
    }


EXPECTED = {
    #           view   dept   company update approve score  export
    "employee": (False, False, False, False, False, False, False),
    "manager": (True, False, False, False, True, True, False),
    "head": (True, True, False, False, False, True, False),
    "hr": (True, False, False, False, True, False, True),
    "admin": (True, True, True, False, True, False, True),
}


@pytest.mark.parametrize("role", ROLES)
def test_rights_in_own_workspace(session: Session, two, role: str) -> None:  # type: ignore[no-untyped-def]
    acme, _ = two
    row = rights(session, acme, acme, role)
    assert tuple(row.values()) == EXPECTED[role]


@pytest.mark.parametrize("role", ROLES)
def test_no_rights_across_workspaces(session: Session, two, role: str) -> None:  # type: ignore[no-untyped-def]
    acme, globex = two
    assert not any(rights(session, globex, acme, role).values())


def test_the_owner_updates_but_never_approves_their_own(session: Session, two) -> None:  # type: ignore[no-untyped-def]
    acme, _ = two
    row = rights(session, acme, acme, "peer")
    assert (row["view"], row["update"], row["approve"], row["score"]) == (True, True, False, True)


def _chain_of_four(session: Session) -> tuple[Workspace, list[Person], Objective]:
    """CEO > VP > Director > Manager > Ana, and Ana's private objective."""
    ws = factories.workspace(session, "chain")
    above: Person | None = None
    people: list[Person] = []
    for email, name in [("ceo", "Cai"), ("vp", "Vic"), ("dir", "Dora"), ("mgr", "Max")]:
        above = factories.person(
            session, ws, f"{email}@chain.com", name, manager_id=above.id if above else None
        )
        people.append(above)
    ana = factories.person(session, ws, "ana@chain.com", "Ana", manager_id=people[-1].id)
    cycle = factories.cycle(session, ws)
    objective = factories.objective(
        session, ws, cycle, ana, "Ana's plan", visibility=Visibility.PRIVATE
    )
    session.commit()
    return ws, [*people, ana], objective


def test_single_and_batch_rules_agree_up_the_whole_chain(session: Session) -> None:
    """The digest's batch rule stopped two levels above the owner; now one rule for both."""
    ws, people, objective = _chain_of_four(session)
    ana = people[-1]
    kr = factories.key_result(session, objective, ana, "Ana's KR")
    session.commit()
    for viewer in people:
        single = access.Access(session, viewer).can_view_objective(objective)
        batch = access.visible_key_results(
            session=session,
            krs={ana.id or 0: [kr]},
            viewers={ana.id or 0: viewer},
            people={ana.id or 0: ana},
        )
        assert single == bool(batch), viewer.name
        assert single  # everyone in Ana's line sees her private objective, the CEO too
    stranger = factories.person(session, ws, "x@chain.com", "Xu")
    assert not access.Access(session, stranger).can_view_objective(objective)
    assert not access.visible_key_results(
        session=session,
        krs={ana.id or 0: [kr]},
        viewers={ana.id or 0: stranger},
        people={ana.id or 0: ana},
    )


def test_the_reporting_line_is_read_in_one_query_per_level(session: Session) -> None:
    _, people, objective = _chain_of_four(session)
    statements: list[str] = []

    def seen(*args: object) -> None:
        statements.append(str(args[2]))

    engine = session.get_bind()
    sa.event.listen(engine, "before_cursor_execute", seen)
    try:
        viewer = access.Access(session, people[0])  # the CEO
        assert viewer.visible_objectives([objective] * 50) == [objective] * 50
        assert viewer.can_view_objective(objective)  # known now: no more queries
    finally:
        sa.event.remove(engine, "before_cursor_execute", seen)
    person_queries = [s for s in statements if "FROM person" in s]
    assert len(person_queries) == len(people)  # Ana, then one per level above her


def test_a_loop_in_the_reporting_line_ends(session: Session) -> None:
    ws = factories.workspace(session, "loop")
    a = factories.person(session, ws, "a@loop.com", "A")
    b = factories.person(session, ws, "b@loop.com", "B", manager_id=a.id)
    a.manager_id = b.id
    session.add(a)
    session.commit()
    org = access.load_org(session, workspace_id=ws.id or 0, person_ids=[a.id])
    assert org.chain(a.id) == [b.id]
    assert org.manages(b.id, a.id)
    assert org.manages(a.id, b.id)
