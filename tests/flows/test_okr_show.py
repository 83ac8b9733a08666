"""`/okr show`: the latest check-in notes across the objective's KRs, newest first, three at
most, check-ins without a note left out. Runs on SQLite and PostgreSQL."""

from __future__ import annotations

import re

from sqlalchemy.engine import Engine
from sqlmodel import Session, select

from storage.models import Cycle
from tests import factories
from tests.flows.conftest import Team, ask


def test_show_lists_the_three_newest_notes_across_krs(
    engine: Engine, session: Session, team: Team
) -> None:
    cycle = session.exec(select(Cycle)).one()
    goal = factories.objective(session, team.workspace, cycle, team.ana, "Win the EV segment")
    accounts = factories.key_result(session, goal, team.ana, "Sign EV accounts", target=4)
    pilot = factories.key_result(session, goal, team.ana, "Ship the pilot", target=10)
    session.commit()
    a, p = f"KR-{accounts.number}", f"KR-{pilot.number}"
    for text in (
        f"/okr update {a} 1 first call",
        f"/okr update {p} 2 pilot scoped",
        f"/okr update {a} 2",
        f"/okr update {p} 4 pilot built",
        f"/okr update {a} 3 signed BYD",
    ):
        ask(engine, team.ana, text)
    shown = ask(engine, team.ana, f"/okr show O-{goal.number}")
    notes = [m[1] for m in re.finditer(r"^\s*\d\d-\d\d (KR-\d+: .+)$", shown, re.MULTILINE)]
    assert notes == [f"{a}: signed BYD", f"{p}: pilot built", f"{p}: pilot scoped"]
    assert "first call" not in shown


def test_a_key_result_shows_its_objective(engine: Engine, session: Session, team: Team) -> None:
    cycle = session.exec(select(Cycle)).one()
    goal = factories.objective(session, team.workspace, cycle, team.ana, "Win the EV segment")
    pilot = factories.key_result(session, goal, team.ana, "Ship the pilot", target=10)
    session.commit()
    shown = ask(engine, team.ana, f"/okr show KR-{pilot.number}")
    assert f"O-{goal.number} Win the EV segment" in shown
    assert "Ship the pilot" in shown
    assert "There is no key result KR-999" in ask(engine, team.ana, "/okr show KR-999")
