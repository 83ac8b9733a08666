"""app.yaml's cycles and KPI library reach the company workspace at every start, and never
undo what admins did in chat."""

from __future__ import annotations

from pathlib import Path

import pytest
from sqlalchemy.engine import Engine
from sqlmodel import Session, select

from bot.company_setup import apply_to_company_workspace
from bot.config import parse_config
from bot.runtime import open_runtime
from storage.models import Cycle, KpiDefinition
from storage.models.enums import CycleState
from tests import factories

CONFIG = """
company:
  name: Acme
  workspace: acme
cycles:
  - name: 2026-Q4
    start: 2026-10-01
    end: 2026-12-31
    state: {q4_state}
  - name: 2027-Q1
    start: 2027-01-01
    end: 2027-03-31
    state: planning
kpis:
  - code: LOSS_RATE
    name: Loss rate
    name_zh: 损耗率
    unit: "%"
    direction: lower_is_better
"""


def _cycles(engine: Engine) -> dict[str, CycleState]:
    with Session(engine) as session:
        return {c.name: c.state for c in session.exec(select(Cycle))}


def test_cycles_and_kpis_are_created_then_only_moved_forward(engine: Engine) -> None:
    with Session(engine) as session:
        factories.workspace(session, "acme")
        session.commit()

    apply_to_company_workspace(engine=engine, config=parse_config(CONFIG.format(q4_state="active")))
    assert _cycles(engine) == {"2026-Q4": CycleState.ACTIVE, "2027-Q1": CycleState.PLANNING}
    with Session(engine) as session:
        kpi = session.exec(select(KpiDefinition)).one()
        assert (kpi.code, kpi.name_zh) == ("LOSS_RATE", "损耗率")

    # An admin closes Q4 into review in chat; a restart re-reads app.yaml (still "active").
    with Session(engine) as session:
        q4 = session.exec(select(Cycle).where(Cycle.name == "2026-Q4")).one()
        q4.state = CycleState.REVIEW
        session.add(q4)
        session.commit()
    apply_to_company_workspace(engine=engine, config=parse_config(CONFIG.format(q4_state="active")))
    assert _cycles(engine)["2026-Q4"] is CycleState.REVIEW

    # Editing app.yaml to "closed" moves it on.
    apply_to_company_workspace(engine=engine, config=parse_config(CONFIG.format(q4_state="closed")))
    assert _cycles(engine)["2026-Q4"] is CycleState.CLOSED
    with Session(engine) as session:
        assert len(session.exec(select(Cycle)).all()) == 2


def test_no_company_workspace_yet_is_left_alone(engine: Engine) -> None:
    apply_to_company_workspace(engine=engine, config=parse_config(CONFIG.format(q4_state="active")))
    assert _cycles(engine) == {}


def test_every_cli_start_applies_app_yaml(
    engine: Engine, database_url: str, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.delenv("OKRBOT_DATABASE_URL", raising=False)
    with Session(engine) as session:
        factories.workspace(session, "acme")
        session.commit()
    config_file = tmp_path / "app.yaml"
    config_file.write_text(
        CONFIG.format(q4_state="active") + f"database:\n  url: {database_url}\n", encoding="utf-8"
    )
    runtime = open_runtime(config_file)
    runtime.engine.dispose()
    assert _cycles(engine)["2026-Q4"] is CycleState.ACTIVE
