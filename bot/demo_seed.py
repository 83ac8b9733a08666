"""The demo company: people, OKRs with weeks of check-ins and cascaded KPIs in workspace `demo`.

Seeding is idempotent (a workspace that already has people is returned as it is) and
deterministic: the rows depend only on `today`, which decides how much history has happened.
The company itself is described in `bot.demo_data`.
"""

from __future__ import annotations

import random
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import UTC, date, datetime, time, timedelta
from typing import TypeVar
from zoneinfo import ZoneInfo

from sqlmodel import Session, SQLModel, select

from bot import demo_data as data
from bot import demo_events
from storage.models import (
    CheckIn,
    CheckInSource,
    Confidence,
    Cycle,
    CycleState,
    Department,
    Frequency,
    KeyResult,
    KpiDefinition,
    KpiReading,
    KpiTarget,
    Objective,
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


def seed_demo(*, session: Session, today: date) -> DemoCompany:
    """Create the demo company in the caller's transaction, or return it when already there."""
    workspace = workspaces.get_by_slug(session=session, slug=data.WORKSPACE_SLUG)
    if workspace is not None and workspace.id is not None and _has_people(session, workspace.id):
        return _company(workspace.id, created=False)
    workspace_id = _Seeder(session=session, today=today).run(workspace)
    return _company(workspace_id, created=True)


def _has_people(session: Session, workspace_id: int) -> bool:
    query = select(Person.id).where(Person.workspace_id == workspace_id).limit(1)
    return session.exec(query).first() is not None


def _company(workspace_id: int, *, created: bool) -> DemoCompany:
    names = {p.email: p.name for p in data.PEOPLE}
    try_also = tuple(DemoPerson(email, names[email], role) for email, role in data.TRY_ALSO)
    return DemoCompany(workspace_id, data.DEFAULT_EMAIL, try_also, created)


def _local(day: date, hour: int, minute: int, timezone: str) -> datetime:
    """A wall-clock time somewhere, as an aware UTC datetime."""
    return datetime.combine(day, time(hour, minute), tzinfo=ZoneInfo(timezone)).astimezone(UTC)


def _next_month(year: int, month: int) -> tuple[int, int]:
    return (year + 1, 1) if month == 12 else (year, month + 1)


class _Seeder:
    """Builds the rows level by level, flushing only where later rows need ids."""

    def __init__(self, *, session: Session, today: date) -> None:
        self.session = session
        self.today = today
        self.rng = random.Random(SEED)
        # Anything planned for after today is dated at the start of today (UTC) instead.
        self.latest = datetime.combine(today, time.min, tzinfo=UTC)
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
                created_at=self._at(data.FOUNDED, 9),
            )
            self._add([workspace])
        assert workspace.id is not None
        self.workspace, self.workspace_id = workspace, workspace.id
        self.cycles = {c.name: c for c in self._existing(Cycle)}
        for spec in data.CYCLES:
            cycle = self.cycles.get(spec.name) or Cycle(
                workspace_id=self.workspace_id,
                name=spec.name,
                start_date=spec.start,
                end_date=spec.end,
            )
            cycle.state = CycleState.ACTIVE if spec.active else CycleState.CLOSED
            self.cycles[spec.name] = cycle
        self.session.add_all(self.cycles.values())

    def _org(self) -> None:
        existing = {d.name: d for d in self._existing(Department)}
        for department in data.DEPARTMENTS:
            self.departments[department.name] = existing.get(department.name) or Department(
                workspace_id=self.workspace_id, name=department.name
            )
        self._add(self.departments.values())
        joined = self._at(data.FOUNDED, 10)
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
        cycle_id = self.cycles[data.OKR_CYCLE].id
        assert cycle_id is not None
        first = okrs.next_number(
            session=self.session, workspace_id=self.workspace_id, model=Objective
        )
        objectives: dict[str, Objective] = {}
        for offset, spec in enumerate(data.OBJECTIVES):
            created = self._at(spec.created, 10, offset)
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
        for spec in data.OBJECTIVES:
            objective = objectives[spec.key]
            if spec.parent is not None:
                objective.parent_id = objectives[spec.parent].id
            self._audit_creation(objective)
        first = okrs.next_number(
            session=self.session, workspace_id=self.workspace_id, model=KeyResult
        )
        planned: list[tuple[data.KrSpec, KeyResult]] = []
        for spec in data.OBJECTIVES:
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
        self.session.add_all([c for kr, row in planned for c in self._check_ins(kr, row)])
        for spec in data.OBJECTIVES:
            if spec.status is ObjectiveStatus.PENDING:
                self._submit(objectives[spec.key], spec.owner)

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

    def _check_ins(self, spec: data.KrSpec, key_result: KeyResult) -> list[CheckIn]:
        """The weekly check-ins up to today; the KR ends at the last one's value and confidence."""
        assert key_result.id is not None
        owner = self.people[spec.owner]
        rows: list[CheckIn] = []
        previous = key_result.current_value
        for week, step in enumerate(spec.history):
            if step is None:
                continue
            day = data.FIRST_REVIEW + timedelta(weeks=week)
            # Drawn before the cut-off, so a check-in gets the same time whatever `today` is.
            minutes = self.rng.randrange(180)
            if day > self.today:
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
                    created_at=_local(day, 15, 0, zone) + timedelta(minutes=minutes),
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
        targets: dict[str, KpiTarget] = {}
        while len(targets) < len(data.TARGETS):
            # One level of the cascade at a time: a child needs its parent's id.
            level = [
                t
                for t in data.TARGETS
                if t.key not in targets and (t.parent is None or t.parent in targets)
            ]
            assert level, "a KPI target's parent is missing from demo_data.TARGETS"
            for spec in level:
                kpi_id = kpis[spec.kpi].id
                assert kpi_id is not None
                targets[spec.key] = KpiTarget(
                    workspace_id=self.workspace_id,
                    kpi_id=kpi_id,
                    scope=spec.scope,
                    department_id=self._department_id(spec.department),
                    person_id=None if spec.person is None else self._id(spec.person),
                    period=spec.period,
                    target=spec.target,
                    warning=spec.warning,
                    critical=spec.critical,
                    parent_id=None if spec.parent is None else targets[spec.parent].id,
                )
            self._add(targets[t.key] for t in level)
        for spec in data.TARGETS:
            readings = self._readings(spec, targets[spec.key])
            if spec.key in data.ALERTED_TARGETS:
                assert self.workspace is not None
                demo_events.record_readings(
                    readings, session=self.session, workspace=self.workspace
                )
            else:
                self.session.add_all(readings)

    def _readings(self, spec: data.TargetSpec, target: KpiTarget) -> list[KpiReading]:
        """Monthly readings of one target's scope, each recorded on the 2nd of the next month."""
        rows: list[KpiReading] = []
        year, month = data.FIRST_READING_MONTH
        for value in spec.readings:
            period = f"{year}-{month:02d}"
            year, month = _next_month(year, month)
            recorded = date(year, month, 2)
            minutes = self.rng.randrange(120)
            if recorded > self.today:
                continue
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
                    created_at=_local(recorded, 9, 0, data.COMPANY_TIMEZONE)
                    + timedelta(minutes=minutes),
                )
            )
        return rows
