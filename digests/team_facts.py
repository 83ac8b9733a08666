"""What the manager digest knows about a batch of managers' teams, read in a fixed number of set
queries whatever the number of managers and the size of their teams.

Key results and check-ins are read as plain rows (the columns the sections use), not as ORM
objects: a batch of 200 managers holds thousands of KRs, and building an ORM object for each
was most of the digest's cost. Only KRs of objectives the manager may see are kept.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from datetime import date, datetime, timedelta
from typing import Any, NamedTuple

import sqlalchemy as sa
from sqlmodel import Session, col

from digests.digest_actions import open_alerts, pending_approvals
from storage.access import Org, load_org, may_view
from storage.id_lists import among
from storage.models import (
    CheckIn,
    Confidence,
    Cycle,
    CycleState,
    Direction,
    KeyResult,
    Metric,
    Objective,
    OwnerType,
    Person,
    Role,
    Visibility,
)
from storage.progress import KrNumbers, percent, progress
from storage.repos.schedule import CLOSED_OBJECTIVES


class ObjectiveFacts(NamedTuple):
    """What visibility needs to know about a KR's objective."""

    visibility: Visibility
    owner_type: OwnerType
    owner_person_id: int | None
    owner_department_id: int | None


class TeamKr(NamedTuple):
    """One key result of a report, as the digest sections read it."""

    id: int
    number: int
    title: str
    unit: str | None
    owner_id: int
    confidence: Confidence
    metric: Metric
    start_value: float
    target_value: float
    current_value: float
    direction: Direction
    cycle_start: date
    cycle_end: date
    objective: ObjectiveFacts

    def numbers(self, value: float | None = None) -> KrNumbers:
        """The figures progress is computed from (at `value`, else the current value)."""
        current = self.current_value if value is None else value
        return KrNumbers(self.metric, self.start_value, self.target_value, current, self.direction)


@dataclass
class TeamFacts:
    """Everything the sections need about the teams of a batch of managers."""

    now: datetime
    session: Session | None = None
    workspace_id: int = 0
    report_ids: list[int] = field(default_factory=list)
    reports: dict[int, list[Member]] = field(default_factory=dict)
    krs: dict[int, list[TeamKr]] = field(default_factory=dict)  # visible to the manager
    notes: dict[int, str] = field(default_factory=dict)  # latest note per KR
    moved: dict[int, float] = field(default_factory=dict)  # KR progress change over 7 days
    checked_in: set[int] = field(default_factory=set)  # people with a check-in in 7 days
    managers: dict[int, Member] = field(default_factory=dict)
    alerts: dict[int, list[dict[str, Any]]] = field(default_factory=dict)  # open, by owner
    approvals: dict[int, list[dict[str, Any]]] = field(default_factory=dict)  # by approver
    # what a section computes once for the whole batch (e.g. the forecasts), by section name
    computed: dict[str, Any] = field(default_factory=dict)


class Member(NamedTuple):
    """A person as the digest reads them (a plain row: thousands per run)."""

    id: int
    name: str
    manager_id: int | None
    department_id: int | None
    role: Role
    locale: str | None
    timezone: str | None
    active: bool


_ROLE = {member.value: member for member in Role}
_MEMBER_COLUMNS = (
    col(Person.id),
    col(Person.name),
    col(Person.manager_id),
    col(Person.department_id),
    sa.type_coerce(col(Person.role), sa.String),
    col(Person.locale),
    col(Person.timezone),
    col(Person.active),
)


def _members(session: Session, where: Any) -> list[Member]:
    """The people `where` selects, as rows (one query)."""
    rows: Any = session.connection().execute(sa.select(*_MEMBER_COLUMNS).where(where))
    return [
        Member(row[0], row[1], row[2], row[3], _ROLE[row[4]], row[5], row[6], bool(row[7]))
        for row in rows
    ]


@dataclass(frozen=True)
class Roster:
    """A workspace's active people, indexed once for all the batches of a digest run."""

    by_id: dict[int, Member]
    teams: dict[int, list[Member]]  # manager id -> their active reports, by id

    @classmethod
    def of(cls, people: Iterable[Member]) -> Roster:
        by_id: dict[int, Member] = {}
        teams: dict[int, list[Member]] = defaultdict(list)
        for person in sorted(people):
            if not person.active or person.id in by_id:
                continue
            by_id[person.id] = person
            if person.manager_id is not None:
                teams[person.manager_id].append(person)
        return cls(by_id, dict(teams))

    @classmethod
    def load(cls, *, session: Session, workspace_id: int) -> Roster:
        """The workspace's active people (one query)."""
        return cls.of(
            _members(
                session,
                sa.and_(col(Person.workspace_id) == workspace_id, col(Person.active).is_(True)),
            )
        )


def load_facts(
    *,
    session: Session,
    workspace_id: int,
    manager_ids: list[int],
    now: datetime,
    roster: Roster | None = None,
) -> TeamFacts:
    """A fixed number of queries (at most 12) for any number of managers and team sizes;
    `roster` (the workspace's active people, when the caller has them) saves two."""
    facts = TeamFacts(now=now, session=session, workspace_id=workspace_id)
    if roster is None or not set(manager_ids) <= roster.by_id.keys():
        managers = _members(session, col(Person.id).in_(manager_ids))
        staff = _members(
            session,
            sa.and_(
                col(Person.workspace_id) == workspace_id,
                col(Person.manager_id).in_(manager_ids),
                col(Person.active).is_(True),
            ),
        )
        roster = Roster.of([*managers, *staff])
        roster.by_id.update({p.id: p for p in managers if not p.active})
    facts.managers = {i: roster.by_id[i] for i in manager_ids if i in roster.by_id}
    facts.reports = {i: roster.teams[i] for i in manager_ids if i in roster.teams}
    reports = facts.report_ids = [p.id for team in facts.reports.values() for p in team]
    known = dict(roster.by_id)
    facts.krs = _visible(session, workspace_id, reports, facts.reports, facts.managers, known)
    _recent_check_ins(session, workspace_id, reports, now, facts)
    batch = {p.id: p for team in facts.reports.values() for p in team} | facts.managers
    facts.alerts = open_alerts(
        session=session,
        workspace_id=workspace_id,
        owner_ids=reports + list(manager_ids),
        people=batch,
    )
    facts.approvals = pending_approvals(
        session=session, workspace_id=workspace_id, approver_ids=list(manager_ids), people=batch
    )
    return facts


# Enum columns are read as their stored strings and looked up here: SQLAlchemy's per-value
# enum processing was a good share of reading a batch's thousands of KRs.
_CONFIDENCE = {member.value: member for member in Confidence}
_METRIC = {member.value: member for member in Metric}
_DIRECTION = {member.value: member for member in Direction}
_VISIBILITY = {member.value: member for member in Visibility}
_OWNER_TYPE = {member.value: member for member in OwnerType}


def _raw(column: Any) -> Any:
    """An enum column as the string it stores."""
    return sa.type_coerce(column, sa.String)


def _in_active_cycles(query: sa.Select[Any], workspace_id: int) -> sa.Select[Any]:
    """`query` on key_result, kept to KRs of open objectives in active cycles."""
    return (
        query.join(Objective, col(Objective.id) == col(KeyResult.objective_id))
        .join(Cycle, col(Cycle.id) == col(Objective.cycle_id))
        .where(
            col(KeyResult.workspace_id) == workspace_id,
            col(Cycle.state) == CycleState.ACTIVE,
            col(Objective.status).not_in(CLOSED_OBJECTIVES),
        )
    )


def _kr_rows(session: Session, workspace_id: int, owner_ids: list[int]) -> list[TeamKr]:
    """The owners' KRs on open objectives of active cycles, with their objective's visibility
    and their cycle's dates (one query)."""
    query = sa.select(
        col(KeyResult.id),
        col(KeyResult.number),
        col(KeyResult.title),
        col(KeyResult.unit),
        col(KeyResult.owner_id),
        _raw(col(KeyResult.confidence)),
        _raw(col(KeyResult.metric)),
        col(KeyResult.start_value),
        col(KeyResult.target_value),
        col(KeyResult.current_value),
        _raw(col(KeyResult.direction)),
        col(Cycle.start_date),
        col(Cycle.end_date),
        col(Objective.id),
        _raw(col(Objective.visibility)),
        _raw(col(Objective.owner_type)),
        col(Objective.owner_person_id),
        col(Objective.owner_department_id),
    )
    owned = among(session, col(KeyResult.owner_id), owner_ids)
    query = _in_active_cycles(query, workspace_id).where(owned)
    rows = session.connection().execute(query.order_by(col(KeyResult.number))).all()
    objectives: dict[int, ObjectiveFacts] = {}
    found = []
    for row in rows:
        objective = objectives.get(row[13])
        if objective is None:
            objective = ObjectiveFacts(_VISIBILITY[row[14]], _OWNER_TYPE[row[15]], row[16], row[17])
            objectives[row[13]] = objective
        found.append(
            TeamKr(
                row[0],
                row[1],
                row[2],
                row[3],
                row[4],
                _CONFIDENCE[row[5]],
                _METRIC[row[6]],
                row[7],
                row[8],
                row[9],
                _DIRECTION[row[10]],
                row[11],
                row[12],
                objective,
            )
        )
    return found


def _visible(
    session: Session,
    workspace_id: int,
    reports: list[int],
    teams: Mapping[int, list[Member]],
    managers: Mapping[int, Member],
    known: dict[int, Member],
) -> dict[int, list[TeamKr]]:
    """The reports' KRs by owner, those whose objective their manager may see (at most two
    queries: the KRs, and objective owners not known yet)."""
    krs = _kr_rows(session, workspace_id, reports)
    missing = {
        kr.objective.owner_person_id
        for kr in krs
        if kr.objective.visibility is not Visibility.PUBLIC
        and kr.objective.owner_person_id is not None
        and kr.objective.owner_person_id not in known
    }
    if missing:
        known |= {person.id: person for person in _members(session, col(Person.id).in_(missing))}
    viewers = {
        person.id: managers[manager_id]
        for manager_id, team in teams.items()
        if manager_id in managers
        for person in team
    }
    org = load_org(
        session,
        workspace_id=workspace_id,
        person_ids={kr.objective.owner_person_id for kr in krs},
        into=Org.of(known.values()),
    )
    found: dict[int, list[TeamKr]] = defaultdict(list)
    for kr in krs:
        viewer = viewers.get(kr.owner_id)
        if viewer is not None and may_view(viewer, kr.objective, org):
            found[kr.owner_id].append(kr)
    return dict(found)


def _recent_check_ins(
    session: Session, workspace_id: int, reports: list[int], now: datetime, facts: TeamFacts
) -> None:
    """Who checked in during the last 7 days, each KR's latest note and how far it moved."""
    kr_by_id = {kr.id: kr for owned in facts.krs.values() for kr in owned}
    rows = (
        session.connection()
        .execute(
            sa.select(
                col(CheckIn.person_id),
                col(CheckIn.key_result_id),
                col(CheckIn.previous_value),
                col(CheckIn.note),
            )
            .where(
                col(CheckIn.workspace_id) == workspace_id,
                among(session, col(CheckIn.person_id), reports),
                col(CheckIn.created_at) >= now - timedelta(days=7),
            )
            .order_by(col(CheckIn.created_at), col(CheckIn.id))
        )
        .all()
    )
    first_previous: dict[int, float] = {}
    for person_id, kr_id, previous, note in rows:
        facts.checked_in.add(person_id)
        first_previous.setdefault(kr_id, previous)
        if note:
            facts.notes[kr_id] = note
    for kr_id, previous in first_previous.items():
        kr = kr_by_id.get(kr_id)
        if kr is not None:
            now_percent = percent(progress(kr.numbers()))
            facts.moved[kr_id] = now_percent - percent(progress(kr.numbers(previous)))
