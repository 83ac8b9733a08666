"""`/okr delegate @person [until DATE]` (`/okr 委托`) and `/okr delegate off` (`/okr 取消委托`):
while a manager is away someone else decides their approvals. The delegate gets the approval
requests as well, either may decide, and the decision says who decided for whom."""

from __future__ import annotations

from commands.context import Context
from commands.handlers.okr import resolve_person
from commands.types import CommandError, OkrDelegate
from digests.message import Message
from storage import delegations

USAGE = "okr.delegate"


def okr_delegate(command: OkrDelegate, ctx: Context) -> Message:
    """Name the one delegate (replacing another), or call the delegation off."""
    if command.person is None:
        ended = delegations.call_off(session=ctx.session, manager=ctx.person, platform=ctx.platform)
        key = "delegate.ended" if ended else "delegate.none"
        names = ", ".join(p.name for p in ended)
        return ctx.render("broadcast_note", text=ctx.t(key, name=names))
    try:
        delegate = resolve_person(ctx, command.person)
    except CommandError as error:
        error.usage = USAGE if error.usage else None
        raise
    if delegate.id == ctx.person_id:
        raise CommandError("delegate.self", usage=USAGE)
    if not delegate.active:
        raise CommandError("delegate.inactive", {"name": delegate.name}, usage=USAGE)
    if command.until is not None and command.until < ctx.today:
        raise CommandError("delegate.past", {"date": command.until.isoformat()}, usage=USAGE)
    delegations.delegate(
        session=ctx.session,
        manager=ctx.person,
        to=delegate,
        until=command.until,
        platform=ctx.platform,
    )
    if command.until is None:
        text = ctx.t("delegate.named", name=delegate.name)
    else:
        text = ctx.t("delegate.named_until", name=delegate.name, date=command.until.isoformat())
    return ctx.render("broadcast_note", text=text)
