"""`okrbot sync feishu` against the stub contact API (small pages), on both databases."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest
from sqlalchemy.engine import Engine
from sqlmodel import Session, select
from typer.testing import CliRunner

from bot import cli_feishu  # noqa: F401  (registers `sync feishu`)
from bot.cli import app
from storage.models import Department, Person, PersonIdentity, Role
from tests import factories
from tests.bot.feishu.stub_feishu import StubFeishu


def _department(open_id: str, name: str, parent: str, leader: str) -> dict[str, str]:
    return {
        "open_department_id": open_id,
        "name": name,
        "parent_department_id": parent,
        "leader_user_id": leader,
    }


def _user(
    open_id: str, name: str, email: str, departments: list[str], leader: str = ""
) -> dict[str, Any]:
    user: dict[str, Any] = {"open_id": open_id, "name": name, "department_ids": departments}
    if email:
        user["email"] = email
    if leader:
        user["leader_user_id"] = leader
    return user


@pytest.fixture
def org(stub: StubFeishu) -> StubFeishu:
    stub.departments = {
        d["open_department_id"]: d
        for d in [
            _department("od_sales", "销售部", "0", "ou_lead"),
            _department("od_ops", "运营部", "0", "ou_ceo"),
            _department("od_hr", "人力资源部", "0", ""),
            _department("od_east", "华东区", "od_sales", "ou_ana"),
            _department("od_east_ops", "华东区", "od_ops", ""),  # same name, other parent
        ]
    }
    stub.users = {
        u["open_id"]: u
        for u in [
            _user("ou_ceo", "王总", "ceo@example.com", ["0"]),
            _user("ou_lead", "Lara Lead", "lead@example.com", ["od_sales"], "ou_ceo"),
            _user("ou_ana", "Ana Lima", "ANA@example.com", ["od_east"], "ou_lead")
            | {"job_title": "Account lead", "time_zone": "Asia/Shanghai"},
            _user("ou_bob", "Bob", "bob@example.com", ["od_east"], "ou_ana"),
            _user("ou_kim", "Kim", "kim@example.com", ["od_east"], "ou_ana"),
            _user("ou_nomail", "No Mail", "", ["od_hr"]),
        ]
    }
    return stub


def sync(database_url: str, stub: StubFeishu, tmp_path: Path, app_id: str) -> str:
    config = tmp_path / "app.yaml"
    config.write_text(
        f"company: {{workspace: acme, language: zh-CN}}\n"
        f"database: {{url: '{database_url}'}}\n"
        f"feishu: {{enabled: true, domain: '{stub.base_url}'}}\n",
        encoding="utf-8",
    )
    env = {"FEISHU_APP_ID": app_id, "FEISHU_APP_SECRET": "secret", "OKRBOT_DATABASE_URL": ""}
    result = CliRunner().invoke(app, ["sync", "feishu", "--config", str(config)], env=env)
    assert result.exit_code == 0, result.output
    return result.output


def test_sync_reads_departments_members_and_leaders_and_is_idempotent(
    engine: Engine, database_url: str, org: StubFeishu, tmp_path: Path, feishu_env: str
) -> None:
    with Session(engine) as session:
        ws = factories.workspace(session, "acme")
        existing = factories.person(session, ws, "ana@example.com", "Ana", locale="en")
        session.commit()
        ana_id = existing.id

    first = sync(database_url, org, tmp_path, feishu_env)
    assert "departments 5 new" in first
    assert "people 4 new" in first
    assert "1 without an email skipped" in first
    assert org.calls_to("GET", "/open-apis/contact/v3/departments/0/children")
    pages = [c for c in org.calls if c.path.endswith("/0/children")]
    assert [c.query.get("page_token") for c in pages] == [None, "2"]

    with Session(engine) as session:
        departments = {d.external_id: d for d in session.exec(select(Department))}
        people = {p.email: p for p in session.exec(select(Person))}
        identities = {i.external_id: i.person_id for i in session.exec(select(PersonIdentity))}
    assert departments["od_east"].parent_id == departments["od_sales"].id
    assert departments["od_sales"].parent_id is None
    assert departments["od_east"].name == "华东区"
    assert departments["od_east_ops"].name.startswith("华东区 (")
    assert departments["od_sales"].head_person_id == people["lead@example.com"].id
    ana = people["ana@example.com"]
    assert ana.id == ana_id  # upserted by email, in place
    assert (ana.name, ana.title, ana.timezone, ana.locale) == (
        "Ana Lima",
        "Account lead",
        "Asia/Shanghai",
        "en",
    )
    assert ana.department_id == departments["od_east"].id
    assert ana.manager_id == people["lead@example.com"].id
    assert people["bob@example.com"].manager_id == ana.id
    assert people["lead@example.com"].manager_id == people["ceo@example.com"].id
    assert ana.role is Role.MANAGER
    assert people["bob@example.com"].role is Role.EMPLOYEE
    assert identities["ou_ana"] == ana.id
    assert len(people) == 5

    second = sync(database_url, org, tmp_path, feishu_env)
    assert "departments 0 new, 0 changed; people 0 new, 0 changed" in second
    with Session(engine) as session:
        assert len(session.exec(select(Person)).all()) == 5
        assert len(session.exec(select(Department)).all()) == 5
        assert len(session.exec(select(PersonIdentity)).all()) == 5

    org.users["ou_bob"]["leader_user_id"] = "ou_lead"
    org.departments["od_hr"]["name"] = "人事部"
    third = sync(database_url, org, tmp_path, feishu_env)
    assert "departments 0 new, 1 changed; people 0 new, 1 changed" in third
    with Session(engine) as session:
        bob = session.exec(select(Person).where(Person.email == "bob@example.com")).one()
        lead = session.exec(select(Person).where(Person.email == "lead@example.com")).one()
        assert bob.manager_id == lead.id


def test_sync_needs_credentials(tmp_path: Path, database_url: str, engine: Engine) -> None:
    config = tmp_path / "app.yaml"
    config.write_text(f"database: {{url: '{database_url}'}}\n", encoding="utf-8")
    env = {"FEISHU_APP_ID": "", "FEISHU_APP_SECRET": "", "OKRBOT_DATABASE_URL": ""}
    result = CliRunner().invoke(app, ["sync", "feishu", "--config", str(config)], env=env)
    assert result.exit_code == 2
    assert "FEISHU_APP_ID" in result.output
