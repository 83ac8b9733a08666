"""Erasing a person (PIPL/GDPR-style): identifiers and free text go, numbers stay.

The person keeps their row and id, so objectives, key results, check-in values, KPI readings
and scores still add up; their name becomes `erased-person-<id>`, their email
`erased-person-<id>@erased.invalid`, their platform identities and conversation state are
deleted, the free text they wrote or that was written to them is blanked, and finally every
text column of every table is swept for any remaining mention of their name, email or
platform ids (e.g. a manager's note naming them). The erasure is audit-logged by pseudonym.
"""

from __future__ import annotations

import json
from dataclasses import dataclass, field
from typing import Any

import sqlalchemy as sa
from sqlalchemy.engine import Connection
from sqlmodel import Session, SQLModel, select

from storage.models import Person, PersonIdentity, Platform
from storage.privacy_export import owned_ids, people_with_email, person_conditions
from storage.repos import audit
from storage.types import utcnow

# Keys of audit JSON (before/after) holding free text or identifiers.
FREE_TEXT_KEYS = frozenset(
    {
        "note",
        "text",
        "comment",
        "reason",
        "worked",
        "did_not",
        "next_steps",
        "manager_comment",
        "description",
        "name",
        "email",
        "title",
        "external_id",
    }
)
# Rows of the person's own that are nothing but identity or conversation state.
DELETE_OWN = ("person_identity", "platform_miss", "flow_run")
# Free-text columns blanked, and whose rows: those where one of these person columns is the
# person (none listed: rows hanging off what the person owns). NOT NULL text becomes "".
BLANK_COLUMNS: dict[str, tuple[tuple[str, tuple[str, ...]], ...]] = {
    "check_in": (("note", ("person_id",)),),
    "kpi_feedback": (("text", ("author_id", "recipient_id")),),
    "objective": (("description", ("owner_person_id",)),),
    "objective_review": tuple(
        (c, ()) for c in ("worked", "did_not", "next_steps", "manager_comment")
    ),
    "approval_request": (
        ("reason", ("requester_id",)),
        ("comment", ("approver_id", "decided_by_id")),
    ),
    "key_result_version": (("reason", ("changed_by_id",)),),
    "outbox_message": tuple((c, ("person_id",)) for c in ("payload", "platform_ref", "last_error")),
}
# Identity columns of other people are never swept (a substring of someone else's name).
NOT_SWEPT = frozenset({"person", "person_identity", "alembic_version"})
MIN_ASCII_NAME = 4


@dataclass
class Erasure:
    """One erased person."""

    workspace_id: int
    person_id: int
    pseudonym: str
    changed: dict[str, int] = field(default_factory=dict)


def pseudonym_of(person_id: int) -> str:
    """The stable replacement for an erased person's name."""
    return f"erased-person-{person_id}"


def erase_person(*, session: Session, email: str) -> list[Erasure]:
    """Anonymise every person with `email` in the caller's transaction."""
    return [_erase(session, person) for person in people_with_email(session=session, email=email)]


def _erase(session: Session, person: Person) -> Erasure:
    assert person.id is not None
    pid, pseudonym = person.id, pseudonym_of(person.id)
    identities = list(session.exec(select(PersonIdentity).where(PersonIdentity.person_id == pid)))
    replacements = _replacements(person, [i.external_id for i in identities], pseudonym)
    erasure = Erasure(workspace_id=person.workspace_id, person_id=pid, pseudonym=pseudonym)
    connection = session.connection()
    owned = owned_ids(session, pid)
    for name in DELETE_OWN:
        table = SQLModel.metadata.tables[name]
        erasure.changed[name] = connection.execute(
            table.delete().where(table.c.person_id == pid)
        ).rowcount
    _blank_free_text(connection, pid, owned, erasure)
    _anonymise_audit(connection, pid)
    _cancel_pending_messages(connection, pid)
    person_table = SQLModel.metadata.tables["person"]
    connection.execute(
        person_table.update()
        .where(person_table.c.id == pid)
        .values(
            name=pseudonym,
            email=f"{pseudonym}@erased.invalid",
            title=None,
            active=False,
            updated_at=utcnow(),
        )
    )
    for swept, count in _sweep(connection, replacements).items():
        erasure.changed[swept] = erasure.changed.get(swept, 0) + count
    session.expire_all()
    audit.record(
        session=session,
        workspace_id=person.workspace_id,
        actor_id=None,
        platform=Platform.CLI,
        action="privacy.erase",
        entity_type="person",
        entity_id=pid,
        entity_ref=pseudonym,
        after={"pseudonym": pseudonym},
    )
    return erasure


def _replacements(person: Person, platform_ids: list[str], pseudonym: str) -> dict[str, str]:
    """Each identifying string (and its JSON-escaped form) and what replaces it."""
    found: dict[str, str] = {}
    emails = {person.email, person.email.lower()}
    for email in emails:
        found[email] = f"{pseudonym}@erased.invalid"
    name = person.name.strip()
    if len(name) >= (MIN_ASCII_NAME if name.isascii() else 2):
        found[name] = pseudonym
    for external_id in platform_ids:
        if len(external_id) >= MIN_ASCII_NAME:
            found[external_id] = pseudonym
    for text, replacement in list(found.items()):
        escaped = json.dumps(text)[1:-1]
        if escaped != text:
            found[escaped] = replacement
    return found


def _blank_free_text(
    connection: Connection, pid: int, owned: dict[str, set[int]], erasure: Erasure
) -> None:
    for name, columns in BLANK_COLUMNS.items():
        table = SQLModel.metadata.tables[name]
        for column, people in columns:
            conditions = (
                [table.c[p] == pid for p in people]
                if people
                else person_conditions(table, pid, owned)
            )
            if not conditions:
                continue
            blank = "{}" if column == "payload" else None if table.c[column].nullable else ""
            query = table.update().where(sa.or_(*conditions), table.c[column].is_not(None))
            if blank is not None:
                query = query.where(table.c[column] != blank)
            count = connection.execute(query.values({column: blank})).rowcount
            erasure.changed[name] = erasure.changed.get(name, 0) + count


def _anonymise_audit(connection: Connection, pid: int) -> None:
    """Entries about the person lose their details; their own changes lose the free text."""
    table = SQLModel.metadata.tables["audit_log"]
    about = sa.and_(table.c.entity_type == "person", table.c.entity_id == pid)
    connection.execute(table.update().where(about).values(before=None, after=None))
    rows = connection.execute(
        sa.select(table.c.id, table.c.before, table.c.after).where(table.c.actor_id == pid)
    ).all()
    for row in rows:
        connection.execute(
            table.update()
            .where(table.c.id == row.id)
            .values(before=_without_free_text(row.before), after=_without_free_text(row.after))
        )


def _without_free_text(text: str | None) -> str | None:
    if text is None:
        return None
    try:
        data: Any = json.loads(text)
    except ValueError:
        return None
    if not isinstance(data, dict):
        return None
    kept = {k: v for k, v in data.items() if k not in FREE_TEXT_KEYS}
    return json.dumps(kept, ensure_ascii=False)


def _cancel_pending_messages(connection: Connection, pid: int) -> None:
    """Blanked messages must not go out: pending ones are marked dead."""
    table = SQLModel.metadata.tables["outbox_message"]
    connection.execute(
        table.update()
        .where(table.c.person_id == pid, table.c.status.in_(["pending", "sending"]))
        .values(status="dead", last_error="recipient erased")
    )


def _sweep(connection: Connection, replacements: dict[str, str]) -> dict[str, int]:
    """Replace every remaining mention in every text column of every table."""
    metadata = sa.MetaData()
    metadata.reflect(connection)
    needles = sorted(replacements.items(), key=lambda item: -len(item[0]))  # longest first
    changed: dict[str, int] = {}
    for table in metadata.sorted_tables:
        if table.name in NOT_SWEPT:
            continue
        for column in table.columns:
            if not isinstance(column.type, sa.String):  # Text and VARCHAR; enums reflect as it
                continue
            replaced: sa.ColumnElement[Any] = column
            for needle, replacement in needles:
                replaced = sa.func.replace(replaced, needle, replacement)
            mentions = sa.or_(*(column.contains(n, autoescape=True) for n, _ in needles))
            count = connection.execute(
                table.update().where(mentions).values({column.name: replaced})
            ).rowcount
            if count:
                changed[table.name] = changed.get(table.name, 0) + count
    return changed
