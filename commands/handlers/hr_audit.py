"""`/hr audit [@person] [since DATE] [until DATE]` (`/hr 审计`): who changed what, from where.

HR admins and admins only. The entries (commands/operations/audit_entries.py) also feed
`okrbot audit` (bot/cli_audit.py).
"""

from __future__ import annotations

from commands import mentions
from commands.context import Context
from commands.operations import audit_entries
from commands.types import CommandError, HrAudit
from digests.message import Message
from storage.models import Person

CHAT_LIMIT = 30  # entries in one chat reply (Slack allows 50 blocks)


def hr_audit(command: HrAudit, ctx: Context) -> Message:
    """The audit log for HR admins and admins, newest first, filtered by person and days."""
    if not ctx.access.sees_all():
        raise CommandError("audit.not_allowed")
    actor: Person | None = None
    if command.person:
        actor = mentions.one_person(ctx, command.person, usage="hr.audit")
    since, until = audit_entries.day_bounds(command.since, command.until, ctx.timezone)
    shown, total = audit_entries.entries(
        session=ctx.session,
        workspace_id=ctx.workspace_id,
        actor_id=actor.id if actor else None,
        since=since,
        until=until,
        limit=CHAT_LIMIT,
    )
    return ctx.render(
        "hr_audit",
        person=actor.name if actor else None,
        since=command.since.isoformat() if command.since else None,
        until=command.until.isoformat() if command.until else None,
        total=total,
        entries=[
            {
                "when": e.at.astimezone(ctx.timezone).strftime("%Y-%m-%d %H:%M"),
                "actor": e.actor,
                "source": e.source,
                "action": e.action,
                "entity": e.entity,
                "before": e.before,
                "after": e.after,
            }
            for e in shown
        ],
    )
