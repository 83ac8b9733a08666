"""Everything stored about a person (PIPL/GDPR access request), found through the schema.

Rows are found generically: every table's columns that refer to `person.id` (so new tables
are covered), plus rows hanging off the objectives and key results the person owns (reviews,
scores, carries), audit entries about the person, departments they head and the Slack
installations they made.
"""

from __future__ import annotations

import base64
from collections.abc import Iterable
from datetime import date, datetime, time
from decimal import Decimal
from enum import Enum
from typing import Any

import sqlalchemy as sa
from sqlmodel import Session, SQLModel, col, func, select

import storage.models  # noqa: F401  (registers the tables)
from storage.models import Person, PersonIdentity, Platform
from storage.types import utcnow

OWNED = {"objective": "owner_person_id", "key_result": "owner_id"}
EXPORT_FORMAT = "okrbot-person-export"


def people_with_email(*, session: Session, email: str) -> list[Person]:
    """Every person (one per workspace) with this email, compared without case."""
    query = (
        select(Person)
        .where(func.lower(Person.email) == email.strip().lower())
        .order_by(col(Person.id))
    )
    return list(session.exec(query))


def person_columns(table: sa.Table) -> list[sa.Column[Any]]:
    """The columns of `table` that refer to a person."""
    return [
        c
        for c in table.columns
        if any(fk.column.table.name == "person" and fk.column.name == "id" for fk in c.foreign_keys)
    ]


def owned_ids(session: Session, person_id: int) -> dict[str, set[int]]:
    """Ids of the objectives and key results the person owns."""
    found: dict[str, set[int]] = {}
    for name, column in OWNED.items():
        table = SQLModel.metadata.tables[name]
        rows = session.connection().execute(
            sa.select(table.c.id).where(table.c[column] == person_id)
        )
        found[name] = {int(r[0]) for r in rows}
    return found


def person_conditions(
    table: sa.Table, person_id: int, owned: dict[str, set[int]]
) -> list[sa.ColumnElement[bool]]:
    """WHERE clauses (any of them) picking a table's rows about the person."""
    if table.name == "person":
        return [table.c.id == person_id]
    conditions: list[sa.ColumnElement[bool]] = [c == person_id for c in person_columns(table)]
    if table.name == "audit_log":
        conditions.append(sa.and_(table.c.entity_type == "person", table.c.entity_id == person_id))
    if table.name == "department":
        conditions.append(table.c.head_person_id == person_id)
    if not conditions:
        for fk in table.foreign_keys:
            ids = owned.get(fk.column.table.name)
            if ids and fk.column.name == "id":
                conditions.append(fk.parent.in_(ids))
    return conditions


def export_person(*, session: Session, email: str) -> dict[str, Any]:
    """A JSON-ready document of everything stored about the person with `email`."""
    people = people_with_email(session=session, email=email)
    connection = session.connection()
    records = []
    for person in people:
        assert person.id is not None
        owned = owned_ids(session, person.id)
        tables: dict[str, list[dict[str, Any]]] = {}
        for table in SQLModel.metadata.sorted_tables:
            conditions = person_conditions(table, person.id, owned)
            if not conditions:
                continue
            query = sa.select(table).where(sa.or_(*conditions)).order_by(*table.primary_key)
            rows = [_plain_row(r) for r in connection.execute(query).mappings()]
            if rows:
                tables[table.name] = rows
        installs = _slack_installations(session, person.id)
        if installs:
            tables["slack_installations"] = installs
        records.append(
            {"workspace_id": person.workspace_id, "person_id": person.id, "tables": tables}
        )
    return {
        "format": EXPORT_FORMAT,
        "email": email,
        "exported_at": utcnow().isoformat(),
        "people": records,
    }


def _slack_installations(session: Session, person_id: int) -> list[dict[str, Any]]:
    """Slack installs the person made (slack_sdk's table; tokens left out)."""
    slack_ids = list(
        session.exec(
            select(PersonIdentity.external_id).where(
                PersonIdentity.person_id == person_id, PersonIdentity.platform == Platform.SLACK
            )
        )
    )
    connection = session.connection()
    if not slack_ids or not sa.inspect(connection).has_table("slack_installations"):
        return []
    table = sa.Table("slack_installations", sa.MetaData(), autoload_with=connection)
    shown = [c for c in table.columns if "token" not in c.name]
    query = sa.select(*shown).where(table.c.user_id.in_(slack_ids))
    return [_plain_row(r) for r in connection.execute(query).mappings()]


def _plain_row(row: Any) -> dict[str, Any]:
    return {key: plain(value) for key, value in row.items()}


def plain(value: Any) -> Any:
    """A column value as plain JSON (timestamps ISO 8601 with their zone)."""
    if isinstance(value, Enum):
        return value.value
    if isinstance(value, datetime | date | time):
        return value.isoformat()
    if isinstance(value, Decimal):
        return str(value)
    if isinstance(value, bytes):
        return base64.b64encode(value).decode("ascii")
    if isinstance(value, Iterable) and not isinstance(value, str | dict):
        return [plain(v) for v in value]
    return value
