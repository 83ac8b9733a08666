"""`okrbot sync feishu`: Feishu's departments, members and leaders into okrbot's org chart.

Departments are matched by open_department_id, people by email; both are updated in place,
so a re-run changes only what changed in Feishu. Members without an email are skipped (email
is the identity that survives across platforms).
"""

from __future__ import annotations

from dataclasses import dataclass
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

from sqlmodel import Session, select

from bot.feishu.contact import FeishuDepartment, FeishuUser
from storage.models import Department, Person, Platform, Role, Workspace
from storage.repos import people
from storage.types import utcnow


@dataclass
class SyncReport:
    """What a sync did, for the command's summary line."""

    departments_created: int = 0
    departments_updated: int = 0
    people_created: int = 0
    people_updated: int = 0
    skipped_without_email: int = 0


def _valid_timezone(name: str | None) -> str | None:
    if not name:
        return None
    try:
        ZoneInfo(name)
    except (ZoneInfoNotFoundError, ValueError):
        return None
    return name


def _department_name(
    session: Session, workspace_id: int, record: FeishuDepartment, existing_id: int | None
) -> str:
    """The Feishu name, made unique in the workspace (two teams may share a name)."""
    taken = session.exec(
        select(Department).where(
            Department.workspace_id == workspace_id, Department.name == record.name
        )
    ).first()
    if taken is None or taken.id == existing_id:
        return record.name
    return f"{record.name} ({record.open_id[-6:]})"


def apply_departments(
    *, session: Session, workspace_id: int, records: list[FeishuDepartment], report: SyncReport
) -> dict[str, Department]:
    """Upsert departments (parents first); the rows by open_department_id."""
    rows = {
        d.external_id: d
        for d in session.exec(select(Department).where(Department.workspace_id == workspace_id))
        if d.external_id
    }
    for record in records:
        row = rows.get(record.open_id)
        parent = rows.get(record.parent_open_id) if record.parent_open_id else None
        name = _department_name(session, workspace_id, record, row.id if row else None)
        if row is None:
            row = Department(workspace_id=workspace_id, name=name, external_id=record.open_id)
            report.departments_created += 1
        elif (row.name, row.parent_id) != (name, parent.id if parent else None):
            report.departments_updated += 1
        row.name = name
        row.parent_id = parent.id if parent else None
        session.add(row)
        session.flush()
        rows[record.open_id] = row
    return rows


def _upsert_person(
    session: Session, workspace_id: int, user: FeishuUser, department: Department | None
) -> tuple[Person, bool, bool]:
    assert user.email is not None
    person = people.get_by_email(session=session, workspace_id=workspace_id, email=user.email)
    created = person is None
    if person is None:
        person = Person(
            workspace_id=workspace_id, email=people.normalise_email(user.email), name=user.name
        )
    before = (person.name, person.title, person.timezone, person.department_id)
    person.name = user.name or person.name
    person.title = user.title or person.title
    person.timezone = _valid_timezone(user.timezone) or person.timezone
    if department is not None:
        person.department_id = department.id
    changed = before != (person.name, person.title, person.timezone, person.department_id)
    if changed:
        person.updated_at = utcnow()
    session.add(person)
    session.flush()
    return person, created, changed and not created


def apply_org(
    *,
    session: Session,
    workspace: Workspace,
    departments: list[FeishuDepartment],
    users: list[FeishuUser],
) -> SyncReport:
    """Write departments, people, Feishu identities, manager links and department heads."""
    assert workspace.id is not None
    report = SyncReport()
    rows = apply_departments(
        session=session, workspace_id=workspace.id, records=departments, report=report
    )
    by_open_id: dict[str, Person] = {}
    for user in users:
        if not user.email:
            report.skipped_without_email += 1
            continue
        department = next((rows[d] for d in user.department_ids if d in rows), None)
        person, created, updated = _upsert_person(session, workspace.id, user, department)
        report.people_created += created
        report.people_updated += updated
        assert person.id is not None
        people.link_identity(
            session=session,
            workspace_id=workspace.id,
            person_id=person.id,
            platform=Platform.FEISHU,
            external_id=user.open_id,
        )
        by_open_id[user.open_id] = person
    for user in users:
        member = by_open_id.get(user.open_id)
        manager = by_open_id.get(user.leader_open_id or "")
        if member is not None and manager is not None and manager is not member:
            if member.manager_id != manager.id:
                member.manager_id = manager.id
                report.people_updated += 1
            _make_manager(session, manager)
    for record in departments:
        head = by_open_id.get(record.leader_open_id or "")
        if head is not None:
            rows[record.open_id].head_person_id = head.id
            session.add(rows[record.open_id])
            _make_manager(session, head)
    session.flush()
    return report


def _make_manager(session: Session, person: Person) -> None:
    """Leaders in Feishu are managers in okrbot (admins and HR keep their role)."""
    if person.role == Role.EMPLOYEE:
        person.role = Role.MANAGER
        session.add(person)
