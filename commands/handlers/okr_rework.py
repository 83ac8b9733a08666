"""`/okr edit O-n KR-m FIELD VALUE`, `/okr submit O-n` and the "Send for approval" button:
rework a draft one field at a time and send it again, in two steps."""

from __future__ import annotations

from commands import lookups
from commands.actions import Action
from commands.context import Context
from commands.operations import draft_edit
from commands.types import CommandError, OkrEditField, OkrSubmit
from digests.message import Message


def okr_edit_field(command: OkrEditField, ctx: Context) -> Message:
    """Change one field of a draft and offer to send it for approval."""
    done = draft_edit.edit_field(
        ctx, command.objective_number, command.kr_number, command.field, command.value
    )
    return ctx.render(
        "okr_edited",
        ref=done.ref,
        field=done.field,
        old=done.old,
        new=done.new,
        objective=f"O-{done.objective.number}",
        status=done.objective.status.value,
    )


def okr_submit(command: OkrSubmit, ctx: Context) -> Message:
    """Send a draft (again) for approval."""
    return draft_edit.submit(ctx, command.objective_number)


def on_submit_click(action: Action, ctx: Context) -> Message:
    """The "Send for approval" button of an edited draft (its value: the objective number)."""
    number = lookups.parse_id(action.value)
    if number is None:
        raise CommandError("error.unknown_action")
    return draft_edit.submit(ctx, number)
