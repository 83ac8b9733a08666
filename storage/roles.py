"""Roles: the words that name them (English and Chinese), and a role change that is always
audit-logged, whoever makes it (the people import, `okrbot people role`, `/hr role`, app.yaml's
`company.admins`, an install)."""

from __future__ import annotations

import unicodedata

from sqlmodel import Session

from storage.models import Person, Platform, Role
from storage.repos import audit

ROLE_WORDS: dict[str, Role] = {
    "employee": Role.EMPLOYEE,
    "manager": Role.MANAGER,
    "hr_admin": Role.HR_ADMIN,
    "hr-admin": Role.HR_ADMIN,
    "hr": Role.HR_ADMIN,
    "admin": Role.ADMIN,
    "员工": Role.EMPLOYEE,
    "经理": Role.MANAGER,
    "hr管理员": Role.HR_ADMIN,
    "人事管理员": Role.HR_ADMIN,
    "人事": Role.HR_ADMIN,
    "管理员": Role.ADMIN,
}


def parse_role(text: str) -> Role | None:
    """The role a word names (`hr_admin`, `HR`, `管理员`, full-width too), or None."""
    word = unicodedata.normalize("NFKC", text).strip().lower().replace(" ", "")
    return ROLE_WORDS.get(word)


def change_role(
    *,
    session: Session,
    person: Person,
    role: Role,
    actor_id: int | None,
    platform: Platform,
) -> bool:
    """Give `person` the role, audit-logged with before and after; False when they had it."""
    if person.role == role:
        return False
    before = person.role
    person.role = role
    session.add(person)
    session.flush()
    audit.record(
        session=session,
        workspace_id=person.workspace_id,
        actor_id=actor_id,
        platform=platform,
        action="role_change",
        entity_type="person",
        entity_id=person.id,
        entity_ref=person.email,
        before={"role": before.value},
        after={"role": role.value},
    )
    return True
