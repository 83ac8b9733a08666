"""The audit log: changes from every source land in it; `/hr audit` and `okrbot audit` read it."""

from __future__ import annotations

import json
import os
import shutil
import subprocess
import sys
from dataclasses import dataclass
from datetime import UTC, date, datetime, timedelta
from pathlib import Path

import httpx
import pytest
from sqlalchemy.engine import Engine
from sqlmodel import Session, col, select

from bot.config import AppConfig
from bot.core import Core, Inbound
from bot.http_app import build_app
from bot.runtime import Runtime
from bot.text import render_text
from commands.context import Context
from commands.grammar import parse
from commands.operations import drafts
from commands.types import CommandError, HrAudit
from storage.models import (
    AuditLog,
    KpiDefinition,
    KpiDirection,
    ObjectiveStatus,
    Person,
    Platform,
    Role,
    Workspace,
)
from storage.repos import audit, kpi_tokens
from storage.types import utcnow
from tests import factories
from tests.support.http_server import serve_asgi

OKRBOT = shutil.which("okrbot", path=str(Path(sys.executable).parent))


@dataclass
class Company:
    workspace_id: int
    grace: int  # HR admin
    ana: int  # employee with KR-1
    ben: int  # employee


@pytest.fixture
def company(session: Session) -> Company:
    ws = factories.workspace(session, "acme", timezone="Asia/Shanghai")
    grace = factories.person(session, ws, "grace@acme.com", "Grace Zhou", role=Role.HR_ADMIN)
    ana = factories.person(session, ws, "ana@acme.com", "Ana Lima", locale="en")
    ben = factories.person(session, ws, "ben@acme.com", "Ben Wu", locale="zh-CN")
    objective = factories.objective(session, ws, factories.cycle(session, ws), ana, "Win EV")
    factories.key_result(session, objective, ana, "Sign accounts", target=5)
    session.add(
        KpiDefinition(
            workspace_id=ws.id or 0,
            code="SALES",
            name="Sales",
            direction=KpiDirection.HIGHER_IS_BETTER,
        )
    )
    session.commit()
    assert ws.id is not None
    assert grace.id is not None
    assert ana.id is not None
    assert ben.id is not None
    return Company(ws.id, grace.id, ana.id, ben.id)


def say(engine: Engine, company: Company, person: int, text: str) -> str:
    reply = Core(engine).handle(
        Inbound(
            platform=Platform.CONSOLE,
            workspace_id=company.workspace_id,
            person_id=person,
            text=text,
        )
    )
    return render_text(reply)


def rows(session: Session) -> list[AuditLog]:
    session.expire_all()
    return list(session.exec(select(AuditLog).order_by(col(AuditLog.id))))


def test_changes_from_console_api_and_settings_are_audited_with_their_source(
    engine: Engine, session: Session, company: Company
) -> None:
    say(engine, company, company.ana, "/okr update KR-1 3 at-risk legal review is slow")
    say(engine, company, company.ana, "/okr pause until 2099-01-05")
    say(engine, company, company.grace, '/kpi define NCR "Nonconformance reports" direction=lower')
    _, token = kpi_tokens.create(session=session, workspace_id=company.workspace_id, name="mes")
    session.commit()
    app = build_app(Runtime(config=AppConfig(), engine=engine), Core(engine))
    with serve_asgi(app) as base, httpx.Client(base_url=base) as client:
        response = client.post(
            "/api/v1/kpi/readings",
            headers={"Authorization": f"Bearer {token}"},
            json={
                "readings": [
                    {
                        "id": "r1",
                        "kpi": "SALES",
                        "scope": "person:ana@acme.com",
                        "period": "2026-11",
                        "value": 7,
                    }
                ]
            },
        )
        assert response.status_code == 200, response.text

    found = {(r.action, r.platform.value, r.actor_id) for r in rows(session)}
    assert ("check_in", "console", company.ana) in found
    assert ("prompts_pause", "console", company.ana) in found
    assert ("kpi_defined", "console", company.grace) in found
    assert ("kpi_readings", "api", None) in found
    reading = next(r for r in rows(session) if r.action == "kpi_readings")
    after = json.loads(reading.after or "{}")
    assert after["count"] == 1
    assert after["readings"][0]["kpi"] == "SALES"
    assert after["readings"][0]["value"] == 7

    reply = say(engine, company, company.grace, "/hr audit")
    assert "checked in on KR-1 · from the console" in reply
    assert "value: 0 → 3" in reply
    assert "imported readings for SALES · from the KPI API" in reply
    assert "system" in reply  # the API has no person behind it


def test_objective_creation_and_approval_decisions_are_audited(
    engine: Engine, session: Session, company: Company
) -> None:
    ws = session.get(Workspace, company.workspace_id)
    ana = session.get(Person, company.ana)
    assert ws is not None
    assert ana is not None
    ana.manager_id = company.grace
    context = Context(
        session=session,
        workspace=ws,
        person=ana,
        locale="en",
        platform=Platform.SLACK,
        now=utcnow(),
    )
    kr = {"title": "Hire 3", "start": 0, "target": 3, "metric": "number", "direction": "increase"}
    draft = {"title": "Open Lisbon", "krs": [kr]}
    objective = drafts.save(context, draft, status=ObjectiveStatus.PENDING)
    session.commit()
    assert "Approved" in say(engine, company, company.grace, f"/okr approve O-{objective.number}")

    created = next(r for r in rows(session) if r.action == "objective_create")
    assert (created.platform, created.actor_id) == (Platform.SLACK, company.ana)
    assert json.loads(created.after or "{}")["key_results"] == ["Hire 3: 0 → 3"]
    decided = next(r for r in rows(session) if r.action == "approval_approve")
    assert (decided.platform, decided.actor_id) == (Platform.CONSOLE, company.grace)
    assert decided.entity_ref == f"O-{objective.number}"
    assert json.loads(decided.after or "{}")["status"] == "approved"


def test_filters_by_person_and_days(engine: Engine, session: Session, company: Company) -> None:
    def at(day: int, actor: int, action: str) -> None:
        row = audit.record(
            session=session,
            workspace_id=company.workspace_id,
            actor_id=actor,
            platform=Platform.SLACK,
            action=action,
            entity_type="key_result",
            entity_id=1,
            entity_ref="KR-1",
        )
        # 10:00 in Shanghai on that November day
        row.created_at = datetime(2026, 11, day, 2, 0, tzinfo=UTC)

    at(1, company.ana, "ana_nov_1")
    at(10, company.ana, "ana_nov_10")
    at(10, company.ben, "ben_nov_10")
    at(20, company.ana, "ana_nov_20")
    session.commit()

    reply = say(engine, company, company.grace, "/hr audit @ana since 2026-11-05 until 2026-11-10")
    assert "ana_nov_10" in reply
    for other in ("ana_nov_1 ", "ana_nov_20", "ben_nov_10"):
        assert other not in reply
    assert "Changes made by Ana Lima" in reply

    chinese = say(engine, company, company.grace, "/hr 审计 从 2026-11-10")
    assert all(a in chinese for a in ("ana_nov_10", "ben_nov_10", "ana_nov_20"))
    assert "ana_nov_1 " not in chinese

    assert "Nothing was changed" in say(
        engine, company, company.grace, "/hr audit until 2026-10-31"
    )


def test_newest_first_by_when_it_happened_not_by_when_it_was_written(
    session: Session, company: Company
) -> None:
    """An imported or backfilled row written later about an earlier change sorts by its time."""
    for day, action in ((20, "late"), (5, "backfilled"), (12, "middle")):
        row = audit.record(
            session=session,
            workspace_id=company.workspace_id,
            actor_id=company.ana,
            platform=Platform.CONSOLE,
            action=action,
            entity_type="key_result",
            entity_id=1,
        )
        row.created_at = datetime(2026, 11, day, 2, 0, tzinfo=UTC)
    session.commit()
    rows, total = audit.search(
        session=session, workspace_id=company.workspace_id, actor_id=company.ana
    )
    assert [row.action for row in rows][:3] == ["late", "middle", "backfilled"]
    assert total >= 3


def test_an_employee_is_refused_in_their_language(
    engine: Engine, session: Session, company: Company
) -> None:
    assert "Only HR admins and admins" in say(engine, company, company.ana, "/hr audit")
    assert "只有 HR 管理员和管理员" in say(engine, company, company.ben, "/hr 审计")
    bad = say(engine, company, company.grace, "/hr audit since November")
    assert "is not a date" in bad
    assert "/hr audit [@person]" in bad  # the usage comes with it
    assert "can't find" in say(engine, company, company.grace, "/hr audit @nobody")


def test_the_grammar() -> None:
    assert parse("/hr audit") == HrAudit()
    assert parse("/hr audit @ana since 2026-11-01") == HrAudit("@ana", date(2026, 11, 1), None)
    assert parse("/hr 审计 ana@acme.com 从 2026-11-01 到 2026-11-30") == HrAudit(
        "ana@acme.com", date(2026, 11, 1), date(2026, 11, 30)
    )
    assert parse("/hr audit @Ana Lima since 2026-11-01") == HrAudit(
        "@Ana Lima", date(2026, 11, 1), None
    )  # a name with a space
    for bad in ("/hr audit since", "/hr audit until 2026-13-01", "/hr audit a since 2026-11-01 b"):
        with pytest.raises(CommandError):
            parse(bad)
    with pytest.raises(CommandError, match="bad_range"):
        parse("/hr audit since 2026-11-30 until 2026-11-01")


def run(args: list[str], url: str, cwd: Path) -> subprocess.CompletedProcess[str]:
    assert OKRBOT is not None
    env = {k: v for k, v in os.environ.items() if k != "OKRBOT_CONFIG"}
    env["OKRBOT_DATABASE_URL"] = url
    return subprocess.run(
        [OKRBOT, *args], text=True, capture_output=True, cwd=cwd, env=env, timeout=120, check=False
    )


def test_okrbot_audit_text_and_json(
    engine: Engine, session: Session, company: Company, database_url: str, tmp_path: Path
) -> None:
    say(engine, company, company.ana, "/okr update KR-1 2")
    say(engine, company, company.grace, "/okr prompts wed 09:30")
    yesterday = (utcnow() - timedelta(days=1)).date().isoformat()

    text = run(["audit", "--workspace", "acme"], database_url, tmp_path)
    assert text.returncode == 0, text.stderr
    assert "Ana Lima <ana@acme.com>  check_in KR-1  [console]" in text.stdout
    assert "prompts_set" in text.stdout

    as_json = run(
        [
            "audit",
            "--workspace",
            "acme",
            "--person",
            "ana@acme.com",
            "--since",
            yesterday,
            "--format",
            "json",
        ],
        database_url,
        tmp_path,
    )
    assert as_json.returncode == 0, as_json.stderr
    data = json.loads(as_json.stdout)
    assert data["total"] == 1
    entry = data["entries"][0]
    assert (entry["action"], entry["source"], entry["actor_email"]) == (
        "check_in",
        "console",
        "ana@acme.com",
    )
    assert entry["before"]["current_value"] == 0
    assert entry["after"]["current_value"] == 2
    assert datetime.fromisoformat(entry["at"]).tzinfo is not None

    none = run(["audit", "--workspace", "acme", "--until", "2000-01-01"], database_url, tmp_path)
    assert none.stdout.strip() == "Nothing was changed in that time."
    bad = run(["audit", "--workspace", "acme", "--since", "yesterday"], database_url, tmp_path)
    assert bad.returncode == 2
    assert "is not a date" in bad.stderr


def test_a_kpi_file_import_is_audited_as_import(
    session: Session, company: Company, database_url: str, tmp_path: Path
) -> None:
    readings = tmp_path / "readings.csv"
    readings.write_text(
        "kpi,scope,period,value\nSALES,person:ana@acme.com,2026-10,4\nSALES,person:ana@acme.com,2026-11,6\n",
        encoding="utf-8",
    )
    imported = run(["import", "kpi", str(readings), "--workspace", "acme"], database_url, tmp_path)
    assert imported.returncode == 0, imported.stderr
    listed = run(["audit", "--workspace", "acme", "--format", "json"], database_url, tmp_path)
    (entry,) = json.loads(listed.stdout)["entries"]
    assert (entry["action"], entry["source"], entry["entity"]) == (
        "kpi_readings",
        "import",
        "SALES",
    )
    assert entry["after"]["count"] == 2
    assert {r["period"] for r in entry["after"]["readings"]} == {"2026-10", "2026-11"}
