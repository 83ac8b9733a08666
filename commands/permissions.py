"""Who may see and change what. One place, so every reply applies the same rules."""

from __future__ import annotations

from commands.context import Context
from storage.models import KeyResult, Objective, OwnerType, Person, Role, Visibility
from storage.repos import people

_HR_ROLES = {Role.HR_ADMIN, Role.ADMIN}


def is_hr(person: Person) -> bool:
    """HR admins and admins see everything in their workspace."""
    return person.role in _HR_ROLES


def manages(ctx: Context, person_id: int | None) -> bool:
    """True when the requester is above `person_id` in the reporting line."""
    if person_id is None:
        return False
    return people.is_in_management_chain(
        session=ctx.session,
        workspace_id=ctx.workspace_id,
        manager_id=ctx.person_id,
        person_id=person_id,
    )


def can_view_objective(ctx: Context, objective: Objective) -> bool:
    """Public: everyone. Team: the owner's department and management chain. Private: the owner
    and their management chain. HR admins and admins see all."""
    if objective.workspace_id != ctx.workspace_id:
        return False
    if objective.visibility is Visibility.PUBLIC or is_hr(ctx.person):
        return True
    owner_id = objective.owner_person_id
    if owner_id == ctx.person_id or manages(ctx, owner_id):
        return True
    if objective.visibility is Visibility.TEAM:
        owner_department = objective.owner_department_id
        if objective.owner_type is OwnerType.PERSON and owner_id is not None:
            owner = people.get(
                session=ctx.session, workspace_id=ctx.workspace_id, person_id=owner_id
            )
            owner_department = owner.department_id if owner else None
        return owner_department is not None and owner_department == ctx.person.department_id
    return False


def can_update_key_result(ctx: Context, key_result: KeyResult, objective: Objective) -> bool:
    """The KR's owner and the objective's owning person may record check-ins."""
    if key_result.workspace_id != ctx.workspace_id:
        return False
    return ctx.person_id in {key_result.owner_id, objective.owner_person_id}


def can_view_person_kpis(ctx: Context, person_id: int) -> bool:
    """A person's own KPI figures are for them, their management chain and HR."""
    return person_id == ctx.person_id or is_hr(ctx.person) or manages(ctx, person_id)
