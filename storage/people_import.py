"""Load an org chart from CSV into a workspace, upserting people by email.

Every row is checked in memory first; rejected rows are reported and skipped, and nothing at
all is written when the manager links would form a cycle. The workspace's people, departments
and identities are read once, so the cost does not grow with a query per row.
"""

from __future__ import annotations

import csv
import re
from collections import defaultdict
from collections.abc import Callable
from dataclasses import dataclass, field
from functools import lru_cache
from pathlib import Path
from zoneinfo import ZoneInfo

import sqlalchemy as sa
from sqlmodel import Session, col, select

from storage.file_headers import header_name
from storage.locales import normalise_locale
from storage.models import Department, Person, PersonIdentity, Platform, Role
from storage.repos import audit
from storage.repos.people import normalise_email
from storage.roles import change_role, parse_role
from storage.types import utcnow

REQUIRED_COLUMNS = ("email", "name")
KNOWN_COLUMNS = (
    "email",
    "name",
    "manager_email",
    "department",
    "title",
    "timezone",
    "locale",
    "role",
    "slack_user_id",
    "feishu_open_id",
)
# The headers HR systems export (English and Chinese), after `header_name`.
COLUMN_ALIASES = {
    **dict.fromkeys(["e_mail", "mail", "work_email", "邮箱", "电子邮箱", "邮件"], "email"),
    **dict.fromkeys(["full_name", "姓名", "名字"], "name"),
    **dict.fromkeys(
        ["manager", "manager_e_mail", "上级", "上级邮箱", "直属上级", "直属上级邮箱"],
        "manager_email",
    ),
    **dict.fromkeys(["dept", "部门"], "department"),
    **dict.fromkeys(["job_title", "position", "职位", "岗位", "职务"], "title"),
    **dict.fromkeys(["time_zone", "tz", "时区"], "timezone"),
    **dict.fromkeys(["language", "lang", "语言"], "locale"),
    **dict.fromkeys(["角色"], "role"),
    **dict.fromkeys(["slack_id"], "slack_user_id"),
    **dict.fromkeys(["open_id", "feishu_id", "lark_open_id"], "feishu_open_id"),
}
IDENTITY_COLUMNS = {"slack_user_id": Platform.SLACK, "feishu_open_id": Platform.FEISHU}
MAX_LENGTHS = {"name": 200, "department": 200, "title": 200, "timezone": 64}
MAX_EMAIL = 254
MAX_EXTERNAL_ID = 128
PROGRESS_EVERY = 500
EMAIL_RE = re.compile(r"^[^@\s,;<>]+@[^@\s,;<>]+\.[^@\s,;<>]+$")
LOCALE_RE = re.compile(r"^[A-Za-z]{2,3}([-_][A-Za-z0-9]{2,8})*$")

Progress = Callable[[int, int], None]
# Core tables, not ORM inserts: the ORM splits a bulk insert wherever a row's NULLs differ.
PEOPLE = Person.metadata.tables["person"]
IDENTITIES = PersonIdentity.metadata.tables["person_identity"]


@dataclass(frozen=True)
class RejectedRow:
    """A skipped row: its line in the file, its email (may be empty) and why."""

    line: int
    email: str
    reason: str
    params: dict[str, str] = field(default_factory=dict)


@dataclass
class ImportReport:
    """What an import did. `cycle` is set (and nothing was written) when managers loop."""

    rows: int = 0
    created: int = 0
    updated: int = 0
    unchanged: int = 0
    rejected: list[RejectedRow] = field(default_factory=list)
    cycle: list[str] | None = None
    ignored_columns: list[str] = field(default_factory=list)  # headers okrbot does not know


class ImportFileError(Exception):
    """The file cannot be read as a people CSV; `reason` and `params` name the problem."""

    def __init__(self, reason: str, **params: str) -> None:
        super().__init__(reason, params)
        self.reason = reason
        self.params = params


@dataclass
class _Row:
    line: int
    values: dict[str, str]
    email: str = ""
    manager: str = ""
    role: Role | None = None  # as the file says; None keeps the current (or derived) role
    identities: dict[Platform, str] = field(default_factory=dict)

    def get(self, column: str) -> str:
        return self.values.get(column, "")


def import_people(
    *, session: Session, workspace_id: int, path: Path, on_progress: Progress | None = None
) -> ImportReport:
    """Upsert the people of a CSV file into a workspace, in the caller's transaction.

    Raises ImportFileError when the file is missing, not UTF-8 CSV, or lacks the email and
    name columns. The caller commits.
    """
    rows, ignored = _read(path)
    report = ImportReport(rows=len(rows), ignored_columns=ignored)
    existing = {
        normalise_email(p.email): p
        for p in session.exec(select(Person).where(Person.workspace_id == workspace_id))
    }
    links = list(
        session.exec(select(PersonIdentity).where(PersonIdentity.workspace_id == workspace_id))
    )
    email_of = {p.id: email for email, p in existing.items()}
    claims = {(link.platform, link.external_id): email_of[link.person_id] for link in links}
    good = _check_rows(rows, claims, report.rejected)
    _check_managers(good, existing, report.rejected)
    report.rejected.sort(key=lambda rejected: rejected.line)
    managers = {e: email_of[p.manager_id] for e, p in existing.items() if p.manager_id in email_of}
    report.cycle = _find_cycle(good, managers)
    if report.cycle is None:
        loading = list(good.values())
        _write(session, workspace_id, loading, existing, links, managers, report, on_progress)
    return report


def _read(path: Path) -> tuple[list[_Row], list[str]]:
    """The file's data rows (CSV, or the first sheet of an .xlsx), with their line numbers;
    and the headers that name no column okrbot knows (as written)."""
    table = _xlsx_table(path) if path.suffix.lower() == ".xlsx" else _csv_table(path)
    header_at = next((i for i, (_, r) in enumerate(table) if any(c.strip() for c in r)), None)
    headers = [c.strip() for c in table[header_at][1]] if header_at is not None else []
    columns = [header_name(c, COLUMN_ALIASES) for c in headers]
    missing = [c for c in REQUIRED_COLUMNS if c not in columns]
    if missing:
        raise ImportFileError("missing_columns", columns=", ".join(missing))
    ignored = [h for h, c in zip(headers, columns, strict=True) if h and c not in KNOWN_COLUMNS]
    index: dict[str, int] = {}
    for at, name in enumerate(columns):
        index.setdefault(name, at)  # the first of duplicates
    rows: list[_Row] = []
    for line, record in table[(header_at or 0) + 1 :]:
        if any(cell.strip() for cell in record):
            values = {c: record[i].strip() for c, i in index.items() if i < len(record)}
            rows.append(_Row(line=line, values=values))
    return rows, ignored


def _csv_table(path: Path) -> list[tuple[int, list[str]]]:
    line = 0
    try:
        with path.open(encoding="utf-8-sig", newline="") as handle:
            reader = csv.reader(handle)
            table: list[tuple[int, list[str]]] = []
            line = 1
            for record in reader:
                table.append((line, record))
                line = reader.line_num + 1
            return table
    except FileNotFoundError:
        raise ImportFileError("file_missing") from None
    except UnicodeDecodeError:
        raise ImportFileError("not_text") from None
    except csv.Error as error:
        raise ImportFileError("not_csv", line=str(line), detail=str(error)) from None
    except OSError as error:
        raise ImportFileError("unreadable", detail=error.strerror or str(error)) from None


def _xlsx_table(path: Path) -> list[tuple[int, list[str]]]:
    from zipfile import BadZipFile

    from openpyxl import load_workbook

    if not path.exists():
        raise ImportFileError("file_missing")
    try:
        book = load_workbook(path, read_only=True, data_only=True)
    except (BadZipFile, KeyError, ValueError, OSError) as error:
        raise ImportFileError("unreadable", detail=str(error)) from None
    try:
        sheet = book.worksheets[0]
        return [
            (line, ["" if cell is None else str(cell) for cell in record])
            for line, record in enumerate(sheet.iter_rows(values_only=True), start=1)
        ]
    finally:
        book.close()


@lru_cache(maxsize=1024)
def _is_time_zone(name: str) -> bool:
    try:
        ZoneInfo(name)
    except (KeyError, ValueError, OSError):  # ZoneInfoNotFoundError is a KeyError
        return False
    return True


def _problem(row: _Row, first_line: dict[str, int]) -> tuple[str, dict[str, str]] | None:
    """The first thing wrong with a row on its own, if anything; fills row.email/manager."""
    raw_email = row.get("email")
    if not raw_email:
        return "missing_email", {}
    email = normalise_email(raw_email)
    if len(email) > MAX_EMAIL or not EMAIL_RE.match(email):
        return "bad_email", {"value": raw_email}
    row.email = email
    if email in first_line:
        return "duplicate_email", {"first_line": str(first_line[email])}
    first_line[email] = row.line
    if not row.get("name"):
        return "missing_name", {}
    for column, limit in MAX_LENGTHS.items():
        if len(row.get(column)) > limit:
            return "too_long", {"column": column, "max": str(limit)}
    zone = row.get("timezone")
    if zone and not _is_time_zone(zone):
        return "bad_timezone", {"value": zone}
    locale = row.get("locale")
    if locale and not LOCALE_RE.match(locale):
        return "bad_locale", {"value": locale}
    role = row.get("role")
    if role:
        row.role = parse_role(role)
        if row.role is None:
            return "bad_role", {"value": role}
    row.manager = normalise_email(row.get("manager_email"))
    if row.manager == email:
        return "self_manager", {}
    for column, platform in IDENTITY_COLUMNS.items():
        external_id = row.get(column)
        if len(external_id) > MAX_EXTERNAL_ID:
            return "too_long", {"column": column, "max": str(MAX_EXTERNAL_ID)}
        if external_id:
            row.identities[platform] = external_id
    return None


def _check_rows(
    rows: list[_Row], claims: dict[tuple[Platform, str], str], rejected: list[RejectedRow]
) -> dict[str, _Row]:
    """Rows that are fine on their own, by email; the others go to `rejected`."""
    good: dict[str, _Row] = {}
    first_line: dict[str, int] = {}
    for row in rows:
        problem = _problem(row, first_line)
        if problem is None:
            problem = _identity_problem(row, claims)
        if problem is not None:
            rejected.append(RejectedRow(row.line, row.email, problem[0], problem[1]))
        else:
            good[row.email] = row
    return good


def _identity_problem(
    row: _Row, claims: dict[tuple[Platform, str], str]
) -> tuple[str, dict[str, str]] | None:
    # An id linked to someone else is refused even when the file moves it away from them in
    # the same run: applying such swaps would break the unique constraint mid-flush.
    for platform, external_id in row.identities.items():
        holder = claims.get((platform, external_id))
        if holder is not None and holder != row.email:
            params = {"platform": platform.value, "external_id": external_id, "other": holder}
            return "identity_taken", params
    for platform, external_id in row.identities.items():
        claims[(platform, external_id)] = row.email
    return None


def _check_managers(
    good: dict[str, _Row], existing: dict[str, Person], rejected: list[RejectedRow]
) -> None:
    """Reject rows whose manager is nowhere to be found, and, in turn, their reports."""
    reports: dict[str, list[_Row]] = defaultdict(list)
    for row in good.values():
        if row.manager:
            reports[row.manager].append(row)
    gone = {r.email: r.line for r in rejected if r.email and r.reason != "duplicate_email"}
    queue = [r for r in good.values() if r.manager]
    while queue:
        row = queue.pop()
        if row.email not in good or row.manager in good or row.manager in existing:
            continue
        del good[row.email]
        if row.manager in gone:
            params = {"manager": row.manager, "manager_line": str(gone[row.manager])}
            rejected.append(RejectedRow(row.line, row.email, "manager_rejected", params))
        else:
            params = {"manager": row.manager}
            rejected.append(RejectedRow(row.line, row.email, "unknown_manager", params))
        gone[row.email] = row.line
        queue.extend(reports[row.email])


def _find_cycle(good: dict[str, _Row], managers: dict[str, str]) -> list[str] | None:
    """The first reporting loop that goes through a manager link set by the file."""

    def manager_of(email: str) -> str | None:
        row = good.get(email)
        return row.manager if row is not None and row.manager else managers.get(email)

    done: set[str] = set()
    for start in good:
        path: list[str] = []
        position: dict[str, int] = {}
        node: str | None = start
        while node is not None and node not in done and node not in position:
            position[node] = len(path)
            path.append(node)
            node = manager_of(node)
        if node is not None and node in position:
            cycle = path[position[node] :]
            if any(email in good and good[email].manager for email in cycle):
                return cycle
        done.update(path)
    return None


def _write(
    session: Session,
    workspace_id: int,
    rows: list[_Row],
    existing: dict[str, Person],
    links: list[PersonIdentity],
    managers: dict[str, str],
    report: ImportReport,
    on_progress: Progress | None,
) -> None:
    """New people go in as bulk inserts, existing ones are updated through the ORM."""
    now = utcnow()
    rows = _managers_first(rows, existing)
    departments = _departments(session, workspace_id, rows)
    with_reports = set((managers | {r.email: r.manager for r in rows if r.manager}).values())
    ids = {email: p.id for email, p in existing.items() if p.id is not None}
    changed: set[str] = set()
    unlinked: list[_Row] = []  # new people whose manager had no id yet when they went in
    for start in range(0, len(rows), PROGRESS_EVERY):
        new: list[dict[str, object]] = []
        for row in rows[start : start + PROGRESS_EVERY]:
            fields = _fields(row, departments)
            person = existing.get(row.email)
            if person is not None:
                if _update(person, fields):
                    changed.add(row.email)
                continue
            role = _role_of(row, None, with_reports)
            new.append(
                {k: v or None for k, v in fields.items()}
                | {"workspace_id": workspace_id, "email": row.email, "role": role}
                | {"manager_id": ids.get(row.manager), "active": True}
                | {"created_at": now, "updated_at": now}
            )
            if row.manager and row.manager not in ids:
                unlinked.append(row)
        if new:
            query = sa.insert(PEOPLE).returning(PEOPLE.c.id, PEOPLE.c.email)
            ids.update((email, person_id) for person_id, email in session.exec(query, params=new))
            report.created += len(new)
        if on_progress is not None and start + PROGRESS_EVERY < len(rows):
            on_progress(start + PROGRESS_EVERY, len(rows))
    if unlinked:
        links_to_set = [{"id": ids[r.email], "manager_id": ids[r.manager]} for r in unlinked]
        session.exec(sa.update(Person), params=links_to_set)
    _link_existing(rows, existing, ids, with_reports, changed)
    _set_roles(session, rows, existing, ids, with_reports, changed)
    _link_identities(session, workspace_id, rows, existing, ids, links, changed)
    for email in changed:
        existing[email].updated_at = now
    session.flush()
    _name_heads(session, workspace_id)
    report.updated = len(changed & {r.email for r in rows})
    report.unchanged = len(rows) - report.created - report.updated
    if on_progress is not None:
        on_progress(len(rows), len(rows))


def _role_of(row: _Row, current: Role | None, with_reports: set[str]) -> Role:
    """The file's role, else the current one; an employee with reports is a manager."""
    role = row.role or current or Role.EMPLOYEE
    return Role.MANAGER if role is Role.EMPLOYEE and row.email in with_reports else role


def _set_roles(
    session: Session,
    rows: list[_Row],
    existing: dict[str, Person],
    ids: dict[str, int],
    with_reports: set[str],
    changed: set[str],
) -> None:
    """Roles the file names: changed for people already here, and every role other than
    employee/manager given to a new person, audit-logged."""
    for row in rows:
        if row.role is None:
            continue
        person = existing.get(row.email)
        if person is None:
            if row.role in (Role.HR_ADMIN, Role.ADMIN):
                created = session.get(Person, ids[row.email])
                assert created is not None
                _audit_new_role(session, created)
            continue
        if change_role(
            session=session,
            person=person,
            role=_role_of(row, person.role, with_reports),
            actor_id=None,
            platform=Platform.CLI,
        ):
            changed.add(row.email)


def _audit_new_role(session: Session, person: Person) -> None:
    audit.record(
        session=session,
        workspace_id=person.workspace_id,
        actor_id=None,
        platform=Platform.CLI,
        action="role_change",
        entity_type="person",
        entity_id=person.id,
        entity_ref=person.email,
        before=None,
        after={"role": person.role.value},
    )


def _name_heads(session: Session, workspace_id: int) -> None:
    """A department without a head gets one when the reporting lines show it: the one member
    whose manager is outside the department (a workshop's supervisor)."""
    departments = session.exec(
        select(Department).where(
            Department.workspace_id == workspace_id, col(Department.head_person_id).is_(None)
        )
    ).all()
    if not departments:
        return
    members: dict[int, list[Person]] = defaultdict(list)
    for person in session.exec(select(Person).where(Person.workspace_id == workspace_id)):
        if person.department_id is not None and person.active:
            members[person.department_id].append(person)
    for department in departments:
        inside = {p.id for p in members.get(department.id or 0, [])}
        tops = [p for p in members.get(department.id or 0, []) if p.manager_id not in inside]
        if len(tops) == 1:
            department.head_person_id = tops[0].id
            session.add(department)
    session.flush()


def _managers_first(rows: list[_Row], existing: dict[str, Person]) -> list[_Row]:
    """Rows by depth below the people who already have ids, so that nearly every new
    manager is inserted in an earlier batch than their reports (and needs no update)."""
    new = {row.email: row for row in rows if row.email not in existing}
    depth: dict[str, int] = {}
    for row in new.values():
        chain: list[_Row] = []
        node: _Row | None = row
        while node is not None and node.email not in depth:  # no cycles by now
            chain.append(node)
            node = new.get(node.manager)
        base = depth[node.email] if node is not None else -1
        for offset, item in enumerate(reversed(chain), start=1):
            depth[item.email] = base + offset
    return sorted(rows, key=lambda row: depth.get(row.email, -1))


def _fields(row: _Row, departments: dict[str, int]) -> dict[str, str | int | None]:
    """A row's column values as Person attributes; empty ones mean "leave as is"."""
    locale = row.get("locale")
    return {
        "name": row.get("name"),
        "title": row.get("title"),
        "timezone": row.get("timezone"),
        "locale": normalise_locale(locale) if locale else None,
        "department_id": departments.get(row.get("department").lower()),
    }


def _update(person: Person, fields: dict[str, str | int | None]) -> bool:
    """Copy the non-empty values that differ; True when anything changed."""
    changed = False
    for name, value in fields.items():
        if value and getattr(person, name) != value:
            setattr(person, name, value)
            changed = True
    return changed


def _departments(session: Session, workspace_id: int, rows: list[_Row]) -> dict[str, int]:
    """Department ids by lower-cased name, creating the missing ones (flat, no parent)."""
    found = {
        d.name.lower(): d
        for d in session.exec(select(Department).where(Department.workspace_id == workspace_id))
    }
    for row in rows:
        name = row.get("department")
        if name and name.lower() not in found:
            found[name.lower()] = Department(workspace_id=workspace_id, name=name)
            session.add(found[name.lower()])
    session.flush()
    return {key: d.id for key, d in found.items() if d.id is not None}


def _link_existing(
    rows: list[_Row],
    existing: dict[str, Person],
    ids: dict[str, int],
    with_reports: set[str],
    changed: set[str],
) -> None:
    """Managers of people already in the workspace; the manager role for those with reports."""
    for row in rows:
        person = existing.get(row.email)
        if person is not None and row.manager and person.manager_id != ids[row.manager]:
            person.manager_id = ids[row.manager]
            changed.add(row.email)
    for email, person in existing.items():
        if email in with_reports and person.role == Role.EMPLOYEE:
            person.role = Role.MANAGER
            changed.add(email)


def _link_identities(
    session: Session,
    workspace_id: int,
    rows: list[_Row],
    existing: dict[str, Person],
    ids: dict[str, int],
    links: list[PersonIdentity],
    changed: set[str],
) -> None:
    """Platform ids: a new link per person and platform, or the old one's id replaced."""
    current = {(link.person_id, link.platform): link for link in links}
    new: list[dict[str, object]] = []
    for row in rows:
        person_id = ids[row.email]
        for platform, external_id in row.identities.items():
            link = current.get((person_id, platform))
            if link is None:
                new.append(
                    {"workspace_id": workspace_id, "person_id": person_id}
                    | {"platform": platform, "external_id": external_id}
                )
            elif link.external_id != external_id:
                link.external_id = external_id
            else:
                continue
            if row.email in existing:
                changed.add(row.email)
    if new:
        session.exec(sa.insert(IDENTITIES), params=new)
