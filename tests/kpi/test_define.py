"""/kpi define through the real core: admins upsert the library, others are refused."""

from __future__ import annotations

import json

import pytest
from sqlalchemy.engine import Engine
from sqlmodel import Session, select

from commands.grammar import parse
from commands.types import CommandError, KpiDefine
from storage.models import Aggregation, AuditLog, Frequency, KpiDefinition, KpiDirection, Role
from storage.repos import kpis
from tests.kpi.conftest import KpiCompany
from tests.kpi.test_dialogues import say


def _kpi(session: Session, kc: KpiCompany, code: str) -> KpiDefinition | None:
    session.expire_all()
    return kpis.by_code(session=session, workspace_id=kc.workspace.id or 0, code=code)


def test_grammar_reads_a_name_and_key_value_pairs() -> None:
    command = parse(
        '/kpi define ncr "Nonconformance reports" name_zh=不良品数 unit=pcs '
        "direction=lower frequency=weekly aggregation=sum"
    )
    assert command == KpiDefine(
        "NCR",
        "Nonconformance reports",
        "不良品数",
        "pcs",
        KpiDirection.LOWER_IS_BETTER,
        Frequency.WEEKLY,
        Aggregation.SUM,
    )
    chinese = parse("/kpi 定义 OTD 准时交付率 单位＝% 方向=越高越好 频率=月 汇总=平均")
    assert chinese == KpiDefine(
        "OTD",
        "准时交付率",
        unit="%",
        direction=KpiDirection.HIGHER_IS_BETTER,
        frequency=Frequency.MONTHLY,
        aggregation=Aggregation.AVG,
    )


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        (
            "/kpi 定义 NPS 名称 客户净推荐值 方向 越高越好",
            KpiDefine("NPS", "客户净推荐值", direction=KpiDirection.HIGHER_IS_BETTER),
        ),
        (
            "/kpi define NPS Net promoter score direction higher frequency monthly",
            KpiDefine(
                "NPS",
                "Net promoter score",
                direction=KpiDirection.HIGHER_IS_BETTER,
                frequency=Frequency.MONTHLY,
            ),
        ),
        (  # a field word inside the name stays the name's when no value of it follows
            "/kpi define X Direction of travel index dir=up",
            KpiDefine("X", "Direction of travel index", direction=KpiDirection.HIGHER_IS_BETTER),
        ),
    ],
)
def test_a_field_with_its_value_after_a_space(text: str, expected: KpiDefine) -> None:
    assert parse(text) == expected


@pytest.mark.parametrize(
    ("text", "key"),
    [
        ("/kpi define X colour=red", "kpi.define.bad_field"),
        ("/kpi define X direction=sideways", "kpi.define.bad_value"),
        ("/kpi define", "error.missing_kpi_code"),
        ("/kpi define 9X name", "error.bad_kpi_code"),
    ],
)
def test_grammar_names_the_bad_part(text: str, key: str) -> None:
    with pytest.raises(CommandError) as caught:
        parse(text)
    assert caught.value.key == key
    assert caught.value.usage == "kpi.define"


def test_admin_defines_then_updates_and_both_are_audited(
    engine: Engine, session: Session, kc: KpiCompany
) -> None:
    reply = say(
        engine,
        kc,
        kc.wei,
        '/kpi define NCR "Nonconformance reports" name_zh=不良品数 unit=pcs direction=lower '
        "frequency=weekly aggregation=sum",
    )
    assert "KPI NCR “Nonconformance reports” added to the library." in reply
    assert "lower is better · weekly · summed" in reply
    ncr = _kpi(session, kc, "NCR")
    assert ncr is not None
    assert (ncr.name_zh, ncr.unit, ncr.direction, ncr.frequency, ncr.aggregation) == (
        "不良品数",
        "pcs",
        KpiDirection.LOWER_IS_BETTER,
        Frequency.WEEKLY,
        Aggregation.SUM,
    )
    # upsert by code: only the fields given change
    updated = say(engine, kc, kc.wei, "/kpi define ncr frequency=monthly")
    assert "KPI NCR “Nonconformance reports” updated." in updated
    ncr = _kpi(session, kc, "NCR")
    assert ncr is not None
    assert (ncr.frequency, ncr.unit) == (Frequency.MONTHLY, "pcs")
    assert "nothing changed" in say(engine, kc, kc.wei, "/kpi define NCR frequency=monthly")
    rows = session.exec(
        select(AuditLog).where(AuditLog.entity_ref == "NCR").order_by(AuditLog.id)
    ).all()
    assert [r.action for r in rows] == ["kpi_defined", "kpi_redefined"]
    assert rows[0].before is None
    assert json.loads(rows[1].before or "{}")["frequency"] == "weekly"
    assert json.loads(rows[1].after or "{}")["frequency"] == "monthly"
    assert rows[1].actor_id == kc.wei.id
    assert "NCR" in say(engine, kc, kc.ana, "/kpi list")


def test_hr_admin_may_define_in_chinese(engine: Engine, session: Session, kc: KpiCompany) -> None:
    kc.mei.role = Role.HR_ADMIN
    kc.mei.locale = "zh-CN"
    session.add(kc.mei)
    session.commit()
    reply = say(engine, kc, kc.mei, "/kpi 定义 LOSS_RATE 方向=越高越好")
    assert "指标 LOSS_RATE“损耗率”已更新。" in reply
    assert "中文名 损耗率 · 单位 %" in reply
    loss = _kpi(session, kc, "LOSS_RATE")
    assert loss is not None
    assert loss.direction is KpiDirection.HIGHER_IS_BETTER


def test_others_are_refused_and_nothing_changes(
    engine: Engine, session: Session, kc: KpiCompany
) -> None:
    reply = say(engine, kc, kc.jun, "/kpi define LOSS_RATE Waste direction=higher")
    assert "Only HR admins and admins can define KPIs. Nothing was changed." in reply
    loss = _kpi(session, kc, "LOSS_RATE")
    assert loss is not None
    assert (loss.name, loss.direction) == ("Loss rate", KpiDirection.LOWER_IS_BETTER)
    assert _kpi(session, kc, "WASTE") is None
    assert say(engine, kc, kc.ana, "/kpi define NEW_ONE Thing direction=up").count("Only HR") == 1
    assert session.exec(select(AuditLog).where(AuditLog.action == "kpi_defined")).first() is None


def test_a_new_kpi_needs_a_name_and_a_direction(
    engine: Engine, session: Session, kc: KpiCompany
) -> None:
    reply = say(engine, kc, kc.wei, "/kpi define OTD unit=%")
    assert "OTD is a new KPI: give its name and direction" in reply
    assert "Usage: /kpi define CODE" in reply
    assert _kpi(session, kc, "OTD") is None
