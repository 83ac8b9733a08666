"""/kpi tree and /kpi assess through the real core: the cascade flags and the arithmetic."""

from __future__ import annotations

from datetime import UTC, datetime

from sqlalchemy.engine import Engine
from sqlmodel import Session

from bot.core import Core, Inbound
from bot.text import render_text
from commands.actions import Action
from commands.operations.kpi_intake import ingest
from storage.models import Person, Platform, ReadingSource
from tests.flows.conftest import inbox
from tests.kpi.conftest import KpiCompany
from tests.suite_clock import at

NOW = datetime(2026, 11, 23, 9, 0, tzinfo=UTC)


def say(engine: Engine, kc: KpiCompany, person: Person, text: str) -> str:
    at(NOW)
    core = Core(engine)
    return render_text(core.handle(Inbound(Platform.CONSOLE, kc.workspace.id, person.id, text)))


def _readings(session: Session, kc: KpiCompany) -> None:
    rows = [
        ("MONTHLY_SALES", "person:ana@acme.com", 380_000),
        ("MONTHLY_SALES", "person:tao@acme.com", 420_000),
        ("MONTHLY_SALES", "company", 800_000),
        ("LOSS_RATE", "person:hao@acme.com", 5),
        ("LOSS_RATE", "department:Machining Workshop", 4.2),
    ]
    ingest(
        [{"kpi": k, "scope": s, "period": "2026-11", "value": v} for k, s, v in rows],
        session=session,
        workspace=kc.workspace,
        source=ReadingSource.API,
    )
    session.commit()


def test_tree_flags_a_sales_split_short_of_the_company_target(
    engine: Engine, session: Session, kc: KpiCompany
) -> None:
    _readings(session, kc)
    tree = say(engine, kc, kc.wei, "/kpi tree MONTHLY_SALES")
    assert "MONTHLY_SALES Monthly sales — cascade for 2026-11" in tree
    assert "target ¥1,000,000 · actual ¥800,000 · warning" in tree
    assert "children's targets add up to ¥750,000, short of this target ¥1,000,000" in tree
    loss = say(engine, kc, kc.wei, "/kpi 分解 LOSS_RATE 2026-11")
    assert "Every child target supports its parent." in loss
    assert "target 4.5% · actual 4.2% · OK" in loss
    # Ana may not see Tao's figures
    assert "420,000" not in say(engine, kc, kc.ana, "/kpi tree MONTHLY_SALES")


def test_the_tree_shows_the_target_in_force_once_a_scope(
    engine: Engine, session: Session, kc: KpiCompany
) -> None:
    """A company target for every period beside the quarter's: the quarter's is in force in
    its months (one Company row, not two), the standing one after it."""
    assert "Target set" in say(engine, kc, kc.wei, "/kpi target LOSS_RATE company 5.5")
    tree = say(engine, kc, kc.wei, "/kpi tree LOSS_RATE 2026-11")
    assert tree.count("Company target") == 1
    assert "Company target 5% ·" in tree
    later = say(engine, kc, kc.wei, "/kpi tree LOSS_RATE 2027-01")
    assert later.count("Company target") == 1
    assert "Company target 5.5% ·" in later


def test_assess_shows_the_arithmetic_and_the_band(
    engine: Engine, session: Session, kc: KpiCompany
) -> None:
    _readings(session, kc)
    own = say(engine, kc, kc.ana, "/kpi assess")
    assert "KPI assessment — Ana Lima, 2026-11" in own
    assert "actual ¥380,000 ÷ target ¥400,000 = 95.0%" in own
    assert "Score: (1×95.0%) / (1) = 95.0%" in own
    assert "Pay band: **partial**" in own or "Pay band: partial" in own
    hao = say(engine, kc, kc.jun, "/kpi assess hao@acme.com 2026-11")
    assert "target 4% ÷ actual 5% = 80.0%" in hao
    assert "no reading (target ¥100,000) = 0%" in hao
    assert "Score: (2×80.0% + 1×0.0%) / (2 + 1) = 53.3%" in hao
    assert "deduction" in hao
    assert "can't see" in say(engine, kc, kc.ana, "/kpi assess hao@acme.com")
    assert "考核" in say(engine, kc, kc.hao, "/kpi 考核")


def test_pay_bands_are_named_in_the_readers_language(
    engine: Engine, session: Session, kc: KpiCompany
) -> None:
    _readings(session, kc)
    own = say(engine, kc, kc.hao, "/kpi 考核 2026年11月")
    assert "绩效档位" in own or "档位" in own
    assert "扣减" in own
    assert "deduction" not in own
    assert "bonus" not in own
    assert "奖励 ≥ 120%" in own


def test_a_perfect_zero_loss_rate_scores_the_cap_and_a_negative_result_is_floored(
    engine: Engine, session: Session, kc: KpiCompany
) -> None:
    ingest(
        [
            {"kpi": "LOSS_RATE", "scope": "person:hao@acme.com", "period": "2026-11", "value": 0},
            {
                "kpi": "MONTHLY_SALES",
                "scope": "person:hao@acme.com",
                "period": "2026-11",
                "value": -133_000,
            },
        ],
        session=session,
        workspace=kc.workspace,
        source=ReadingSource.API,
    )
    session.commit()
    english = say(engine, kc, kc.jun, "/kpi assess hao@acme.com 2026-11")
    assert "actual 0% against target 4%: nothing left to reduce → counts 150.0%" in english
    assert "(capped at 150%)" in english
    assert "= -133.0% → counts 0.0% × weight 1 (a negative result counts 0%)" in english
    assert "capped at 150%) " not in english.split("-133.0%")[1][:80]
    chinese = say(engine, kc, kc.hao, "/kpi 考核 2026年11月")
    assert "已无可再降" in chinese
    assert "（负值按 0% 计）" in chinese


def test_impossible_readings_are_refused_with_the_bounds(
    engine: Engine, session: Session, kc: KpiCompany
) -> None:
    for value in ("-3%", "300%"):
        said = say(engine, kc, kc.jun, f"/kpi record LOSS_RATE {value} 2026-11")
        assert f"“{value.rstrip('%')}” is not a possible LOSS_RATE reading" in said, said
        assert "from 0 to 100" in said
    chinese = say(engine, kc, kc.hao, "/kpi 记录 LOSS_RATE -3% 2026年11月")
    assert "不是可能的 LOSS_RATE 读数：应在 0 到 100 之间" in chinese
    assert "value" not in chinese  # chat names no API field: the reason is enough
    report = ingest(
        [{"kpi": "LOSS_RATE", "scope": "person:hao@acme.com", "period": "2026-11", "value": 1e3}],
        session=session,
        workspace=kc.workspace,
        source=ReadingSource.API,
    )
    assert [r.reason for r in report.rejected] == ["out_of_bounds"]
    assert "is recorded" not in say(engine, kc, kc.hao, "/kpi 记录 LOSS_RATE 4.2% 2026年11月")


def test_an_assessment_of_a_month_not_over_is_provisional(
    engine: Engine, session: Session, kc: KpiCompany
) -> None:
    _readings(session, kc)  # November's readings; the suite's day is in November
    english = say(engine, kc, kc.jun, "/kpi assess hao@acme.com")
    assert "Provisional: 2026-11 is not over yet; MONTHLY_SALES has no reading yet" in english
    finished = say(engine, kc, kc.jun, "/kpi assess hao@acme.com 2026-10")
    assert "Provisional" not in finished
    chinese = say(engine, kc, kc.hao, "/kpi 考核")
    assert "暂定：2026-11 尚未结束" in chinese


def test_a_closed_period_locks_its_readings_and_a_change_tells_the_manager(
    engine: Engine, session: Session, kc: KpiCompany
) -> None:
    _readings(session, kc)
    # An earlier reading changed in an open period: old → new, the manager told, audit-logged.
    changed = say(engine, kc, kc.hao, "/kpi 记录 LOSS_RATE 4.5% 2026年11月")
    assert "这修改了 2026-11 的读数：5% → 4.5%" in changed
    assert any("5% → 4.5%" in m for m in inbox(engine, kc.jun))
    # HR closes November: Hao's change is refused, the API's too, until HR reopens it.
    assert "只有 HR 管理员和管理员" in say(engine, kc, kc.hao, "/kpi 周期 关闭 2026年11月")
    closed = say(engine, kc, kc.wei, "/kpi period close 2026-11")
    assert "Closed 2026-11: its KPI readings can no longer be changed" in closed
    requested = say(engine, kc, kc.hao, "/kpi 记录 LOSS_RATE 3% 2026年11月")
    assert "2026-11 已关闭，你的修改已作为更正申请 #1 提交给 HR" in requested
    assert "LOSS_RATE Hao Wang 4.5% → 3%" in requested
    assert "4.5%" in say(engine, kc, kc.hao, "/kpi show LOSS_RATE")  # unchanged until HR decides
    say(engine, kc, kc.wei, "/kpi correction reject 1")
    report = ingest(
        [{"kpi": "LOSS_RATE", "scope": "person:hao@acme.com", "period": "2026-11", "value": 3}],
        session=session,
        workspace=kc.workspace,
        source=ReadingSource.API,
    )
    assert [r.reason for r in report.rejected] == ["period_closed"]
    assert "Reopened 2026-11" in say(engine, kc, kc.wei, "/kpi period open 2026-11")
    assert "4.5% → 3%" in say(engine, kc, kc.hao, "/kpi 记录 LOSS_RATE 3% 2026年11月")


def _click(engine: Engine, kc: KpiCompany, person: Person, action_id: str, value: str) -> str:
    at(NOW)
    core = Core(engine)
    inbound = Inbound(
        Platform.CONSOLE, kc.workspace.id, person.id, "", action=Action(action_id, value)
    )
    return render_text(core.handle(inbound))


def test_a_change_to_a_closed_period_waits_for_hr_and_is_applied_once(
    engine: Engine, session: Session, kc: KpiCompany
) -> None:
    _readings(session, kc)
    say(engine, kc, kc.wei, "/kpi period close 2026-11")
    # Ana (English) asks to change her closed November sales: HR gets the request with buttons.
    asked = say(engine, kc, kc.ana, "/kpi record MONTHLY_SALES 1.2m 2026-11")
    assert "2026-11 is closed, so your change is a correction request #1 to HR" in asked
    assert "MONTHLY_SALES Ana Lima ¥380,000 → ¥1,200,000" in asked
    assert "until then the reading stays ¥380,000" in asked
    again = say(engine, kc, kc.ana, "/kpi record MONTHLY_SALES 1.2m 2026-11")
    assert "correction request #1" in again  # a repeat files nothing new
    (request,) = [m for m in inbox(engine, kc.wei) if "Correction request #1" in m]
    assert "Ana Lima asks to change the reading of MONTHLY_SALES" in request
    assert "¥380,000 → ¥1,200,000" in request
    assert "[Approve]  [Reject]" in request
    assert "¥1,200,000" not in say(engine, kc, kc.ana, "/kpi assess 2026-11")  # not yet
    # Someone else may not decide; an impossible reading is refused before it reaches HR.
    assert "Only HR admins and admins decide" in say(
        engine, kc, kc.ana, "/kpi correction approve 1"
    )
    refused = say(engine, kc, kc.hao, "/kpi 记录 LOSS_RATE 300% 2026年11月")
    assert "更正申请" not in refused
    # HR approves with the button: written once, Ana told, a second click changes nothing.
    approved = _click(engine, kc, kc.wei, "kpi_correction.approve", "1")
    assert "Approved correction #1: MONTHLY_SALES Ana Lima 2026-11 is now ¥1,200,000" in approved
    assert "was already approved by Wei Zhang" in _click(
        engine, kc, kc.wei, "kpi_correction.reject", "1"
    )
    told = inbox(engine, kc.ana)[-1]
    assert "Wei Zhang approved your correction #1" in told
    assert "¥1,200,000" in say(engine, kc, kc.ana, "/kpi show MONTHLY_SALES")
    audit_log = say(engine, kc, kc.wei, "/hr audit")
    assert "approved a correction of MONTHLY_SALES" in audit_log
    assert "asked HR to correct a closed period's reading of MONTHLY_SALES" in audit_log


def test_a_correction_in_chinese_is_rejected_and_the_reading_stays(
    engine: Engine, session: Session, kc: KpiCompany
) -> None:
    _readings(session, kc)
    say(engine, kc, kc.wei, "/kpi 周期 关闭 2026年11月")
    asked = say(engine, kc, kc.hao, "/kpi 记录 LOSS_RATE 3% 2026年11月")
    assert "你的修改已作为更正申请 #1 提交给 HR：LOSS_RATE Hao Wang 5% → 3%" in asked
    assert "请输入 /kpi 更正 批准 N" in say(engine, kc, kc.hao, "/kpi 更正 批准")
    rejected = say(engine, kc, kc.wei, "/kpi 更正 驳回 1")
    assert "Rejected correction #1: LOSS_RATE Hao Wang 2026-11 stays 5%" in rejected
    assert (
        "Wei Zhang 驳回了你的更正 #1：LOSS_RATE Hao Wang 2026-11 仍为 5%"
        in inbox(engine, kc.hao)[-1]
    )
    assert "只有 HR 管理员和管理员可以审批更正申请" in say(engine, kc, kc.hao, "/kpi 更正 批准 1")
    assert "There is no correction request #9" in say(engine, kc, kc.wei, "/kpi correction ok 9")
    shown = say(engine, kc, kc.hao, "/kpi 查看 LOSS_RATE")
    assert "5%" in shown


def test_a_reading_with_a_plus_adds_to_the_periods_reading(
    engine: Engine, session: Session, kc: KpiCompany
) -> None:
    """`+50k` is more sales on top of this month's so far, not a month of ¥50,000."""
    assert "= ¥300,000" in say(engine, kc, kc.ana, "/kpi record MONTHLY_SALES 300k")
    more = say(engine, kc, kc.ana, "/kpi record MONTHLY_SALES +50k")
    assert "= ¥350,000" in more
    assert "¥300,000 → ¥350,000" in more
    assert "= ¥20,000" in say(engine, kc, kc.tao, "/kpi record MONTHLY_SALES +20k")  # nothing yet
