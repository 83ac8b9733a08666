"""Which key results a manager's digest may show: the rules of
`commands.permissions.can_view_objective`, applied to a whole batch of managers in set queries.

Public: everyone. Team: the owner's department and management chain. Private: the owner and
their management chain (here: up to two levels above the objective's owner, which covers a
manager's reports and their reports). HR admins and admins see all. A KR whose objective the
manager may not see never reaches their digest — not in any section.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import NamedTuple, Protocol

from storage.models import OwnerType, Role, Visibility

_SEES_ALL = {Role.HR_ADMIN, Role.ADMIN}


class ObjectiveFacts(NamedTuple):
    """What visibility needs to know about an objective."""

    visibility: Visibility
    owner_type: OwnerType
    owner_person_id: int | None
    owner_department_id: int | None


class _Objective(Protocol):
    @property
    def visibility(self) -> Visibility: ...
    @property
    def owner_type(self) -> OwnerType: ...
    @property
    def owner_person_id(self) -> int | None: ...
    @property
    def owner_department_id(self) -> int | None: ...


class _Person(Protocol):
    @property
    def id(self) -> int | None: ...
    @property
    def role(self) -> Role: ...
    @property
    def manager_id(self) -> int | None: ...
    @property
    def department_id(self) -> int | None: ...


def may_view(viewer: _Person, objective: _Objective, people: Mapping[int, _Person]) -> bool:
    """`viewer` may see `objective` (`people` holds its owner and the owner's manager)."""
    if objective.visibility is Visibility.PUBLIC or viewer.role in _SEES_ALL:
        return True
    owner = people.get(objective.owner_person_id or 0)
    if owner is not None:
        manager = people.get(owner.manager_id or 0)
        chain = {owner.id, owner.manager_id, manager.manager_id if manager else None}
        if viewer.id in chain:
            return True
    if objective.visibility is Visibility.TEAM:
        department = (
            owner.department_id
            if objective.owner_type is OwnerType.PERSON and owner is not None
            else objective.owner_department_id
        )
        return department is not None and department == viewer.department_id
    return False
