"""The demo company as plain data: org chart, OKRs with weekly history, KPI targets and readings.

`bot.demo_seed` turns these tables into rows. Order matters: objectives and key results are
numbered in the order they appear here, so Ana's objective comes first and becomes O-1.
"""

from __future__ import annotations

from dataclasses import dataclass

from storage.models import (
    Aggregation,
    Confidence,
    Direction,
    KpiDirection,
    KpiScope,
    Metric,
    ObjectiveStatus,
    OwnerType,
    Role,
    Visibility,
)

WORKSPACE_SLUG = "demo"
COMPANY_NAME = "Acme Precision Manufacturing"
COMPANY_TIMEZONE = "Asia/Shanghai"
# Every date is relative to the day the demo is built for (`bot.demo_calendar`): the quarter
# containing it is the active cycle, the one before is closed and scored, the next is planned.
# Weekly reviews are on Fridays: history[i] of a KR is the check-in of the i-th of the last
# SHOWN_WEEKS Fridays before that day, so the story always stands in its seventh week.
SHOWN_WEEKS = 7
# KPI readings are monthly, each recorded on the 2nd of the next month; the demo shows the last
# READING_MONTHS months recorded by its day.
READING_MONTHS = 7

ANA = DEFAULT_EMAIL = "ana@example.com"
CEO = "jianguo.chen@example.com"
WEI = "wei.zhang@example.com"
JUN = "jun.liu@example.com"
HAO = "hao.wang@example.com"
MEI = "mei.lin@example.com"
FANG = "fang.xu@example.com"
LINA = "li.na@example.com"
TAO = "tao.huang@example.com"
JAMES = "james.carter@example.com"
YAN = "yan.sun@example.com"
KEVIN = "kevin.wu@example.com"
SOFIA = "sofia.costa@example.com"
GRACE = "grace.zhou@example.com"
RUI = "rui.ma@example.com"

ON, RISK, OFF = Confidence.ON_TRACK, Confidence.AT_RISK, Confidence.OFF_TRACK


@dataclass(frozen=True)
class DepartmentSpec:
    name: str
    head: str  # email
    parent: str | None = None


DEPARTMENTS = (
    DepartmentSpec("Production", WEI),
    DepartmentSpec("Machining Workshop", JUN, parent="Production"),
    DepartmentSpec("Sales", LINA),
    DepartmentSpec("R&D", YAN),
    DepartmentSpec("HR", GRACE),
)


@dataclass(frozen=True)
class PersonSpec:
    email: str
    name: str
    title: str
    department: str | None
    manager: str | None  # email
    role: Role = Role.EMPLOYEE
    locale: str = "zh-CN"
    timezone: str = "Asia/Shanghai"


ADMIN, MANAGER, HR_ADMIN = Role.ADMIN, Role.MANAGER, Role.HR_ADMIN
LISBON, NEW_YORK = "Europe/Lisbon", "America/New_York"
PEOPLE = (
    PersonSpec(CEO, "Jianguo Chen 陈建国", "Chief Executive Officer", None, None, ADMIN),
    PersonSpec(WEI, "Wei Zhang 张伟", "Production Director", "Production", CEO, MANAGER),
    PersonSpec(JUN, "Jun Liu 刘军", "Workshop Supervisor", "Machining Workshop", WEI, MANAGER),
    PersonSpec(HAO, "Hao Wang 王浩", "CNC Operator", "Machining Workshop", JUN),
    PersonSpec(MEI, "Mei Lin 林美", "CNC Operator", "Machining Workshop", JUN, locale="en"),
    PersonSpec(FANG, "Fang Xu 徐芳", "Quality Engineer", "Production", WEI, locale="en"),
    PersonSpec(LINA, "Li Na 李娜", "VP Sales", "Sales", CEO, MANAGER, locale="en"),
    PersonSpec(ANA, "Ana Lima", "Account Executive", "Sales", LINA, locale="en", timezone=LISBON),
    PersonSpec(TAO, "Tao Huang 黄涛", "Account Executive", "Sales", LINA),
    PersonSpec(
        JAMES, "James Carter", "Account Executive, North America", "Sales", LINA, locale="en",
        timezone=NEW_YORK,
    ),
    PersonSpec(YAN, "Yan Sun 孙燕", "R&D Director", "R&D", CEO, MANAGER),
    PersonSpec(KEVIN, "Kevin Wu 吴凯", "Process Engineer", "R&D", YAN, locale="en"),
    PersonSpec(
        SOFIA, "Sofia Costa", "Materials Engineer", "R&D", YAN, locale="en", timezone=LISBON
    ),
    PersonSpec(GRACE, "Grace Zhou 周静", "HR Director", "HR", CEO, HR_ADMIN, locale="en"),
    PersonSpec(RUI, "Rui Ma 马睿", "HR Business Partner", "HR", GRACE),
)  # fmt: skip

# (email, what makes them worth trying) for the demo's "try also --as" hint.
# Who else to try the demo as, and why (the catalog key console.role.<key> says it).
TRY_ALSO = (
    (CEO, "ceo"),
    (LINA, "vp_sales"),
    (GRACE, "hr_director"),
    (HAO, "operator"),
)


@dataclass(frozen=True)
class Step:
    """One weekly check-in: the value reported, the owner's confidence and an optional note."""

    value: float
    confidence: Confidence
    note: str | None = None


# How a history is written: a bare value keeps the previous confidence, (value, confidence) or
# (value, confidence, note) changes it or adds a note, and None is a week without a check-in.
Item = float | tuple[float, Confidence] | tuple[float, Confidence, str] | None


def weekly(*items: Item) -> tuple[Step | None, ...]:
    """One slot per weekly review, starting at FIRST_REVIEW; confidence starts on track."""
    confidence = ON
    steps: list[Step | None] = []
    for item in items:
        if item is None:
            steps.append(None)
        elif isinstance(item, tuple):
            confidence = item[1]
            steps.append(Step(item[0], confidence, item[2] if len(item) == 3 else None))
        else:
            steps.append(Step(item, confidence))
    return tuple(steps)


@dataclass(frozen=True)
class KrSpec:
    title: str
    owner: str  # email
    metric: Metric
    start: float
    target: float
    unit: str | None = None
    direction: Direction = Direction.INCREASE
    history: tuple[Step | None, ...] = ()


@dataclass(frozen=True)
class ObjectiveSpec:
    key: str
    title: str
    owner: str  # email: the person, the department head or the CEO
    owner_type: OwnerType = OwnerType.PERSON
    department: str | None = None
    parent: str | None = None
    status: ObjectiveStatus = ObjectiveStatus.APPROVED
    visibility: Visibility = Visibility.PUBLIC
    created: int = -17  # days from the first weekly review (negative: before it)
    description: str | None = None
    key_results: tuple[KrSpec, ...] = ()


_: None = None  # a week without a check-in, so each row of a history lines up by week
M = 1_000_000
N, PCT, CUR = Metric.NUMBER, Metric.PERCENT, Metric.CURRENCY
BOOL, MILE = Metric.BOOLEAN, Metric.MILESTONE
DOWN, DEPT = Direction.DECREASE, OwnerType.DEPARTMENT

OBJECTIVES = (
    ObjectiveSpec(
        "ana", "Win the new-energy vehicle segment", ANA, parent="sales", created=-18,
        description="EV makers re-source brackets and housings for next year; get on their lists.",
        key_results=(
            KrSpec("Sign 5 new EV-maker accounts", ANA, N, 0, 5, "accounts", history=weekly(
                (0, ON, "Kick-off: 12 EV makers on the target list, 4 with open RFQs."), _,
                (1, ON, "Signed Voltline Motors (brake caliper brackets)."), 1,
                (1, RISK, "Huaxin EV wants a second round of samples."),
                (2, RISK, "Northstar Auto signed; Huaxin EV still in legal review."),
                (2, RISK, "Legal review at Huaxin EV is slow."),
            )),
            KrSpec("Grow the pipeline to ¥8,000,000", ANA, CUR, 2 * M, 8 * M, "¥", history=weekly(
                2_100_000, (2_600_000, ON, "Two RFQs from Huaxin EV added."), _, 3_200_000,
                (3_500_000, RISK, "Voltline postponed their next platform; ¥600k pushed out."),
                4_100_000, (4_500_000, RISK, "Growing, but behind pace."),
            )),
            KrSpec("Cut quote turnaround from 5 to 2 days", ANA, N, 5, 2, "days", DOWN, weekly(
                (5, ON, "Baseline: 5 working days from RFQ to quote."), 4.8,
                (4.5, ON, "The new costing template from R&D saves half a day."), _,
                4, 3.8, 3.5,
            )),
        ),
    ),
    ObjectiveSpec(
        "company", "Become the most reliable precision-parts supplier in East Asia", CEO,
        OwnerType.COMPANY,
        key_results=(
            KrSpec("Raise on-time delivery from 92% to 98%", CEO, PCT, 92, 98, "%", history=weekly(
                (92.4, ON, "本季度起点：上月准时交付率 92.4%。"), _, 93.1, _,
                (94.0, ON, "新排产系统上线，效果明显。"), _,
                (95.2, RISK, "热处理外协延误，下个月有风险。"),
            )),
            KrSpec(
                "Cut customer-reported defects from 350 to 150 ppm", CEO, N, 350, 150, "ppm", DOWN,
                weekly(
                    340, _, 310, _, (285, RISK, "两起客诉来自同一批铝件。"), _,
                    (240, ON, "质量门禁生效，客诉下降。"),
                ),
            ),
            KrSpec("Book ¥30,000,000 of revenue", CEO, CUR, 0, 30 * M, "¥", history=weekly(
                2_100_000, _, 6_300_000, _, (10_800_000, ON, "上月收入 ¥9.6M，符合预期。"), _,
                (14_900_000, RISK, "本月前两周订单偏少。"),
            )),
        ),
    ),
    ObjectiveSpec(
        "production", "Zero-defect machining at full capacity", WEI, DEPT,
        department="Production", parent="company",
        key_results=(
            KrSpec("Cut scrap rate from 7% to 5%", WEI, PCT, 7, 5, "%", DOWN, weekly(
                (6.9, ON, "基线：上季度末废品率 7.0%。"), 6.7, 6.5,
                (6.4, RISK, "3 号线刀具磨损导致返工。"), 6.2, (6.05, ON),
                (5.95, ON, "换刀周期调整后明显改善。"),
            )),
            KrSpec("Raise capacity utilisation from 84% to 92%", WEI, PCT, 84, 92, "%",
                history=weekly(
                    84.5, _, 86.0, 87.2, 88.0, (87.6, RISK, "Mazak 5 号机主轴维修两天。"), 88.5,
                ),
            ),
            KrSpec("Roll out 5S audits in all 4 workshops", WEI, MILE, 0, 4, "workshops",
                history=weekly(
                    (0, ON, "5S 审核计划已发布。"), _,
                    (1, ON, "机加工车间通过首轮 5S 审核。"), _, 1,
                    (2, ON, "热处理车间通过审核。"), 2,
                ),
            ),
        ),
    ),
    ObjectiveSpec(
        "sales", "Grow revenue in new-energy and export markets", LINA, DEPT,
        department="Sales", parent="company",
        key_results=(
            KrSpec("Win ¥12,000,000 of new-customer orders", LINA, CUR, 0, 12 * M, "¥",
                history=weekly(
                    800_000, 1_500_000, _, (2_600_000, ON, "First Voltline PO: ¥900k."), 3_100_000,
                    4_200_000, (5_100_000, RISK, "The Huaxin EV order slips to next month."),
                ),
            ),
            KrSpec("Raise quote win rate from 25% to 35%", LINA, PCT, 25, 35, "%", history=weekly(
                25.0, _, 26.5, _, (27.0, RISK, "Losing on price against Ningbo suppliers."), _,
                (28.5, RISK, "Faster quotes are starting to help."),
            )),
        ),
    ),
    ObjectiveSpec(
        "rnd", "Industrialise titanium machining", YAN, DEPT, department="R&D", parent="company",
        key_results=(
            KrSpec("Get PPAP approval for the titanium bracket", YAN, BOOL, 0, 1, history=weekly(
                (0, ON, "PPAP 文件准备中。"), _, 0, _,
                (0, RISK, "客户要求追加 CMM 全尺寸报告。"), _,
                (0, RISK, "报告已提交，等待客户审批。"),
            )),
            KrSpec("Cut TB-200 cycle time from 14 to 10 minutes", KEVIN, N, 14, 10, "min", DOWN,
                history=weekly(
                    (14.0, ON, "Baseline: 14.0 min per part."), 13.6, 13.5, _,
                    (12.9, ON, "Trochoidal roughing on op 20 saves 35 s."),
                    12.6, 12.2,
                ),
            ),
        ),
    ),
    ObjectiveSpec(
        "hr", "Build the skills our growth needs", GRACE, DEPT, department="HR", parent="company",
        key_results=(
            KrSpec("Certify 30 operators on 5-axis CNC", GRACE, N, 0, 30, "operators",
                history=weekly(
                    4, 6, 8, 10, _, (14, ON, "Second training batch passed."), 18,
                ),
            ),
            KrSpec("Bring monthly operator turnover from 3.5% to 2%", RUI, PCT, 3.5, 2, "%", DOWN,
                history=weekly(
                    (3.4, ON, "上季度末离职率 3.4%。"), _, _, _,
                    (3.0, ON, "上月离职率 3.0%，夜班补贴调整有效。"), _, _,
                ),
            ),
        ),
    ),
    ObjectiveSpec(
        "workshop", "Machining Workshop: stable, low-loss output", JUN, DEPT,
        department="Machining Workshop", parent="production",
        key_results=(
            KrSpec("Bring workshop loss rate from 5.2% to 4%", JUN, PCT, 5.2, 4, "%", DOWN, weekly(
                5.0, 4.9, 4.7, (4.6, RISK, "上月损耗率偏高：3 号单元刀具问题。"), 4.6, (4.4, ON),
                (4.3, ON, "刀具寿命管理见效。"),
            )),
            KrSpec("Raise OEE from 68% to 80%", JUN, PCT, 68, 80, "%", history=weekly(
                68.5, 69.0, _, 70.2, 71.0, 72.4, (73.5, RISK, "换型时间仍然太长，等快换托盘。"),
            )),
        ),
    ),
    ObjectiveSpec(
        "hao", "降低 3 号加工单元的废品率", HAO, parent="workshop", created=-15,
        key_results=(
            KrSpec("废品率从 5% 降到 3.5%", HAO, PCT, 5, 3.5, "%", DOWN, weekly(
                (4.8, RISK, "上季度末损耗超标，开始排查刀具。"), 4.6, 4.4,
                (4.3, RISK, "换了新刀柄，效果待观察。"), (4.1, ON), 3.9,
                (3.8, ON, "连续两周低于 4%。"),
            )),
            KrSpec("通过五轴数控操作认证", HAO, BOOL, 0, 1, history=weekly(
                (0, ON, "报名了下个月初的认证考试。"), _, _, _, _, (1, ON, "考试通过！"),
            )),
        ),
    ),
    ObjectiveSpec(
        "mei", "Cut changeover time on cell 5", MEI, parent="workshop", created=-15,
        key_results=(
            KrSpec("Cut average changeover from 45 to 25 minutes", MEI, N, 45, 25, "min", DOWN,
                history=weekly(
                    (45, ON, "Baseline: 45 min."), 44,
                    (42, RISK, "Waiting for the quick-change pallets."),
                    (42, OFF, "Pallets delayed to next month."), 41, 39,
                    (38, OFF, "Pallets arrived; installing next week."),
                ),
            ),
            KrSpec("Train 2 new operators on the Mazak line", MEI, N, 0, 2, "operators",
                history=weekly(
                    0, _, 0, _, (1, ON, "Xiao Chen runs the Mazak on his own now."), _,
                    1,
                ),
            ),
        ),
    ),
    ObjectiveSpec(
        "kevin", "Deliver a production-ready titanium roughing strategy", KEVIN, parent="rnd",
        created=-14,
        key_results=(
            KrSpec("Raise tool life on Ti-6Al-4V from 40 to 90 parts", KEVIN, N, 40, 90, "parts",
                history=weekly(
                    42, 48, 51, (55, ON, "New AlTiN-coated end mills."), 58,
                    (61, RISK, "Chatter at depths over 2 mm."), 65,
                ),
            ),
            KrSpec("Release 3 validated CAM templates", KEVIN, MILE, 0, 3, "templates",
                history=weekly(
                    0, _, (1, ON, "Roughing template released."), _, 1, _,
                    (1, RISK, "Finishing template waits for tool trials."),
                ),
            ),
        ),
    ),
    ObjectiveSpec(
        "kevin-private", "Earn my Six Sigma Green Belt", KEVIN, parent="hr",
        visibility=Visibility.PRIVATE, created=-14,
        key_results=(
            KrSpec("Finish the Green Belt project on spindle downtime", KEVIN, MILE, 0, 5, "phases",
                history=weekly(
                    (1, ON, "Define phase done."), _, _,
                    (2, ON, "Measure phase: six weeks of downtime data."), _, _,
                    (2, RISK, "Analyse phase slipping; busy with titanium trials."),
                ),
            ),
            KrSpec("Pass the Green Belt exam", KEVIN, BOOL, 0, 1, history=weekly(
                _, _, _, _, _, _, _,
            )),
        ),
    ),
    ObjectiveSpec(
        "sofia", "Qualify a lower-cost aluminium alloy", SOFIA, parent="rnd",
        created=-11,
        key_results=(
            KrSpec("Complete fatigue tests on 3 candidate alloys", SOFIA, MILE, 0, 3, "alloys",
                history=weekly(
                    0, _, (1, ON, "6082-T6 passed 10 million cycles."), _, 1, _,
                    (2, ON, "Second candidate passed; third samples are at the lab."),
                ),
            ),
            KrSpec("Cut material cost of the AL-7 housing by 12%", SOFIA, PCT, 0, 12, "%",
                history=weekly(
                    0, _, 3.5, _, 5.0, _, (7.5, ON, "The new alloy is quoted 7.5% lower."),
                ),
            ),
        ),
    ),
    ObjectiveSpec(
        "fang", "Stop defects before they reach customers", FANG, parent="production",
        created=-11,
        key_results=(
            KrSpec("Put automated CMM checks on 6 critical parts", FANG, N, 0, 6, "parts",
                history=weekly(
                    0, 1, _, 2, 3, _, (4, ON, "CMM programs for the caliper bracket validated."),
                ),
            ),
            KrSpec("Cut first-article inspection from 3 h to 1.5 h", FANG, N, 3, 1.5, "h", DOWN,
                weekly(
                    3.0, _, 2.8, _, (2.5, RISK, "The fixture for the housing is late."), _,
                    (2.2, ON),
                ),
            ),
        ),
    ),
    ObjectiveSpec(
        "rui", "缩短新操作工的上岗培训周期", RUI, parent="hr", created=-10,
        key_results=(
            KrSpec("上岗培训从 15 天缩短到 10 天", RUI, N, 15, 10, "天", DOWN, weekly(
                (15, ON, "基线 15 天。"), _, 14, _, (13, ON, "新的带教手册已发布。"), _,
                (12.5, RISK, "夜班带教人手不足。"),
            )),
            KrSpec("新员工 30 天满意度达到 90%", RUI, PCT, 75, 90, "%", history=weekly(
                76, _, _, _, 81, _, _,
            )),
        ),
    ),
    ObjectiveSpec(
        "tao", "拓展华南地区新能源汽车零部件客户", TAO, parent="sales",
        status=ObjectiveStatus.PENDING, created=41,
        key_results=(
            KrSpec("新签 3 家一级供应商客户", TAO, N, 0, 3, "家"),
            KrSpec("华南季度订单达到 ¥3,000,000", TAO, CUR, 0, 3 * M, "¥"),
        ),
    ),
    ObjectiveSpec(
        "james", "Open the North American aerospace channel", JAMES, parent="sales",
        status=ObjectiveStatus.DRAFT, created=42,
        key_results=(
            KrSpec(
                "Hold 10 qualified meetings with Tier-1 aerospace buyers", JAMES, N, 0, 10,
                "meetings",
            ),
            KrSpec("Get on 1 approved-supplier list", JAMES, BOOL, 0, 1),
        ),
    ),
)  # fmt: skip


# The previous quarter: closed, every KR scored by its owner and manager, with a review (复盘).
# Histories run over the whole quarter, one slot per Friday of it.
PAST_OBJECTIVES = (
    ObjectiveSpec(
        "company-past", "Ship every order on time, every time", CEO, OwnerType.COMPANY,
        key_results=(
            KrSpec("Raise on-time delivery from 90% to 92%", CEO, PCT, 90, 92, "%", history=weekly(
                (90.2, ON, "基线 90.2%。"), _, 90.6, _, 91.0, _, (91.2, RISK, "两批外协件延误。"),
                _, 91.8, _, 92.1, (92.4, ON, "达成目标。"),
            )),
        ),
    ),
    ObjectiveSpec(
        "ana-past", "Open doors at the EV makers", ANA, parent="company-past",
        key_results=(
            KrSpec("Qualify as a supplier with 3 EV makers", ANA, N, 0, 3, "EV makers",
                history=weekly(
                    0, _, (1, ON, "Voltline approved our quality audit."), _, 1, _,
                    (1, RISK, "Northstar wants a second plant visit."), _,
                    (2, ON, "Northstar approved us."), _, 2,
                    (2, RISK, "Huaxin slips to next quarter."),
                ),
            ),
            KrSpec("Send 12 quotes to EV makers", ANA, N, 0, 12, "quotes", history=weekly(
                1, 2, 3, _, 5, 6, (7, ON, "Quote template from R&D helps."), 8, 9, 10, 11,
                (12, ON, "Twelve quotes out."),
            )),
        ),
    ),
    ObjectiveSpec(
        "hao-past", "掌握刀具寿命管理方法", HAO, parent="company-past",
        key_results=(
            KrSpec("刀具寿命记录覆盖率从 40% 提到 100%", HAO, PCT, 40, 100, "%", history=weekly(
                (45, ON, "开始记录 3 号单元的刀具寿命。"), 52, 60, _, 68, 74, 80,
                (82, RISK, "夜班记录不全。"), 85, 88, _, (90, ON, "夜班补齐了记录表。"),
            )),
        ),
    ),
)  # fmt: skip


@dataclass(frozen=True)
class PastReview:
    """How an owner and their manager scored a past objective's KRs (in order), and its review."""

    objective: str  # key in PAST_OBJECTIVES
    scores: tuple[tuple[float, float], ...]  # (owner, manager) per KR
    worked: str
    did_not: str
    next_steps: str
    manager_comment: str


PAST_REVIEWS = (
    PastReview(
        "ana-past", ((0.7, 0.6), (1.0, 1.0)),
        worked="Fast quotes: the R&D costing template cut a day from every one.",
        did_not="Huaxin EV's audit slipped; we started the paperwork too late.",
        next_steps="Sign the qualified EV makers as accounts this quarter.",
        manager_comment="Good quarter. Start audits earlier next time.",
    ),
    PastReview(
        "hao-past", ((0.8, 0.8),),
        worked="刀具寿命记录表简单，白班很快用起来了。",
        did_not="夜班一开始没有人负责记录。",
        next_steps="用记录的数据降低 3 号单元的废品率。",
        manager_comment="进步明显，下季度把数据用起来。",
    ),
)  # fmt: skip


@dataclass(frozen=True)
class KpiSpec:
    code: str
    name: str
    name_zh: str
    unit: str
    direction: KpiDirection
    aggregation: Aggregation
    owner: str  # email


KPIS = (
    KpiSpec(
        "LOSS_RATE", "Loss rate", "损耗率", "%", KpiDirection.LOWER_IS_BETTER, Aggregation.AVG, WEI
    ),
    KpiSpec(
        "CAPACITY_UTIL", "Capacity utilisation", "产能利用率", "%",
        KpiDirection.HIGHER_IS_BETTER, Aggregation.AVG, WEI,
    ),
    KpiSpec(
        "MONTHLY_SALES", "Monthly sales", "月销售额", "¥", KpiDirection.HIGHER_IS_BETTER,
        Aggregation.SUM, LINA,
    ),
)  # fmt: skip


@dataclass(frozen=True)
class TargetSpec:
    """A yearly target of one scope, with its last READING_MONTHS monthly readings, oldest
    first (the demo sets it for each year those months touch)."""

    key: str
    kpi: str
    scope: KpiScope
    target: float
    warning: float
    critical: float
    recorded_by: str  # email
    readings: tuple[float, ...]
    department: str | None = None
    person: str | None = None
    parent: str | None = None


_ANA_SALES = (380_000, 455_000, 310_000, 470_000, 352_000, 430_000, 515_000)
_TAO_SALES = (335_000, 362_000, 340_000, 388_000, 371_000, 355_000, 402_000)
_JAMES_SALES = (205_000, 262_000, 231_000, 284_000, 176_000, 248_000, 331_000)
_SALES = tuple(float(sum(m)) for m in zip(_ANA_SALES, _TAO_SALES, _JAMES_SALES, strict=True))
COMPANY, DEPARTMENT, PERSON = KpiScope.COMPANY, KpiScope.DEPARTMENT, KpiScope.PERSON

# Parents come before their children.
TARGETS = (
    TargetSpec("loss", "LOSS_RATE", COMPANY, 5, 5, 6, WEI, (5.3, 5.1, 5.0, 4.8, 4.9, 4.6, 4.5)),
    TargetSpec(
        "loss-workshop", "LOSS_RATE", DEPARTMENT, 4.5, 4.5, 5.5, JUN,
        (4.6, 4.4, 4.5, 4.3, 4.6, 4.2, 4.0), department="Machining Workshop", parent="loss",
    ),
    TargetSpec(
        "loss-hao", "LOSS_RATE", PERSON, 4, 4, 5, JUN, (3.6, 3.7, 3.5, 3.9, 3.6, 3.8, 4.5),
        person="hao.wang@example.com", parent="loss-workshop",
    ),
    TargetSpec(
        "loss-mei", "LOSS_RATE", PERSON, 4, 4, 5, JUN, (3.4, 3.3, 3.5, 3.2, 3.4, 3.1, 3.0),
        person="mei.lin@example.com", parent="loss-workshop",
    ),
    TargetSpec(
        "capacity", "CAPACITY_UTIL", COMPANY, 90, 90, 85, WEI,
        (86.0, 87.5, 88.9, 90.6, 91.2, 89.4, 92.1),
    ),
    TargetSpec(
        "capacity-production", "CAPACITY_UTIL", DEPARTMENT, 90, 90, 85, WEI,
        (85.2, 87.1, 89.0, 91.3, 91.8, 88.6, 92.5), department="Production", parent="capacity",
    ),
    TargetSpec("sales", "MONTHLY_SALES", COMPANY, 1_000_000, 900_000, 750_000, LINA, _SALES),
    TargetSpec(
        "sales-dept", "MONTHLY_SALES", DEPARTMENT, 1_000_000, 900_000, 750_000, LINA, _SALES,
        department="Sales", parent="sales",
    ),
    TargetSpec(
        "sales-ana", "MONTHLY_SALES", PERSON, 400_000, 360_000, 300_000, LINA, _ANA_SALES,
        person=ANA, parent="sales-dept",
    ),
    TargetSpec(
        "sales-tao", "MONTHLY_SALES", PERSON, 350_000, 315_000, 262_500, LINA, _TAO_SALES,
        person="tao.huang@example.com", parent="sales-dept",
    ),
    TargetSpec(
        "sales-james", "MONTHLY_SALES", PERSON, 250_000, 225_000, 187_500, LINA, _JAMES_SALES,
        person="james.carter@example.com", parent="sales-dept",
    ),
)  # fmt: skip

# Readings of these targets go through the alert check as each month's reading is recorded, so
# Hao's latest loss rate (4.5% against a 4% warning line) raises a real alert to him and Jun Liu,
# open on whatever day the demo is built for. The other targets' history is stored quietly: the
# demo opens on one alert, not on every month-old dip in the tables above.
ALERTED_TARGETS = ("loss-hao",)
