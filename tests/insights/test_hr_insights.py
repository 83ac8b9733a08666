"""`/hr insights` as a dialogue through the real core, on both databases."""

from __future__ import annotations

import re
from pathlib import Path

from sqlalchemy.engine import Engine

from bot.core import Core, Inbound
from bot.text import render_text
from storage.models import Person, Platform
from tests.insights.conftest import NOW, Company
from tests.suite_clock import at


def say(engine: Engine, who: Person, text: str) -> str:
    assert who.id is not None
    at(NOW)
    core = Core(engine)
    return render_text(core.handle(Inbound(Platform.CONSOLE, who.workspace_id, who.id, text)))


def test_hr_sees_org_health_with_a_chart(engine: Engine, company: Company, chart_dir: Path) -> None:
    reply = say(engine, company.hr, "/hr insights")
    assert "Org health" in reply
    # Ana and Oli own active KRs; Ana checked in last week (Nov 19), Oli this Monday (Nov 23).
    assert "2026-W48 (so far): 1 of 2 (50%)" in reply
    assert "2026-W47: 1 of 2 (50%)" in reply
    assert "2026-W46: 2 of 2 (100%)" in reply
    assert "Steady at 50% over 7 weeks." in reply  # W41 to W47: the weeks already over
    assert "Sales: 1 of 2 KRs said at risk (50%) · 1 forecast to miss the target (50%)" in reply
    assert "Ops: 0 of 1 KR said at risk (0%) · 0 forecast to miss the target (0%)" in reply
    assert "1 decided in the last 90 days: median 30 h, 90% within 30 h · 1 waiting" in reply
    assert "1 warning, 0 critical · 1 open now" in reply
    found = re.search(r"(/\S+org-health-\w+\.png)", reply)
    assert found is not None
    png = Path(found[1])
    assert png.parent == chart_dir
    assert png.read_bytes()[:8] == b"\x89PNG\r\n\x1a\n"


def test_chinese_alias_and_reply(engine: Engine, company: Company, chart_dir: Path) -> None:
    reply = say(engine, company.hr_zh, "/hr 洞察")
    assert "组织健康度" in reply
    assert "2026-W48（本周至今）：2 人中 1 人（50%）" in reply
    assert "Sales：2 个 KR 中 1 个自报有风险（50%）" in reply
    assert "中位数 30 小时" in reply


def test_employee_and_manager_are_refused(engine: Engine, company: Company) -> None:
    for who in (company.ana, company.boss):
        reply = say(engine, who, "/hr insights")
        assert "Only HR admins and admins can see the insights." in reply
        assert "Org health" not in reply


def test_hr_help_lists_insights(engine: Engine, company: Company) -> None:
    assert "/hr insights — org health" in say(engine, company.hr, "/hr help")
