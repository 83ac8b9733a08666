"""The demo company: numbering, idempotence, alignment, history and the KPI cascade — and every
story the greeting promises, on any day (a quarter's first and last day, a leap day, a year end)."""

from __future__ import annotations

from datetime import date, datetime, timedelta
from pathlib import Path

import pytest
import sqlalchemy as sa
from sqlmodel import Session, SQLModel, col, select

from bot.demo_calendar import DemoCalendar
from bot.demo_seed import DemoCompany, seed_demo
from digests.message import Actions, Form, Message
from storage.db import make_engine
from storage.models import (
    AlertState,
    ApprovalRequest,
    ApprovalStatus,
    CheckIn,
    Cycle,
    CycleState,
    Department,
    Direction,
    KeyResult,
    KeyResultScore,
    KpiAlert,
    KpiReading,
    KpiScope,
    Metric,
    Objective,
    ObjectiveReview,
    ObjectiveStatus,
    OutboxMessage,
    OutboxStatus,
    OwnerType,
    Person,
    Visibility,
)
from storage.progress import KrNumbers, percent, progress
from storage.repos import kpis, okrs, people
from storage.types import UTCDateTime

TODAY = date(2026, 11, 23)
# A quarter's first and last day, a Friday, a leap day, a year's last day, a mid-year day.
DAYS = [
    date(2027, 1, 1),
    date(2026, 12, 31),
    date(2027, 2, 15),
    date(2027, 4, 2),
    date(2028, 2, 29),
    date(2028, 6, 30),
    date(2027, 12, 31),
]


def seed(session: Session, today: date = TODAY) -> DemoCompany:
    company = seed_demo(session=session, today=today)
    session.commit()
    return company


def row_counts(session: Session) -> dict[str, int]:
    return {
        table.name: session.execute(sa.select(sa.func.count()).select_from(table)).scalar_one()
        for table in SQLModel.metadata.sorted_tables
    }


def kr_percent(kr: KeyResult) -> float:
    numbers = KrNumbers(kr.metric, kr.start_value, kr.target_value, kr.current_value, kr.direction)
    return percent(progress(numbers))


def by_email(session: Session, company: DemoCompany, email: str) -> Person:
    person = people.get_by_email(session=session, workspace_id=company.workspace_id, email=email)
    assert person is not None
    return person


def test_ana_owns_o1_with_kr1_and_kr2(session: Session) -> None:
    company = seed(session)
    ws = company.workspace_id
    ana = by_email(session, company, company.default_email)
    assert (ana.name, ana.locale, ana.timezone) == ("Ana Lima", "en", "Europe/Lisbon")
    o1 = okrs.objective_by_number(session=session, workspace_id=ws, number=1)
    assert o1 is not None
    assert (o1.owner_type, o1.owner_person_id) == (OwnerType.PERSON, ana.id)
    for number in (1, 2):
        kr = okrs.key_result_by_number(session=session, workspace_id=ws, number=number)
        assert kr is not None
        assert (kr.objective_id, kr.owner_id) == (o1.id, ana.id)
    kr1 = okrs.key_result_by_number(session=session, workspace_id=ws, number=1)
    kr2 = okrs.key_result_by_number(session=session, workspace_id=ws, number=2)
    assert kr1 is not None
    assert kr2 is not None
    assert (kr1.metric, kr1.start_value, kr1.target_value, kr1.current_value) == (
        Metric.NUMBER,
        0,
        5,
        2,
    )
    assert (kr2.metric, kr2.unit, kr2.target_value) == (Metric.CURRENCY, "¥", 8_000_000)
    manager = session.get(Person, ana.manager_id)
    sales = session.get(Department, ana.department_id)
    assert manager is not None
    assert sales is not None
    assert sales.head_person_id == manager.id


def test_seeding_again_changes_nothing(session: Session) -> None:
    first = seed(session)
    before = row_counts(session)
    again = seed(session, TODAY + timedelta(days=40))
    assert row_counts(session) == before
    assert (first.created, again.created) == (True, False)
    assert again.workspace_id == first.workspace_id
    assert before["person"] >= 12
    assert before["check_in"] > 100


def test_try_also_people_exist(session: Session) -> None:
    company = seed(session)
    for entry in company.try_also:
        assert by_email(session, company, entry.email).name == entry.name


def test_every_personal_objective_reaches_the_company_objective(session: Session) -> None:
    company = seed(session)
    cycle = okrs.cycle_by_name(session=session, workspace_id=company.workspace_id, name="2026-Q4")
    assert cycle is not None
    objectives = {
        o.id: o for o in session.exec(select(Objective).where(Objective.cycle_id == cycle.id))
    }
    personal = [o for o in objectives.values() if o.owner_type is OwnerType.PERSON]
    assert len(personal) >= 5
    for objective in personal:
        current = objective
        while current.parent_id is not None:
            current = objectives[current.parent_id]
        assert current.owner_type is OwnerType.COMPANY, objective.title
    statuses = {o.status for o in objectives.values()}
    assert {ObjectiveStatus.APPROVED, ObjectiveStatus.PENDING, ObjectiveStatus.DRAFT} <= statuses
    assert Visibility.PRIVATE in {o.visibility for o in objectives.values()}


def test_current_values_follow_the_last_check_in(session: Session) -> None:
    company = seed(session)
    ws = company.workspace_id
    kr1 = okrs.key_result_by_number(session=session, workspace_id=ws, number=1)
    assert kr1 is not None
    history = okrs.check_ins(session=session, workspace_id=ws, key_result_id=kr1.id)
    assert len(history) >= 5
    assert kr1.current_value == history[-1].value
    assert kr1.confidence == history[-1].confidence
    for kr in session.exec(select(KeyResult).where(KeyResult.workspace_id == ws)):
        rows = okrs.check_ins(session=session, workspace_id=ws, key_result_id=kr.id)
        assert kr.current_value == (rows[-1].value if rows else kr.start_value)
        values = [kr.start_value] + [r.value for r in rows]
        assert [r.previous_value for r in rows] == values[:-1]
        assert all(r.created_at.date() < TODAY for r in rows)


def test_a_decrease_kr_stands_at_52_5_percent(session: Session) -> None:
    company = seed(session)
    decreasing = list(
        session.exec(
            select(KeyResult).where(
                KeyResult.workspace_id == company.workspace_id,
                KeyResult.direction == Direction.DECREASE,
            )
        )
    )
    scrap = [kr for kr in decreasing if kr_percent(kr) == 52.5]
    assert [(kr.metric, kr.start_value, kr.target_value, kr.current_value) for kr in scrap] == [
        (Metric.PERCENT, 7, 5, 5.95)
    ]


def test_loss_rate_cascades_company_workshop_operators(session: Session) -> None:
    company = seed(session)
    ws = company.workspace_id
    loss = kpis.by_code(session=session, workspace_id=ws, code="LOSS_RATE")
    assert loss is not None
    assert (loss.name_zh, loss.unit, loss.aggregation.value) == ("损耗率", "%", "avg")
    targets = kpis.targets(session=session, workspace_id=ws, kpi_id=loss.id)
    top = [t for t in targets if t.parent_id is None]
    assert [(t.scope, t.target, t.warning, t.critical, t.period) for t in top] == [
        (KpiScope.COMPANY, 5, 5, 6, "2026")
    ]
    workshop = [t for t in targets if t.parent_id == top[0].id]
    assert [(t.scope, t.target, t.warning, t.critical) for t in workshop] == [
        (KpiScope.DEPARTMENT, 4.5, 4.5, 5.5)
    ]
    department = session.get(Department, workshop[0].department_id)
    assert department is not None
    assert department.name == "Machining Workshop"
    assert department.parent_id is not None
    operators = [t for t in targets if t.parent_id == workshop[0].id]
    assert len(operators) == 2
    assert {(t.scope, t.target, t.warning, t.critical) for t in operators} == {
        (KpiScope.PERSON, 4, 4, 5)
    }
    for target in [*top, *workshop, *operators]:
        readings = kpis.readings_for_scope(
            session=session,
            workspace_id=ws,
            kpi_id=loss.id,
            scope=target.scope,
            department_id=target.department_id,
            person_id=target.person_id,
        )
        assert [r.period for r in readings][:2] == ["2026-10", "2026-09"]


def test_a_year_boundary_gives_each_year_its_own_targets(session: Session) -> None:
    company = seed(session, date(2027, 2, 15))
    loss = kpis.by_code(session=session, workspace_id=company.workspace_id, code="LOSS_RATE")
    assert loss is not None
    targets = kpis.targets(session=session, workspace_id=company.workspace_id, kpi_id=loss.id)
    roots = sorted(t.period for t in targets if t.parent_id is None)
    assert roots == ["2026", "2027"]
    by_id = {t.id: t for t in targets}
    assert all(by_id[t.parent_id].period == t.period for t in targets if t.parent_id)


def test_sales_targets_split_across_three_reps(session: Session) -> None:
    company = seed(session)
    ws = company.workspace_id
    sales = kpis.by_code(session=session, workspace_id=ws, code="MONTHLY_SALES")
    assert sales is not None
    reps = [
        t
        for t in kpis.targets(session=session, workspace_id=ws, kpi_id=sales.id)
        if t.scope is KpiScope.PERSON
    ]
    assert sum(t.target for t in reps) == 1_000_000
    assert by_email(session, company, "ana@example.com").id in {t.person_id for t in reps}


def test_every_timestamp_is_aware_utc(session: Session) -> None:
    seed(session)
    checked = 0
    for table in SQLModel.metadata.sorted_tables:
        for column in table.columns:
            if isinstance(column.type, UTCDateTime):
                for value in session.execute(sa.select(column)).scalars():
                    if value is None and column.nullable:  # not happened yet (a decision)
                        continue
                    assert isinstance(value, datetime)
                    assert value.utcoffset() == timedelta(0), (table.name, column.name)
                    checked += 1
    assert checked > 200


def _seed_fresh(path: Path, today: date) -> list[tuple[object, ...]]:
    """Seed a new SQLite file; the check-ins as (KR id, value, time, note)."""
    engine = make_engine(f"sqlite:///{path}")
    SQLModel.metadata.create_all(engine)
    try:
        with Session(engine) as session:
            seed(session, today)
            rows = session.exec(select(CheckIn).order_by(col(CheckIn.id))).all()
            return [(c.key_result_id, c.value, c.created_at, c.note) for c in rows]
    finally:
        engine.dispose()


@pytest.mark.parametrize("today", [date(2026, 1, 1), date(2027, 6, 30), date(2028, 2, 29)])
def test_a_day_seeds_the_same_way_twice(tmp_path: Path, today: date) -> None:
    first = _seed_fresh(tmp_path / "first.db", today)
    assert first == _seed_fresh(tmp_path / "second.db", today)


def test_objectives_are_numbered_in_creation_order_within_a_cycle(session: Session) -> None:
    company = seed(session)
    objectives = list(
        session.exec(
            select(Objective)
            .where(Objective.workspace_id == company.workspace_id)
            .order_by(col(Objective.number))
        )
    )
    assert [o.number for o in objectives] == list(range(1, len(objectives) + 1))
    for cycle_id in {o.cycle_id for o in objectives}:
        created = [o.created_at for o in objectives if o.cycle_id == cycle_id]
        assert created == sorted(created)
    numbers = session.exec(select(KeyResult.number).order_by(col(KeyResult.id))).all()
    assert list(numbers) == list(range(1, len(numbers) + 1))


def _outbox(session: Session, workspace_id: int, kind: str) -> list[OutboxMessage]:
    query = select(OutboxMessage).where(
        OutboxMessage.workspace_id == workspace_id, OutboxMessage.kind == kind
    )
    return list(session.exec(query.order_by(col(OutboxMessage.id))))


def _buttons(row: OutboxMessage) -> list[str]:
    message = Message.model_validate_json(row.payload)
    return [
        button.label
        for block in message.blocks
        if isinstance(block, Actions | Form)
        for button in block.buttons
    ]


@pytest.mark.parametrize("today", DAYS)
def test_the_cycles_are_the_quarters_around_the_day(session: Session, today: date) -> None:
    company = seed(session, today)
    cycles = session.exec(
        select(Cycle).where(Cycle.workspace_id == company.workspace_id).order_by(Cycle.start_date)
    ).all()
    calendar = DemoCalendar(today)
    assert [(c.name, c.state) for c in cycles] == [
        (calendar.previous.name, CycleState.CLOSED),
        (calendar.current.name, CycleState.ACTIVE),
        (calendar.next.name, CycleState.PLANNING),
    ]
    assert cycles[1].start_date <= today <= cycles[1].end_date
    assert cycles[0].end_date + timedelta(days=1) == cycles[1].start_date
    assert company.reviewed_cycle == calendar.previous.name


@pytest.mark.parametrize("today", DAYS)
def test_ana_has_weeks_of_check_ins_and_her_suggested_update_moves_kr1(
    session: Session, today: date
) -> None:
    company = seed(session, today)
    ws = company.workspace_id
    kr1 = okrs.key_result_by_number(session=session, workspace_id=ws, number=1)
    assert kr1 is not None
    assert (kr1.current_value, kr1.target_value) == (2, 5)  # the greeting suggests 3
    history = okrs.check_ins(session=session, workspace_id=ws, key_result_id=kr1.id)
    assert len(history) >= 5
    assert all(c.created_at.date() < today for c in history)
    assert today - history[-1].created_at.date() <= timedelta(days=8)
    check_ins = session.exec(select(CheckIn).where(CheckIn.workspace_id == ws)).all()
    assert len({c.created_at.date() for c in check_ins}) >= 5 * 2  # weeks × people's zones


@pytest.mark.parametrize("today", DAYS)
def test_o15_waits_for_li_na_with_her_request_queued(session: Session, today: date) -> None:
    company = seed(session, today)
    seed(session, today)
    ws = company.workspace_id
    o15 = okrs.objective_by_number(session=session, workspace_id=ws, number=15)
    tao = by_email(session, company, "tao.huang@example.com")
    li_na = by_email(session, company, "li.na@example.com")
    assert o15 is not None
    assert (o15.status, o15.owner_person_id) == (ObjectiveStatus.PENDING, tao.id)
    assert o15.created_at.date() < today
    requests = list(session.exec(select(ApprovalRequest).where(ApprovalRequest.workspace_id == ws)))
    assert [(r.objective_id, r.requester_id, r.approver_id, r.status) for r in requests] == [
        (o15.id, tao.id, li_na.id, ApprovalStatus.PENDING)
    ]
    assert requests[0].created_at == o15.created_at
    queued = _outbox(session, ws, "approval_request")
    assert [(m.person_id, m.dedupe_key, m.status) for m in queued] == [
        (li_na.id, f"approval:{requests[0].id}:request", OutboxStatus.PENDING)
    ]
    assert queued[0].due_at == o15.created_at
    assert "O-15" in queued[0].payload
    assert _buttons(queued[0]) == ["Approve", "Request changes", "Reject"]


@pytest.mark.parametrize("today", DAYS)
def test_hao_loss_rate_is_over_the_warning_line_now(session: Session, today: date) -> None:
    company = seed(session, today)
    seed(session, today)
    ws = company.workspace_id
    hao = by_email(session, company, "hao.wang@example.com")
    jun = by_email(session, company, "jun.liu@example.com")
    loss = kpis.by_code(session=session, workspace_id=ws, code="LOSS_RATE")
    assert loss is not None
    latest_month = DemoCalendar(today).reading_months()[-1]
    period = f"{latest_month[0]}-{latest_month[1]:02d}"
    alerts = list(session.exec(select(KpiAlert).where(KpiAlert.workspace_id == ws)))
    assert [
        (a.kpi_id, a.scope, a.person_id, a.owner_id, a.level, a.period, a.value, a.threshold)
        for a in alerts
    ] == [(loss.id, KpiScope.PERSON, hao.id, hao.id, "warning", period, 4.5, 4)]
    assert alerts[0].state is AlertState.OPEN
    readings = kpis.readings_for_scope(
        session=session,
        workspace_id=ws,
        kpi_id=loss.id,
        scope=KpiScope.PERSON,
        department_id=None,
        person_id=hao.id,
    )
    assert readings[0].period == period  # the newest reading is the one over the line
    assert readings[0].created_at.date() <= today
    reading = session.get(KpiReading, alerts[0].reading_id)
    assert reading is not None
    assert alerts[0].created_at == reading.created_at
    queued = _outbox(session, ws, "kpi_alert")
    assert [(m.person_id, m.status) for m in queued] == [
        (hao.id, OutboxStatus.PENDING),
        (jun.id, OutboxStatus.PENDING),
    ]
    assert _buttons(queued[0]) == ["确认", "指派"]  # Hao and Jun read Chinese
    assert _buttons(queued[1]) == ["确认", "指派", "发送反馈"]  # the manager may send feedback


@pytest.mark.parametrize("today", DAYS)
def test_the_past_quarter_is_scored_and_reviewed(session: Session, today: date) -> None:
    company = seed(session, today)
    ws = company.workspace_id
    past = okrs.cycle_by_name(
        session=session, workspace_id=ws, name=DemoCalendar(today).previous.name
    )
    assert past is not None
    objectives = session.exec(select(Objective).where(Objective.cycle_id == past.id)).all()
    assert len(objectives) >= 3
    krs = session.exec(
        select(KeyResult).where(col(KeyResult.objective_id).in_([o.id for o in objectives]))
    ).all()
    for kr in krs:
        history = okrs.check_ins(session=session, workspace_id=ws, key_result_id=kr.id)
        assert len(history) >= 6
        assert all(past.start_date <= c.created_at.date() <= past.end_date for c in history)
    scores = session.exec(
        select(KeyResultScore).where(col(KeyResultScore.key_result_id).in_([k.id for k in krs]))
    ).all()
    assert len(scores) >= 3
    assert all(s.owner_score is not None and s.manager_score is not None for s in scores)
    reviews = session.exec(select(ObjectiveReview).where(ObjectiveReview.workspace_id == ws)).all()
    assert len(reviews) == 2
    assert all(r.worked and r.manager_comment for r in reviews)
