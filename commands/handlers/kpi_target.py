"""`/kpi target CODE SCOPE TARGET [warning W] [critical C] [PERIOD]` (`/kpi 目标`): set a
target of the cascade in chat — HR admins and admins anywhere, a department head within their
department (and the departments under it). The same rule as app.yaml and the import
(storage.kpi_targets)."""

from __future__ import annotations

from sqlmodel import col, select

from commands.context import Context
from commands.handlers.kpi import scope_label
from commands.handlers.okr import resolve_person
from commands.types import CommandError, KpiTargetSet
from digests.formatting import number
from digests.message import Message
from storage.kpi_target_rules import TargetError, parse_scope_text
from storage.kpi_targets import TargetSpec, set_target
from storage.models import Department, KpiScope
from storage.repos import people

USAGE = "kpi.target"


def kpi_target(command: KpiTargetSet, ctx: Context) -> Message:
    """Create or change one target; the reply names its parent, and flags one it does not
    support."""
    scope = _scope_text(ctx, command.scope)
    spec = TargetSpec(
        code=command.code,
        scope=scope,
        target=command.target.amount,
        warning=command.warning.amount if command.warning else None,
        critical=command.critical.amount if command.critical else None,
        period=command.period,
    )
    try:
        kind, name = parse_scope_text(scope)
        _require_right(ctx, kind, name)
        done = set_target(
            session=ctx.session,
            workspace_id=ctx.workspace_id,
            spec=spec,
            actor_id=ctx.person_id,
            platform=ctx.platform,
        )
    except TargetError as error:
        key = f"kpi.target.error.{error.reason}"
        raise CommandError(key, dict(error.params), usage=USAGE) from None
    row, unit = done.target, done.kpi.unit
    key = "kpi.target.set" if done.changed else "kpi.target.unchanged"
    text = ctx.t(
        key,
        code=done.kpi.code,
        scope=scope_label(ctx, row),
        target=number(row.target, unit),
        period=ctx.t("kpi.target.every_period") if row.period == "*" else row.period,
    )
    lines = [text]
    if row.warning is not None or row.critical is not None:
        lines.append(
            ctx.t(
                "kpi.target.thresholds",
                warning=number(row.warning, unit) if row.warning is not None else "—",
                critical=number(row.critical, unit) if row.critical is not None else "—",
            )
        )
    if done.unsupported is not None:
        lines.append(
            ctx.t(
                "kpi.target.unsupported",
                target=number(row.target, unit),
                parent=number(done.unsupported.target, unit),
            )
        )
    return ctx.render("broadcast_note", text="\n".join(lines))


def _scope_text(ctx: Context, text: str) -> str:
    """`@person` (any way a person is named) → `person:EMAIL`; other scopes as written."""
    if text.startswith("@"):
        return f"person:{resolve_person(ctx, text).email}"
    kind, colon, rest = text.partition(":")
    if (
        colon
        and kind.strip().lower() in ("person", "个人", "人员")
        and rest.strip().startswith("@")
    ):
        return f"person:{resolve_person(ctx, rest.strip()).email}"
    return text


def _require_right(ctx: Context, kind: KpiScope, name: str) -> None:
    """HR admins and admins anywhere; a department head for their departments and people."""
    if ctx.access.sees_all():
        return
    headed = _headed_departments(ctx)
    if kind is KpiScope.DEPARTMENT:
        found = people.department_by_name(
            session=ctx.session, workspace_id=ctx.workspace_id, name=name
        )
        if found is not None and found.id in headed:
            return
    if kind is KpiScope.PERSON:
        person = people.get_by_email(session=ctx.session, workspace_id=ctx.workspace_id, email=name)
        if person is not None and person.department_id in headed:
            return
    raise CommandError("kpi.target.not_allowed")


def _headed_departments(ctx: Context) -> set[int]:
    heads = ctx.session.exec(
        select(Department.id).where(
            Department.workspace_id == ctx.workspace_id,
            col(Department.head_person_id) == ctx.person_id,
        )
    )
    headed: set[int] = set()
    for department_id in heads:
        if department_id is not None:
            headed |= people.department_and_below(
                session=ctx.session, workspace_id=ctx.workspace_id, department_id=department_id
            )
    return headed
