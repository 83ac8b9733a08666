"""`/kpi period close|open PERIOD` (`/kpi 周期 关闭|开启 …`): HR closes a KPI period once its
pay bands are settled; after that its readings change only by HR admins and admins (the API,
imports and pulls are refused, naming the closed period; a change typed in chat becomes a
correction request HR approves: `commands/operations/kpi_corrections.py`). Audit-logged."""

from __future__ import annotations

from commands.context import Context
from commands.types import CommandError, KpiPeriodAct
from digests.message import Message
from storage.repos import audit, kpi_periods


def kpi_period(command: KpiPeriodAct, ctx: Context) -> Message:
    """Close, reopen or list closed KPI periods (HR admins and admins)."""
    if not ctx.access.sees_all():
        raise CommandError("kpi.period.not_allowed")
    if command.action == "list" or command.period is None:
        closed = kpi_periods.closed_labels(session=ctx.session, workspace_id=ctx.workspace_id)
        key = "kpi.period.list" if closed else "kpi.period.none"
        return ctx.render("broadcast_note", text=ctx.t(key, periods=", ".join(closed)))
    if command.action == "close":
        changed = kpi_periods.close(
            session=ctx.session,
            workspace_id=ctx.workspace_id,
            period=command.period,
            by=ctx.person_id,
            now=ctx.now,
        )
        key = "kpi.period.closed" if changed else "kpi.period.already_closed"
    else:
        changed = kpi_periods.reopen(
            session=ctx.session, workspace_id=ctx.workspace_id, period=command.period
        )
        key = "kpi.period.reopened" if changed else "kpi.period.not_closed"
    if changed:
        audit.record(
            session=ctx.session,
            workspace_id=ctx.workspace_id,
            actor_id=ctx.person_id,
            platform=ctx.platform,
            action=f"kpi_period_{command.action}",
            entity_type="kpi_period",
            entity_id=None,
            entity_ref=command.period,
        )
    return ctx.render("broadcast_note", text=ctx.t(key, period=command.period))
