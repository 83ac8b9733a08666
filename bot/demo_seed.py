"""The demo company: people, OKRs with weeks of check-ins and cascaded KPIs in workspace `demo`.

Seeding is idempotent (a workspace that already has people is returned as it is) and
deterministic: the rows depend only on `today`, around which every date is laid out
(`bot.demo_calendar`), so the demo tells the same stories on any day. The company itself is
described in `bot.demo_data`.
"""

from __future__ import annotations

import random
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import UTC, date, datetime, time, timedelta
from typing import TypeVar
from zoneinfo import ZoneInfo

from sqlmodel import Session, SQLModel, col, select

from bot import demo_data as data
from bot import demo_events
from bot.demo_calendar import DemoCalendar, recorded_on
from storage.models import (
    CheckIn,
    CheckInSource,
    Confidence,
    Cycle,
    CycleState,
    Department,
    Frequency,
    KeyResult,
    KeyResultScore,
    KpiDefinition,
    KpiReading,
    KpiTarget,
    Objective,
    ObjectiveReview,
    ObjectiveStatus,
    Person,
    Platform,
    ReadingSource,
    Workspace,
)
from storage.repos import audit, okrs, workspaces

SEED = 20261001
_Row = TypeVar("_Row", bound=SQLModel)


@dataclass(frozen=True)
class DemoPerson:
    """Someone worth chatting as, for the demo's "try also --as" hint."""

    email: str
    name: str
    role: str


@dataclass(frozen=True)
class DemoCompany:
    """Where the demo company lives and whom to chat as."""

    workspace_id: int
    default_email: str
    try_also: tuple[DemoPerson, ...]
    created: bool = False  # True when this call seeded it
    reviewed_cycle: str | None = None  # the closed quarter whose review (复盘) is to look at


def seed_demo(*, session: Session, today: date) -> DemoCompany:
    """Create the demo company in the caller's transaction, or return it when already there."""
    workspace = workspaces.get_by_slug(session=session, slug=data.WORKSPACE_SLUG)
    if workspace is not None and workspace.id is not None and _has_people(session, workspace.id):
        return _company(session, workspace.id, created=False)
    workspace_id = _Seeder(session=session, today=today).run(workspace)
    return _company(session, workspace_id, created=True)


def _has_people(session: Session, workspace_id: int) -> bool:
    query = select(Person.id).where(Person.workspace_id == workspace_id).limit(1)
    return session.exec(query).first() is not None


def _company(session: Session, workspace_id: int, *, created: bool) -> DemoCompany:
    names = {p.email: p.name for p in data.PEOPLE}
    try_also = tuple(DemoPerson(email, names[email], role) for email, role in data.TRY_ALSO)
    closed = session.exec(
        select(Cycle.name)
        .where(Cycle.workspace_id == workspace_id, Cycle.state == CycleState.CLOSED)
        .order_by(col(Cycle.end_date).desc())
    ).first()
    return DemoCompany(workspace_id, data.DEFAULT_EMAIL, try_also, created, closed)


def _local(day: date, hour: int, minute: int, timezone: str) -> datetime:
    """A wall-clock time somewhere, as an aware UTC datetime."""
    return datetime.combine(day, time(hour, minute), tzinfo=ZoneInfo(timezone)).astimezone(UTC)


class _Seeder:
    """Builds the rows level by level, flushing only where later rows need ids."""

    def __init__(self, *, session: Session, today: date) -> None:
        self.session = session
        self.today = today
        self.calendar = DemoCalendar(today)
        self.rng = random.Random(SEED)
        # Anything planned for after today is dated at the start of today instead.
        self.latest = _local(today, 0, 0, data.COMPANY_TIMEZONE)
        self.workspace_id = 0
        self.workspace: Workspace | None = None
        self.people: dict[str, Person] = {}
        self.departments: dict[str, Department] = {}
        self.cycles: dict[str, Cycle] = {}

    def run(self, workspace: Workspace | None) -> int:
        """Seed everything into `workspace` (created when None); returns its id."""
        self._workspace(workspace)
        self._org()
        self._okrs()
        self._past_okrs()
        self._kpis()
        self.session.flush()
        return self.workspace_id

    def _at(self, day: date, hour: int, minutes: int = 0) -> datetime:
        """A company-time moment, moved back to today when it lies in the future."""
        moment = _local(day, hour, 0, data.COMPANY_TIMEZONE) + timedelta(minutes=minutes)
        return min(moment, self.latest)

    def _id(self, email: str) -> int:
        person_id = self.people[email].id
        assert person_id is not None
        return person_id

    def _department_id(self, name: str | None) -> int | None:
        return None if name is None else self.departments[name].id

    def _add(self, rows: Iterable[SQLModel]) -> None:
        self.session.add_all(rows)
        self.session.flush()

    def _existing(self, model: type[_Row]) -> list[_Row]:
        """Rows of a model already in the workspace (app.yaml may have added cycles and KPIs)."""
        query = select(model).where(model.workspace_id == self.workspace_id)  # type: ignore[attr-defined]
        return list(self.session.exec(query))

    def _workspace(self, workspace: Workspace | None) -> None:
        if workspace is None:
            workspace = Workspace(
                slug=data.WORKSPACE_SLUG,
                name=data.COMPANY_NAME,
                platform=Platform.CONSOLE,
                external_id=data.WORKSPACE_SLUG,
                timezone=data.COMPANY_TIMEZONE,
                language="en",
                created_at=self._at(self.calendar.founded, 9),
            )
            self._add([workspace])
        assert workspace.id is not None
        self.workspace, self.workspace_id = workspace, workspace.id
        self.cycles = {c.name: c for c in self._existing(Cycle)}
        calendar = self.calendar
        for window, state in (
            (calendar.previous, CycleState.CLOSED),
            (calendar.current, CycleState.ACTIVE),
            (calendar.next, CycleState.PLANNING),
        ):
            cycle = self.cycles.get(window.name) or Cycle(
                workspace_id=self.workspace_id,
                name=window.name,
                start_date=window.start,
                end_date=window.end,
            )
            cycle.state = state
            self.cycles[window.name] = cycle
        self.session.add_all(self.cycles.values())

    def _org(self) -> None:
        existing = {d.name: d for d in self._existing(Department)}
        for department in data.DEPARTMENTS:
            self.departments[department.name] = existing.get(department.name) or Department(
                workspace_id=self.workspace_id, name=department.name
            )
        self._add(self.departments.values())
        joined = self._at(self.calendar.founded, 10)
        for spec in data.PEOPLE:
            self.people[spec.email] = Person(
                workspace_id=self.workspace_id,
                email=spec.email,
                name=spec.name,
                department_id=self._department_id(spec.department),
                title=spec.title,
                timezone=spec.timezone,
                locale=spec.locale,
                role=spec.role,
                created_at=joined,
                updated_at=joined,
            )
        self._add(self.people.values())
        for spec in data.PEOPLE:
            if spec.manager is not None:
                self.people[spec.email].manager_id = self._id(spec.manager)
        for department in data.DEPARTMENTS:
            row = self.departments[department.name]
            row.head_person_id = self._id(department.head)
            if department.parent is not None:
                row.parent_id = self.departments[department.parent].id

    def _okrs(self) -> None:
        """The current quarter's objectives, their KRs and the weeks of check-ins so far."""
        first = self.calendar.review(0)
        reviews = [self.calendar.review(week) for week in range(data.SHOWN_WEEKS)]
        objectives = self._objectives(data.OBJECTIVES, self.calendar.current.name, first, reviews)
        for spec in data.OBJECTIVES:
            if spec.status is ObjectiveStatus.PENDING:
                self._submit(objectives[spec.key], spec.owner)

    def _past_okrs(self) -> None:
        """The previous quarter, closed: its objectives scored and reviewed (复盘)."""
        reviews = self.calendar.past_reviews()
        first = reviews[0]
        objectives = self._objectives(
            data.PAST_OBJECTIVES, self.calendar.previous.name, first, reviews
        )
        owners = {spec.key: spec.owner for spec in data.PAST_OBJECTIVES}
        for review in data.PAST_REVIEWS:
            objective = objectives[review.objective]
            assert objective.id is not None
            scored = self._at(self.calendar.previous.end + timedelta(days=5), 11)
            krs = okrs.key_results_by_objective(
                session=self.session, workspace_id=self.workspace_id, objective_ids=[objective.id]
            )[objective.id]
            for kr, (owner_score, manager_score) in zip(krs, review.scores, strict=True):
                assert kr.id is not None
                self.session.add(
                    KeyResultScore(
                        workspace_id=self.workspace_id,
                        key_result_id=kr.id,
                        owner_score=owner_score,
                        manager_score=manager_score,
                        updated_at=scored,
                    )
                )
            self.session.add(
                ObjectiveReview(
                    workspace_id=self.workspace_id,
                    objective_id=objective.id,
                    worked=review.worked,
                    did_not=review.did_not,
                    next_steps=review.next_steps,
                    manager_comment=review.manager_comment,
                    updated_at=scored,
                )
            )
            assert owners[review.objective] in self.people

    def _objectives(
        self,
        specs: tuple[data.ObjectiveSpec, ...],
        cycle_name: str,
        first_review: date,
        reviews: list[date],
    ) -> dict[str, Objective]:
        """Objectives of one cycle with their KRs and check-ins (history[i] on reviews[i])."""
        cycle_id = self.cycles[cycle_name].id
        assert cycle_id is not None
        first = okrs.next_number(
            session=self.session, workspace_id=self.workspace_id, model=Objective
        )
        objectives: dict[str, Objective] = {}
        for offset, spec in enumerate(specs):
            created = self._at(first_review + timedelta(days=spec.created), 10, offset)
            objectives[spec.key] = Objective(
                workspace_id=self.workspace_id,
                number=first + offset,
                cycle_id=cycle_id,
                title=spec.title,
                description=spec.description,
                owner_type=spec.owner_type,
                owner_person_id=self._id(spec.owner),
                owner_department_id=self._department_id(spec.department),
                status=spec.status,
                visibility=spec.visibility,
                created_by_id=self._id(spec.owner),
                created_at=created,
                updated_at=created,
            )
        self._add(objectives.values())
        for spec in specs:
            objective = objectives[spec.key]
            if spec.parent is not None:
                objective.parent_id = objectives[spec.parent].id
            self._audit_creation(objective)
        first = okrs.next_number(
            session=self.session, workspace_id=self.workspace_id, model=KeyResult
        )
        planned: list[tuple[data.KrSpec, KeyResult]] = []
        for spec in specs:
            objective = objectives[spec.key]
            assert objective.id is not None
            for kr in spec.key_results:
                row = KeyResult(
                    workspace_id=self.workspace_id,
                    number=first + len(planned),
                    objective_id=objective.id,
                    title=kr.title,
                    metric=kr.metric,
                    start_value=kr.start,
                    target_value=kr.target,
                    current_value=kr.start,
                    direction=kr.direction,
                    unit=kr.unit,
                    confidence=Confidence.ON_TRACK,
                    owner_id=self._id(kr.owner),
                    created_at=objective.created_at,
                    updated_at=objective.created_at,
                )
                planned.append((kr, row))
        self._add(row for _, row in planned)
        self.session.add_all([c for kr, row in planned for c in self._check_ins(kr, row, reviews)])
        return objectives

    def _submit(self, objective: Objective, owner: str) -> None:
        """A pending objective was submitted to its owner's manager when it was written."""
        assert self.workspace is not None
        demo_events.submit_for_approval(
            session=self.session,
            workspace=self.workspace,
            objective=objective,
            owner=self.people[owner],
        )

    def _audit_creation(self, objective: Objective) -> None:
        row = audit.record(
            session=self.session,
            workspace_id=self.workspace_id,
            actor_id=objective.created_by_id,
            platform=Platform.CLI,
            action="create",
            entity_type="objective",
            entity_id=objective.id,
            entity_ref=f"O-{objective.number}",
            after={"title": objective.title, "status": objective.status},
        )
        row.created_at = objective.created_at

    def _check_ins(
        self, spec: data.KrSpec, key_result: KeyResult, reviews: list[date]
    ) -> list[CheckIn]:
        """The weekly check-ins (history[i] on reviews[i]); the KR ends at the last one's value
        and confidence."""
        assert key_result.id is not None
        owner = self.people[spec.owner]
        rows: list[CheckIn] = []
        previous = key_result.current_value
        for day, step in zip(reviews, spec.history, strict=False):
            minutes = self.rng.randrange(180)
            if step is None:
                continue
            zone = owner.timezone or data.COMPANY_TIMEZONE
            rows.append(
                CheckIn(
                    workspace_id=self.workspace_id,
                    key_result_id=key_result.id,
                    person_id=self._id(spec.owner),
                    value=step.value,
                    previous_value=previous,
                    confidence=step.confidence,
                    note=step.note,
                    source=CheckInSource.CHAT,
                    created_at=min(
                        _local(day, 15, 0, zone) + timedelta(minutes=minutes), self.latest
                    ),
                )
            )
            previous = step.value
        if rows:
            key_result.current_value = rows[-1].value
            key_result.confidence = rows[-1].confidence
            key_result.updated_at = rows[-1].created_at
        return rows

    def _kpi_library(self) -> dict[str, KpiDefinition]:
        """The demo's indicators by code, updating any the workspace already has."""
        existing = {k.code: k for k in self._existing(KpiDefinition)}
        kpis: dict[str, KpiDefinition] = {}
        for spec in data.KPIS:
            kpi = existing.get(spec.code) or KpiDefinition(
                workspace_id=self.workspace_id,
                code=spec.code,
                name=spec.name,
                direction=spec.direction,
            )
            kpi.name, kpi.name_zh, kpi.unit = spec.name, spec.name_zh, spec.unit
            kpi.direction, kpi.frequency = spec.direction, Frequency.MONTHLY
            kpi.aggregation, kpi.owner_id = spec.aggregation, self._id(spec.owner)
            kpis[spec.code] = kpi
        self._add(kpis.values())
        return kpis

    def _kpis(self) -> None:
        kpis = self._kpi_library()
        months = self.calendar.reading_months()
        years = sorted({year for year, _ in months} | {self.today.year})
        # A yearly target of each scope for every year the readings touch.
        targets: dict[tuple[str, int], KpiTarget] = {}
        for year in years:
            done: set[str] = set()
            while len(done) < len(data.TARGETS):
                # One level of the cascade at a time: a child needs its parent's id.
                level = [
                    t
                    for t in data.TARGETS
                    if t.key not in done and (t.parent is None or t.parent in done)
                ]
                assert level, "a KPI target's parent is missing from demo_data.TARGETS"
                for spec in level:
                    kpi_id = kpis[spec.kpi].id
                    assert kpi_id is not None
                    parent = None if spec.parent is None else targets[(spec.parent, year)].id
                    targets[(spec.key, year)] = KpiTarget(
                        workspace_id=self.workspace_id,
                        kpi_id=kpi_id,
                        scope=spec.scope,
                        department_id=self._department_id(spec.department),
                        person_id=None if spec.person is None else self._id(spec.person),
                        period=str(year),
                        target=spec.target,
                        warning=spec.warning,
                        critical=spec.critical,
                        parent_id=parent,
                    )
                self._add(targets[(t.key, year)] for t in level)
                done |= {t.key for t in level}
        for spec in data.TARGETS:
            readings = self._readings(spec, targets[(spec.key, years[0])], months)
            if spec.key in data.ALERTED_TARGETS:
                assert self.workspace is not None
                demo_events.record_readings(
                    readings, session=self.session, workspace=self.workspace
                )
            else:
                self.session.add_all(readings)

    def _readings(
        self, spec: data.TargetSpec, target: KpiTarget, months: list[tuple[int, int]]
    ) -> list[KpiReading]:
        """Monthly readings of one target's scope, each recorded on the 2nd of the next month."""
        rows: list[KpiReading] = []
        for (year, month), value in zip(months, spec.readings, strict=True):
            period = f"{year}-{month:02d}"
            minutes = self.rng.randrange(120)
            rows.append(
                KpiReading(
                    workspace_id=self.workspace_id,
                    kpi_id=target.kpi_id,
                    scope=target.scope,
                    department_id=target.department_id,
                    person_id=target.person_id,
                    period=period,
                    value=value,
                    source=ReadingSource.IMPORT,
                    client_id=f"demo:{spec.key}:{period}",
                    recorded_by_id=self._id(spec.recorded_by),
                    created_at=min(
                        _local(recorded_on(year, month), 9, 0, data.COMPANY_TIMEZONE)
                        + timedelta(minutes=minutes),
                        self.latest,
                    ),
                )
            )
        return rows
