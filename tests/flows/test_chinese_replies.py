"""Replies to a person who reads Chinese are in Chinese only, keywords and command words
included, and the Chinese keywords they type work (through the real core, both engines)."""

from __future__ import annotations

import re

import pytest
from sqlalchemy.engine import Engine
from sqlmodel import Session, select

from storage.models import Broadcast, Person, Role
from tests import factories
from tests.flows.conftest import Team, ask

# Words of three letters or more, codes (NEW_KPI) and formats (YYYY-MM-DD) left out.
ENGLISH_WORD = re.compile(r"(?<![\w-])(?![A-Z0-9_]*_[A-Z0-9_]+)(?!YYYY)[A-Za-z]{3,}(?![\w-])")
NOT_ENGLISH = {"okr", "kpi", "okrbot"}


@pytest.fixture
def li(session: Session, team: Team) -> Person:
    person = factories.person(
        session, team.workspace, "li@example.com", "李娜", role=Role.HR_ADMIN, locale="zh-CN"
    )
    session.commit()
    return person


def english(text: str) -> list[str]:
    """English words of a Chinese reply, names of the team's people left out."""
    names = {"Ana", "Lima", "Bob", "Brown", "Lara", "Lead", "Hana", "Cai", "Boss", "Sales"}
    return [
        w for w in ENGLISH_WORD.findall(text) if w not in names and w.lower() not in NOT_ENGLISH
    ]


def test_help_lists_the_chinese_command_words(engine: Engine, li: Person) -> None:
    text = ask(engine, li, "/okr 帮助")
    assert "/okr 团队" in text
    assert "/okr team" not in text
    assert english(text) == []


def test_the_audit_log_says_what_changed_in_chinese(engine: Engine, team: Team, li: Person) -> None:
    for said in ("/okr new", "拓展新客户", "none", "签约门店", "0 5", "done", "submit"):
        ask(engine, team.ana, said)
    text = ask(engine, li, "/hr 审计")
    assert "创建了 O-2" in text
    assert "状态：待审批" in text
    assert "create" not in text
    assert "status" not in text
    assert english(text) == []


def test_a_broadcast_to_everyone_in_chinese_words(engine: Engine, li: Person) -> None:
    preview = ask(engine, li, "/hr 广播 全体 周五前完成复盘")
    assert "受众 全体：共 6 人将收到以下消息" in preview
    assert "everyone" not in preview
    department = ask(engine, li, "/hr 广播 部门:Sales 周五前完成复盘")
    assert "受众 部门 Sales" in department
    with Session(engine) as session:
        audiences = [b.audience for b in session.exec(select(Broadcast).order_by(Broadcast.id))]
    assert audiences == ["everyone", "department:Sales"]


def test_a_new_kpi_asks_for_its_fields_in_chinese(engine: Engine, li: Person) -> None:
    text = ask(engine, li, "/kpi 定义 NEW_KPI")
    assert "请给出 名称和方向" in text
    assert "direction" not in text
    assert english(text) == []
