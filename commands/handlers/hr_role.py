"""`/hr role @person ROLE` (`/hr 角色`): an admin makes someone an HR admin, an admin, a
manager or an employee. Audit-logged; the last admin cannot step down."""

from __future__ import annotations

from sqlmodel import col, select

from commands.context import Context
from commands.handlers.okr import resolve_person
from commands.types import CommandError, HrRole
from digests.message import Message
from storage.models import Person, Role
from storage.roles import change_role, parse_role

USAGE = "hr.role"


def hr_role(command: HrRole, ctx: Context) -> Message:
    """Change a person's role (admins only)."""
    if ctx.person.role is not Role.ADMIN:
        raise CommandError("hr.role.not_allowed")
    role = parse_role(command.role)
    if role is None:
        raise CommandError("hr.role.bad_role", {"role": command.role}, usage=USAGE)
    try:
        person = resolve_person(ctx, command.person)
    except CommandError as error:
        error.usage = USAGE if error.usage else None
        raise
    if person.role is Role.ADMIN and role is not Role.ADMIN and _admins(ctx) == 1:
        raise CommandError("hr.role.last_admin", {"name": person.name})
    changed = change_role(
        session=ctx.session, person=person, role=role, actor_id=ctx.person_id, platform=ctx.platform
    )
    key = "hr.role.changed" if changed else "hr.role.unchanged"
    text = ctx.t(key, name=person.name, role=ctx.t(f"roles.{role.value}"))
    return ctx.render("broadcast_note", text=text)


def _admins(ctx: Context) -> int:
    found = ctx.session.exec(
        select(Person.id).where(
            Person.workspace_id == ctx.workspace_id,
            Person.role == Role.ADMIN,
            col(Person.active).is_(True),
        )
    )
    return len(list(found))
