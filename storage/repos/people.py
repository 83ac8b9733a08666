"""People, their platform identities and the reporting line."""

from __future__ import annotations

import re

import sqlalchemy as sa
from sqlalchemy.exc import IntegrityError
from sqlmodel import Session, col, select

from storage.models import Department, Person, PersonIdentity, Platform, Role, Workspace


def normalise_email(email: str) -> str:
    """Emails compare case-insensitively and without surrounding space."""
    return email.strip().lower()


def get(*, session: Session, workspace_id: int, person_id: int) -> Person | None:
    """A person of this workspace by id."""
    person = session.get(Person, person_id)
    return person if person is not None and person.workspace_id == workspace_id else None


def get_by_email(*, session: Session, workspace_id: int, email: str) -> Person | None:
    """A person of this workspace by email."""
    query = select(Person).where(
        Person.workspace_id == workspace_id, Person.email == normalise_email(email)
    )
    return session.exec(query).first()


def workspaces_with_email(*, session: Session, email: str) -> list[Workspace]:
    """Every workspace that has a person with this email."""
    query = (
        select(Workspace)
        .join(Person, col(Person.workspace_id) == col(Workspace.id))
        .where(Person.email == normalise_email(email))
        .order_by(col(Workspace.id))
    )
    return list(session.exec(query))


def get_by_identity(
    *, session: Session, workspace_id: int, platform: Platform, external_id: str
) -> Person | None:
    """The person a platform user id is linked to."""
    query = (
        select(Person)
        .join(PersonIdentity, col(PersonIdentity.person_id) == col(Person.id))
        .where(
            PersonIdentity.workspace_id == workspace_id,
            PersonIdentity.platform == platform,
            PersonIdentity.external_id == external_id,
        )
    )
    return session.exec(query).first()


def link_identity(
    *, session: Session, workspace_id: int, person_id: int, platform: Platform, external_id: str
) -> None:
    """Remember a person's id on a platform, replacing an older one for that platform (a
    miss recorded while the platform could not find them is cleared)."""
    from storage.repos.reach import clear_miss

    clear_miss(session=session, person_id=person_id, platform=platform)
    existing = session.exec(
        select(PersonIdentity).where(
            PersonIdentity.person_id == person_id, PersonIdentity.platform == platform
        )
    ).first()
    if existing is not None:
        existing.external_id = external_id
        session.flush()
        return
    try:
        # Two first requests from the same new user may race here (a slash command and an
        # event, or two replicas): the loser's insert is rolled back to the savepoint only.
        with session.begin_nested():
            session.add(
                PersonIdentity(
                    workspace_id=workspace_id,
                    person_id=person_id,
                    platform=platform,
                    external_id=external_id,
                )
            )
    except IntegrityError:
        pass


def find(*, session: Session, workspace_id: int, query: str) -> list[Person]:
    """People matching a mention: email, platform id, the email's name part, the full name,
    its part in one script ("李娜", "li na"), else one word of it ("mei"); maybe several."""
    text = query.strip().lstrip("@").strip()
    if not text:
        return []
    lowered = text.lower()
    base = select(Person).where(Person.workspace_id == workspace_id)
    by_email = session.exec(base.where(Person.email == lowered)).all()
    if by_email:
        return list(by_email)
    by_identity = session.exec(
        base.join(PersonIdentity, col(PersonIdentity.person_id) == col(Person.id)).where(
            PersonIdentity.external_id == text
        )
    ).all()
    if by_identity:
        return list(by_identity)
    by_local = session.exec(
        base.where(col(Person.email).startswith(f"{lowered}@", autoescape=True))
    ).all()
    if by_local:
        return list(by_local)
    by_name = list(session.exec(base.where(sa.func.lower(Person.name) == lowered)).all())
    if by_name:
        return by_name
    # A part of the name in one script: "李娜" or "li na" for "Li Na 李娜".
    wanted = " ".join(lowered.split())
    candidates = list(
        session.exec(
            base.where(
                sa.func.lower(Person.name).contains(lowered.split()[0], autoescape=True)
            ).limit(200)
        )
    )
    by_part = [p for p in candidates if wanted in name_forms(p.name)]
    if by_part or " " in wanted:
        return by_part
    # One word of the name, as a display name often is: "@mei" for "Mei Lin" (maybe several).
    return [p for p in candidates if wanted in name_words(p.name)]


_SCRIPT_RUNS = re.compile(r"[\u3400-\u9fff\uf900-\ufaff]+|[^\u3400-\u9fff\uf900-\ufaff]+")


def name_forms(name: str) -> set[str]:
    """The ways a name may be typed, lower-cased: whole, and each run of one script in it."""
    whole = " ".join(name.lower().split())
    return {whole} | {run.strip() for run in _SCRIPT_RUNS.findall(whole) if run.strip()}


def hr_admins(*, session: Session, workspace_id: int) -> list[Person]:
    """The active HR admins and admins, who see everything and decide HR's requests."""
    query = select(Person).where(
        Person.workspace_id == workspace_id,
        col(Person.role).in_([Role.HR_ADMIN, Role.ADMIN]),
        col(Person.active).is_(True),
    )
    return list(session.exec(query.order_by(col(Person.id))))


def name_words(name: str) -> set[str]:
    """Each word of a name, lower-cased: "Mei Lin 林美" → mei, lin, 林美."""
    return {word for form in name_forms(name) for word in form.split()}


def reports_of(*, session: Session, workspace_id: int, manager_id: int) -> list[Person]:
    """The people who report directly to this manager."""
    query = select(Person).where(
        Person.workspace_id == workspace_id, Person.manager_id == manager_id
    )
    return list(session.exec(query.order_by(col(Person.name))))


def department(*, session: Session, workspace_id: int, department_id: int) -> Department | None:
    """A department of this workspace by id."""
    found = session.get(Department, department_id)
    return found if found is not None and found.workspace_id == workspace_id else None


def department_and_below(*, session: Session, workspace_id: int, department_id: int) -> set[int]:
    """The department's id with those of every department under it, at any depth."""
    rows = session.exec(
        select(Department.id, Department.parent_id).where(Department.workspace_id == workspace_id)
    )
    children: dict[int | None, list[int]] = {}
    for row_id, parent_id in rows:
        if row_id is not None:
            children.setdefault(parent_id, []).append(row_id)
    found: set[int] = set()
    todo = [department_id]
    while todo:
        current = todo.pop()
        if current not in found:
            found.add(current)
            todo.extend(children.get(current, []))
    return found


def department_by_name(*, session: Session, workspace_id: int, name: str) -> Department | None:
    """A department of this workspace by exact name (case-insensitive)."""
    query = select(Department).where(
        Department.workspace_id == workspace_id,
        sa.func.lower(Department.name) == name.strip().lower(),
    )
    return session.exec(query).first()


def is_in_management_chain(
    *, session: Session, workspace_id: int, manager_id: int, person_id: int
) -> bool:
    """True when `manager_id` is above `person_id` in the reporting line."""
    seen: set[int] = set()
    current = get(session=session, workspace_id=workspace_id, person_id=person_id)
    while current is not None and current.manager_id is not None and current.id not in seen:
        assert current.id is not None
        seen.add(current.id)
        if current.manager_id == manager_id:
            return True
        current = get(session=session, workspace_id=workspace_id, person_id=current.manager_id)
    return False
