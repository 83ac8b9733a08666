"""Which key results a manager's digest may show: the rules of
`commands.permissions.can_view_objective`, applied to a whole batch of managers in set queries.

Public: everyone. Team: the owner's department and management chain. Private: the owner and
their management chain (here: up to two levels above the objective's owner, which covers a
manager's reports and their reports). HR admins and admins see all. A KR whose objective the
manager may not see never reaches their digest — not in any section.
"""

from __future__ import annotations

from collections.abc import Mapping

from sqlmodel import Session, col, select

from storage.models import KeyResult, Objective, OwnerType, Person, Role, Visibility

_SEES_ALL = {Role.HR_ADMIN, Role.ADMIN}


def may_view(viewer: Person, objective: Objective, people: Mapping[int, Person]) -> bool:
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


def visible_key_results(
    *,
    session: Session,
    krs: Mapping[int, list[KeyResult]],
    viewers: Mapping[int, Person],
    people: Mapping[int, Person],
) -> dict[int, list[KeyResult]]:
    """`krs` by owner, keeping those whose objective the owner's viewer (`viewers[owner]`, their
    manager) may see. At most two queries: the objectives, and owners not in `people`."""
    objective_ids = {kr.objective_id for owned in krs.values() for kr in owned}
    if not objective_ids:
        return {owner: list(owned) for owner, owned in krs.items()}
    objectives = {
        o.id: o for o in session.exec(select(Objective).where(col(Objective.id).in_(objective_ids)))
    }
    known = dict(people)
    missing = {
        o.owner_person_id
        for o in objectives.values()
        if o.visibility is not Visibility.PUBLIC and o.owner_person_id not in known
    }
    missing.discard(None)
    if missing:
        for person in session.exec(select(Person).where(col(Person.id).in_(missing))):
            known[person.id or 0] = person
    found: dict[int, list[KeyResult]] = {}
    for owner_id, owned in krs.items():
        viewer = viewers.get(owner_id)
        kept = [
            kr
            for kr in owned
            if viewer is not None
            and (objective := objectives.get(kr.objective_id)) is not None
            and may_view(viewer, objective, known)
        ]
        if kept:
            found[owner_id] = kept
    return found
