"""Who may see and act on what: objectives, key results, approvals, KPI alerts and figures.

The one set of rules for every chat path, digest, export, chart and payload lookup: pure
functions over rows (`may_view_objective`, `may_view_alert`, …) fed by set queries
(`load_org` climbs the reporting line one level per query, whatever the number of people),
and `Access`, which holds them for one viewer in one session.

Objectives: public — everyone in the workspace; team — the owner's department and management
chain; private — the owner and their management chain. HR admins and admins see everything in
their workspace. A key result is seen with its objective. Nothing crosses workspaces.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from typing import Protocol

from sqlmodel import Session, col, select

from storage import clock, delegations
from storage.models import (
    ApprovalRequest,
    Delegation,
    Department,
    KeyResult,
    KpiAlert,
    Objective,
    OwnerType,
    Person,
    Role,
    Visibility,
)

SEES_ALL = frozenset({Role.HR_ADMIN, Role.ADMIN})


class Viewer(Protocol):
    """What the rules read of the person asking (a row, or a plain tuple in bulk reads)."""

    @property
    def id(self) -> int | None: ...
    @property
    def role(self) -> Role: ...
    @property
    def department_id(self) -> int | None: ...


class Placed(Protocol):
    """A person's place in the organisation: who they report to, which department."""

    @property
    def id(self) -> int | None: ...
    @property
    def manager_id(self) -> int | None: ...
    @property
    def department_id(self) -> int | None: ...


class ObjectiveFacts(Protocol):
    """What the visibility rule reads of an objective."""

    @property
    def visibility(self) -> Visibility: ...
    @property
    def owner_type(self) -> OwnerType: ...
    @property
    def owner_person_id(self) -> int | None: ...
    @property
    def owner_department_id(self) -> int | None: ...


def sees_all(person: Viewer) -> bool:
    """HR admins and admins see everything in their workspace."""
    return person.role in SEES_ALL


@dataclass
class Org:
    """The reporting line and departments of the people a decision needs, by person id."""

    managers: dict[int, int | None] = field(default_factory=dict)
    departments: dict[int, int | None] = field(default_factory=dict)

    def chain(self, person_id: int | None) -> list[int]:
        """The managers above `person_id`, nearest first (a loop in the data ends it)."""
        above: list[int] = []
        current = self.managers.get(person_id) if person_id is not None else None
        while current is not None and current not in above and current != person_id:
            above.append(current)
            current = self.managers.get(current)
        return above

    def manages(self, manager_id: int | None, person_id: int | None) -> bool:
        """True when `manager_id` is above `person_id` in the reporting line."""
        return manager_id is not None and manager_id in self.chain(person_id)

    @classmethod
    def of(cls, people: Iterable[Placed]) -> Org:
        """The facts these rows hold (a caller that has them loaded saves the queries)."""
        org = cls()
        for person in people:
            if person.id is not None:
                org.managers[person.id] = person.manager_id
                org.departments[person.id] = person.department_id
        return org


def load_org(
    session: Session,
    *,
    workspace_id: int,
    person_ids: Iterable[int | None],
    into: Org | None = None,
) -> Org:
    """`into` (or a new Org) completed with these people and everyone above them: one query
    per level of the reporting line, only for people not already known."""
    org = into if into is not None else Org()
    todo = _unknown_above(org, person_ids)
    while todo:
        rows = session.exec(
            select(Person.id, Person.manager_id, Person.department_id).where(
                Person.workspace_id == workspace_id, col(Person.id).in_(todo)
            )
        ).all()
        for person_id, manager_id, department_id in rows:
            if person_id is not None:
                org.managers[person_id] = manager_id
                org.departments[person_id] = department_id
        for missing in todo - {row[0] for row in rows}:
            org.managers[missing] = None  # gone: nobody above, no department
            org.departments[missing] = None
        todo = {m for _, m, _ in rows if m is not None and m not in org.managers}
    return org


def _unknown_above(org: Org, person_ids: Iterable[int | None]) -> set[int]:
    """These people, or the first of their managers `org` does not know yet."""
    unknown: set[int] = set()
    for person_id in person_ids:
        seen: set[int] = set()
        current = person_id
        while current is not None and current in org.managers and current not in seen:
            seen.add(current)
            current = org.managers[current]
        if current is not None and current not in seen:
            unknown.add(current)
    return unknown


def may_view_objective(viewer: Person, objective: Objective, org: Org) -> bool:
    """`viewer` may see `objective` (`org` knows its owner and the owner's managers)."""
    if objective.workspace_id != viewer.workspace_id:
        return False
    return may_view(viewer, objective, org)


def may_view(viewer: Viewer, objective: ObjectiveFacts, org: Org) -> bool:
    """The visibility rule within one workspace, for rows or plain tuples alike."""
    if objective.visibility is Visibility.PUBLIC or sees_all(viewer):
        return True
    owner_id = objective.owner_person_id
    if owner_id is not None and (owner_id == viewer.id or org.manages(viewer.id, owner_id)):
        return True
    if objective.visibility is Visibility.TEAM:
        department = objective.owner_department_id
        if objective.owner_type is OwnerType.PERSON and owner_id is not None:
            department = org.departments.get(owner_id)
        return department is not None and department == viewer.department_id
    return False


def may_update_key_result(viewer: Person, key_result: KeyResult, objective: Objective) -> bool:
    """The KR's owner and the objective's owning person may record check-ins."""
    if key_result.workspace_id != viewer.workspace_id:
        return False
    return viewer.id in {key_result.owner_id, objective.owner_person_id}


def may_score(viewer: Person, objective: Objective, org: Org) -> bool:
    """The owner scores their own KRs; their management chain adds the manager's score."""
    if objective.workspace_id != viewer.workspace_id:
        return False
    owner_id = objective.owner_person_id
    return owner_id == viewer.id or org.manages(viewer.id, owner_id)


def may_view_person_kpis(viewer: Person, person_id: int, org: Org) -> bool:
    """A person's own KPI figures are for them, their management chain and HR."""
    return person_id == viewer.id or sees_all(viewer) or org.manages(viewer.id, person_id)


def may_view_alert(viewer: Person, alert: KpiAlert, org: Org) -> bool:
    """A KPI alert is for its owner (and the owner's management chain, who were sent it or
    see it in their digest), its assignee, and HR."""
    if alert.workspace_id != viewer.workspace_id:
        return False
    if viewer.id in {alert.owner_id, alert.assigned_to_id} or sees_all(viewer):
        return True
    return org.manages(viewer.id, alert.owner_id)


def may_view_approval(viewer: Person, request: ApprovalRequest, org: Org) -> bool:
    """An approval request is for its requester, its approver, the requester's management
    chain and HR (a delegate of the approver is checked by `Access`, which can ask)."""
    if request.workspace_id != viewer.workspace_id:
        return False
    if viewer.id in {request.requester_id, request.approver_id} or sees_all(viewer):
        return True
    return org.manages(viewer.id, request.requester_id)


class Access:
    """The rules for one viewer in one session; reporting-line facts are loaded once."""

    def __init__(self, session: Session, viewer: Person) -> None:
        self.session = session
        self.viewer = viewer
        self._org = Org()

    @property
    def workspace_id(self) -> int:
        assert self.viewer.workspace_id is not None
        return self.viewer.workspace_id

    def org(self, person_ids: Iterable[int | None]) -> Org:
        """The reporting line above these people (loaded on first need, then kept)."""
        return load_org(
            self.session, workspace_id=self.workspace_id, person_ids=person_ids, into=self._org
        )

    def load_workspace(self) -> None:
        """The whole workspace's reporting line in one query, for a view that looks at
        everyone's objectives (the map)."""
        rows = self.session.exec(
            select(Person.id, Person.manager_id, Person.department_id).where(
                Person.workspace_id == self.workspace_id
            )
        )
        for person_id, manager_id, department_id in rows:
            if person_id is not None:
                self._org.managers[person_id] = manager_id
                self._org.departments[person_id] = department_id

    def sees_all(self) -> bool:
        """HR admins and admins."""
        return sees_all(self.viewer)

    def manages(self, person_id: int | None) -> bool:
        """True when the viewer is above `person_id` in the reporting line."""
        return person_id is not None and self.org([person_id]).manages(self.viewer.id, person_id)

    def can_view_objective(self, objective: Objective) -> bool:
        """See `may_view_objective`."""
        return may_view_objective(self.viewer, objective, self.org([objective.owner_person_id]))

    def visible_objectives(self, objectives: Iterable[Objective]) -> list[Objective]:
        """The ones the viewer may see, in order (the owners' reporting lines in set queries)."""
        found = list(objectives)
        org = self.org(o.owner_person_id for o in found)
        return [o for o in found if may_view_objective(self.viewer, o, org)]

    def can_view_key_result(self, key_result: KeyResult, objective: Objective) -> bool:
        """A KR is seen with its objective."""
        return key_result.objective_id == objective.id and self.can_view_objective(objective)

    def can_update_key_result(self, key_result: KeyResult, objective: Objective) -> bool:
        """See `may_update_key_result`."""
        return may_update_key_result(self.viewer, key_result, objective)

    def can_score(self, objective: Objective) -> bool:
        """See `may_score`."""
        return may_score(self.viewer, objective, self.org([objective.owner_person_id]))

    def can_view_person_kpis(self, person_id: int) -> bool:
        """See `may_view_person_kpis`."""
        return may_view_person_kpis(self.viewer, person_id, self.org([person_id]))

    def is_delegate_of(self, manager_id: int | None) -> bool:
        """True when `manager_id` has named the viewer to decide approvals for them."""
        if manager_id is None:
            return False
        query = select(Delegation.id).where(
            Delegation.workspace_id == self.workspace_id,
            Delegation.manager_id == manager_id,
            Delegation.delegate_id == self.viewer.id,
            delegations.in_force(clock.now().date()),
        )
        return self.session.exec(query).first() is not None

    def can_decide(self, owner: Person) -> bool:
        """The owner's manager, that manager's delegate, or an HR admin/admin — never the owner."""
        if owner.workspace_id != self.viewer.workspace_id or owner.id == self.viewer.id:
            return False
        if self.sees_all() or owner.manager_id == self.viewer.id:
            return True
        return self.is_delegate_of(owner.manager_id)

    def can_view_approval(self, request: ApprovalRequest) -> bool:
        """See `may_view_approval`; the approver's delegate too."""
        org = self.org([request.requester_id])
        return may_view_approval(self.viewer, request, org) or (
            request.workspace_id == self.viewer.workspace_id
            and self.is_delegate_of(request.approver_id)
        )

    def is_department_head(self, department_id: int | None = None) -> bool:
        """True when the viewer heads `department_id` (their own department by default)."""
        department_id = department_id or self.viewer.department_id
        if department_id is None:
            return False
        department = self.session.get(Department, department_id)
        return (
            department is not None
            and department.workspace_id == self.viewer.workspace_id
            and department.head_person_id == self.viewer.id
        )

    def can_create_objective(self, owner_type: OwnerType) -> bool:
        """Everyone drafts their own; department heads their department's; admins the
        company's."""
        if owner_type is OwnerType.PERSON:
            return True
        if owner_type is OwnerType.DEPARTMENT:
            return self.viewer.role is Role.ADMIN or self.is_department_head()
        return self.viewer.role is Role.ADMIN

    def can_export(self) -> bool:
        """Exports of everyone's OKRs are for HR admins and admins."""
        return self.sees_all()

    def can_manage_cycles(self) -> bool:
        """Opening, closing and rolling over cycles is for HR admins and admins."""
        return self.sees_all()

    def can_view_alert(self, alert: KpiAlert) -> bool:
        """See `may_view_alert`; the delegate of the owner's manager too (they may assign it)."""
        org = self.org([alert.owner_id])
        if may_view_alert(self.viewer, alert, org):
            return True
        manager_id = org.managers.get(alert.owner_id) if alert.owner_id is not None else None
        return alert.workspace_id == self.viewer.workspace_id and self.is_delegate_of(manager_id)

    def can_assign_alert(self, alert: KpiAlert) -> bool:
        """The owner, the owner's manager, that manager's delegate, HR admins and admins."""
        if alert.workspace_id != self.viewer.workspace_id:
            return False
        if self.sees_all():
            return True
        if alert.owner_id is None:
            return False
        manager_id = self.org([alert.owner_id]).managers.get(alert.owner_id)
        if self.viewer.id in {alert.owner_id, manager_id}:
            return True
        return self.is_delegate_of(manager_id)

    def can_send_alert_feedback(self, alert: KpiAlert) -> bool:
        """Feedback on an alert goes from the owner's management chain or HR to the owner."""
        return alert.workspace_id == self.viewer.workspace_id and (
            self.sees_all() or self.manages(alert.owner_id)
        )


def visible_key_results(
    *,
    session: Session,
    krs: Mapping[int, list[KeyResult]],
    viewers: Mapping[int, Person],
    people: Mapping[int, Person],
) -> dict[int, list[KeyResult]]:
    """`krs` by owner, keeping those whose objective the owner's viewer (`viewers[owner]`, their
    manager) may see — `may_view_objective` for a whole batch of viewers. A few set queries:
    the objectives, and the reporting lines `people` does not already hold."""
    objective_ids = {kr.objective_id for owned in krs.values() for kr in owned}
    if not objective_ids:
        return {owner: list(owned) for owner, owned in krs.items()}
    objectives = {
        o.id: o for o in session.exec(select(Objective).where(col(Objective.id).in_(objective_ids)))
    }
    org = Org.of(people.values())
    for workspace_id in {o.workspace_id for o in objectives.values()}:
        load_org(
            session,
            workspace_id=workspace_id,
            person_ids=(o.owner_person_id for o in objectives.values()),
            into=org,
        )
    found: dict[int, list[KeyResult]] = {}
    for owner_id, owned in krs.items():
        viewer = viewers.get(owner_id)
        kept = [
            kr
            for kr in owned
            if viewer is not None
            and (objective := objectives.get(kr.objective_id)) is not None
            and may_view_objective(viewer, objective, org)
        ]
        if kept:
            found[owner_id] = kept
    return found
