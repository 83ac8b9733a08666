"""Who may see and change what. One place, so every reply applies the same rules."""

from __future__ import annotations

from sqlmodel import select

from commands.context import Context
from storage.models import (
    Delegation,
    Department,
    KeyResult,
    Objective,
    OwnerType,
    Person,
    Role,
    Visibility,
)
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


def is_department_head(ctx: Context, department_id: int | None = None) -> bool:
    """True when the requester heads `department_id` (their own department by default)."""
    department_id = department_id or ctx.person.department_id
    if department_id is None:
        return False
    department = ctx.session.get(Department, department_id)
    return (
        department is not None
        and department.workspace_id == ctx.workspace_id
        and department.head_person_id == ctx.person_id
    )


def is_delegate_of(ctx: Context, manager_id: int | None) -> bool:
    """True when `manager_id` has named the requester to decide approvals for them."""
    if manager_id is None:
        return False
    query = select(Delegation).where(
        Delegation.workspace_id == ctx.workspace_id,
        Delegation.manager_id == manager_id,
        Delegation.delegate_id == ctx.person_id,
    )
    return ctx.session.exec(query).first() is not None


def can_create_objective(ctx: Context, owner_type: OwnerType) -> bool:
    """Everyone drafts their own; department heads their department's; admins the company's."""
    if owner_type is OwnerType.PERSON:
        return True
    if owner_type is OwnerType.DEPARTMENT:
        return ctx.person.role is Role.ADMIN or is_department_head(ctx)
    return ctx.person.role is Role.ADMIN


def can_decide(ctx: Context, owner: Person) -> bool:
    """The owner's manager, that manager's delegate, or an HR admin/admin — never the owner."""
    if owner.workspace_id != ctx.workspace_id or owner.id == ctx.person_id:
        return False
    if is_hr(ctx.person) or owner.manager_id == ctx.person_id:
        return True
    return is_delegate_of(ctx, owner.manager_id)


def can_score(ctx: Context, objective: Objective) -> bool:
    """The owner scores their own KRs; their management chain adds the manager's score."""
    if objective.workspace_id != ctx.workspace_id:
        return False
    return objective.owner_person_id == ctx.person_id or manages(ctx, objective.owner_person_id)


def can_export(ctx: Context) -> bool:
    """Exports of everyone's OKRs are for HR admins and admins."""
    return is_hr(ctx.person)


def can_manage_cycles(ctx: Context) -> bool:
    """Opening, closing and rolling over cycles is for HR admins and admins."""
    return is_hr(ctx.person)
