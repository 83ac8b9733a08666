"""The explicit wiring: every handler and flow it names exists, every flow the code declares is
wired, a flow's own entry points agree with the wiring, and a run of a flow nobody wires is
reported (logged as an error, the person told politely) instead of being swallowed."""

from __future__ import annotations

import importlib
import logging
import pkgutil
from dataclasses import replace
from datetime import timedelta

import pytest
from sqlalchemy.engine import Engine
from sqlmodel import Session, select

import flows
from bot.core import Core, Inbound
from bot.text import render_text
from bot.wiring import FLOWS, FlowRoute, Ref, Wiring, WiringError, default_wiring
from commands.actions import Action
from commands.types import OkrCheckin
from flows.engine import Flow
from storage.models import CheckIn, FlowRun, Platform
from storage.repos import flows as runs
from tests.flows import conftest as flow_conftest
from tests.flows.conftest import NOW, Team, ask
from tests.suite_clock import at


@pytest.fixture
def team(session: Session) -> Team:
    """The small company of the flow dialogues (tests/flows/conftest.py)."""
    found: Team = flow_conftest.team.__wrapped__(session)  # type: ignore[attr-defined]
    return found


def test_every_wired_handler_and_flow_loads() -> None:
    Wiring().check()


def test_every_flow_the_code_declares_is_wired() -> None:
    declared: dict[str, set[str]] = {}
    for info in pkgutil.iter_modules(flows.__path__, "flows."):
        module = importlib.import_module(info.name)
        for name, value in vars(module).items():
            if isinstance(value, Flow):
                declared.setdefault(value.name, set()).add(f"{info.name}:{name}")
    assert declared, "no flow found under flows/"
    for flow_name, places in declared.items():
        assert flow_name in FLOWS, f"{places} declare flow {flow_name!r}, which is not wired"
        route = FLOWS[flow_name]
        assert f"{route.flow.module}:{route.flow.name}" in places


def test_a_flow_whose_entry_points_disagree_with_the_wiring_fails_loudly() -> None:
    route = FLOWS["okr_checkin"]
    wrong = replace(route, actions=("checkin.start",))
    wiring = Wiring(flows={**FLOWS, "okr_checkin": wrong})
    with pytest.raises(WiringError, match="okr_checkin"):
        wiring.check()
    with pytest.raises(WiringError, match="is not the flow"):
        Wiring(flows={**FLOWS, "okr_checkin": FlowRoute(Ref("flows.scoring", "REVIEW"))}).check()


def test_a_key_wired_twice_is_refused() -> None:
    with pytest.raises(WiringError, match="OkrCheckin"):
        Wiring(commands={**default_wiring().commands, OkrCheckin: Ref("x", "y")})


def test_an_unknown_button_is_answered_politely(engine: Engine, team: Team) -> None:
    assert team.ana.id is not None
    at(NOW)
    reply = Core(engine).handle(
        Inbound(Platform.CONSOLE, team.workspace.id or 0, team.ana.id, action=Action("nope.x"))
    )
    assert reply.is_error
    assert "button" in render_text(reply).lower()


def test_a_run_of_an_unknown_flow_is_reported_not_swallowed(
    engine: Engine, session: Session, team: Team, caplog: pytest.LogCaptureFixture
) -> None:
    assert team.ana.id is not None
    assert team.workspace.id is not None
    runs.start(
        session=session,
        workspace_id=team.workspace.id,
        person_id=team.ana.id,
        flow="okr_renamed_since",
        state="value",
        data={},
        now=NOW,
        expires_at=NOW + timedelta(hours=1),
    )
    session.commit()
    with caplog.at_level(logging.ERROR, logger="okrbot.core"):
        told = ask(engine, team.ana, "update KR-1 3")
    assert [r.getMessage() for r in caplog.records if r.levelno >= logging.ERROR] == [
        "unknown flow"
    ]
    assert "something went wrong on my side" in told.lower()
    with Session(engine) as fresh:
        assert fresh.exec(select(FlowRun)).all() == []  # finished: the person is not stuck
        assert fresh.exec(select(CheckIn)).all() == []  # and the answer was not run as a command
