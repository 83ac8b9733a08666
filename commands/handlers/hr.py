"""`/hr broadcast` (preview, then Send) and `/hr status` (with "Remind the rest").

Sending enqueues one outbox row a person under `broadcast:<id>:<person_id>`; a second Send,
a repeated `… confirm` or a resend after a crash enqueue the same keys, so nobody gets it twice.
"""

from __future__ import annotations

from commands import lookups
from commands.actions import Action
from commands.context import Context
from commands.limits import checked
from commands.operations import broadcasts as broadcast_ops
from commands.types import CommandError, HrBroadcast, HrStatus
from digests.message import Message
from storage.models import Broadcast, Platform
from storage.repos import audit, broadcasts, reach


def _require_hr(ctx: Context) -> None:
    if not ctx.access.sees_all():
        raise CommandError("hr.not_allowed")


def _note(ctx: Context, key: str, **params: object) -> Message:
    return ctx.render("broadcast_note", text=ctx.t(key, **params))


def _send(ctx: Context, row: Broadcast) -> Message:
    queued = broadcast_ops.send(
        session=ctx.session,
        workspace=ctx.workspace,
        broadcast=row,
        now=ctx.now,
        sender=ctx.person.name,
    )
    if queued:
        _audit(ctx, row, "broadcast_sent", queued)
    key = "hr.broadcast.sent" if queued else "hr.broadcast.already_sent"
    return _note(ctx, key, ref=row.id, queued=queued)


def _audit(ctx: Context, row: Broadcast, action: str, queued: int) -> None:
    audit.record(
        session=ctx.session,
        workspace_id=ctx.workspace_id,
        actor_id=ctx.person_id,
        platform=ctx.platform,
        action=action,
        entity_type="broadcast",
        entity_id=row.id,
        entity_ref=f"#{row.id}",
        after={"audience": row.audience, "queued": queued, "reminders": row.reminders},
    )


def hr_broadcast(command: HrBroadcast, ctx: Context) -> Message:
    """Preview the audience size with Send/Cancel; `… confirm` sends at once."""
    _require_hr(ctx)
    if command.departments_and_text:
        audience, text = broadcast_ops.split_departments(
            session=ctx.session, workspace_id=ctx.workspace_id, words=command.departments_and_text
        )
        if not text:
            raise CommandError("hr.broadcast.missing", usage="hr.broadcast")
        command = HrBroadcast(audience, text, command.confirm)
    checked(command.text, "broadcast", usage="hr.broadcast")
    people = broadcast_ops.audience_of(
        session=ctx.session, workspace_id=ctx.workspace_id, spec=command.audience, now=ctx.now
    )
    row = broadcasts.draft(
        session=ctx.session,
        workspace_id=ctx.workspace_id,
        created_by_id=ctx.person_id,
        audience=command.audience,
        text=command.text,
        size=len(people),
        now=ctx.now,
    )
    if command.confirm:
        return _send(ctx, row)
    return ctx.render(
        "broadcast_preview",
        broadcast_id=row.id,
        count=len(people),
        audience=command.audience,
        text=command.text,
    )


def _broadcast(ctx: Context, value: str) -> Broadcast:
    _require_hr(ctx)
    return lookups.broadcast(ctx, value)


def send_clicked(action: Action, ctx: Context) -> Message:
    """Send (or resume sending) the previewed broadcast."""
    return _send(ctx, _broadcast(ctx, action.value))


def cancel_clicked(action: Action, ctx: Context) -> Message:
    """Drop a draft; a broadcast already sent stays sent."""
    row = _broadcast(ctx, action.value)
    if row.confirmed_at is not None:
        return _note(ctx, "hr.broadcast.too_late", ref=row.id)
    ctx.session.delete(row)
    return _note(ctx, "hr.broadcast.cancelled", ref=row.id)


def hr_status(command: HrStatus, ctx: Context) -> Message:
    """Audience, delivered, pending, dead letters, read, responded; a button to remind."""
    _require_hr(ctx)
    if command.broadcast_id is not None:
        row = _broadcast(ctx, str(command.broadcast_id))
        if row.confirmed_at is None:
            return _note(ctx, "hr.status.draft", ref=row.id)
    else:
        found = broadcasts.latest(session=ctx.session, workspace_id=ctx.workspace_id)
        if found is None:
            raise CommandError("hr.status.none")
        row = found
    status = broadcasts.status(
        session=ctx.session,
        broadcast=row,
        reports_reads=ctx.workspace.platform is Platform.FEISHU,
    )
    names = {
        person_id: person.name
        for person_id, person in broadcast_ops.people_by_id(
            ctx.session, [p for p, _ in status.dead]
        ).items()
    }
    dead = [(names.get(p, f"#{p}"), reason or "?") for p, reason in status.dead]
    return ctx.render(
        "broadcast_status",
        broadcast_id=row.id,
        text=row.text,
        spec=row.audience,
        audience=status.audience,
        delivered=status.delivered,
        pending=status.pending,
        dead=dead,
        read=status.read,
        read_of=status.delivered,
        read_platform=ctx.workspace.platform.value,
        responded=status.responded,
        reminders=row.reminders,
        waiting=len(status.non_responders),
        unreachable=unreachable_people(ctx),
    )


def remind_clicked(action: Action, ctx: Context) -> Message:
    """A reminder round to everyone in the audience who has not responded yet."""
    row = _broadcast(ctx, action.value)
    assert row.id is not None
    broadcast_id = row.id
    waiting = broadcasts.status(session=ctx.session, broadcast=row).non_responders
    if not waiting:
        return _note(ctx, "hr.remind.nobody", ref=row.id)
    round_ = row.reminders + 1
    people = broadcast_ops.people_by_id(ctx.session, waiting)
    broadcast_ops.enqueue(
        session=ctx.session,
        workspace=ctx.workspace,
        people=[people[p] for p in waiting if p in people],
        key=lambda person_id: broadcasts.reminder_key(broadcast_id, round_, person_id),
        kind=broadcasts.REMINDER_KIND,
        text=row.text,
        sender=ctx.person.name,
        reminder=True,
    )
    row.reminders = round_
    ctx.session.add(row)
    _audit(ctx, row, "broadcast_reminded", len(waiting))
    return _note(ctx, "hr.remind.sent", ref=row.id, count=len(waiting), round=round_)


def unreachable_people(ctx: Context) -> list[tuple[str, str]]:
    """People no chat platform could find by email (name, email), for HR to fix."""
    found = reach.unreachable(session=ctx.session, workspace_id=ctx.workspace_id)
    return [(person.name, person.email) for person, _ in found]
