"""`/okr pause until DATE`, `/okr resume`, `/okr prompts DAY HH:MM`: a person's own prompts."""

from __future__ import annotations

from typing import Any

from commands.context import Context
from commands.types import CommandError, OkrPause, OkrPromptTime
from digests.message import Message
from storage.repos import audit, schedule


def okr_pause(command: OkrPause, ctx: Context) -> Message:
    """Pause check-in prompts until a day after today, or resume them (until None)."""
    if command.until is not None and command.until <= ctx.today:
        raise CommandError(
            "schedule.pause.past", {"date": command.until.isoformat()}, usage="okr.pause"
        )
    row = schedule.set_preference(
        session=ctx.session,
        workspace_id=ctx.workspace_id,
        person_id=ctx.person_id,
        paused_until=command.until,
    )
    action = "prompts_resume" if command.until is None else "prompts_pause"
    _audit(ctx, row.id, action, {"paused_until": command.until and command.until.isoformat()})
    if command.until is None:
        text = ctx.t("schedule.resumed")
    else:
        text = ctx.t("schedule.paused", date=command.until.isoformat())
    return ctx.render("broadcast_note", text=text)


def okr_prompts(command: OkrPromptTime, ctx: Context) -> Message:
    """Choose the check-in day and/or time; `default` goes back to the company's."""
    reset = command.day is None and command.time is None
    row = schedule.set_preference(
        session=ctx.session,
        workspace_id=ctx.workspace_id,
        person_id=ctx.person_id,
        checkin_day=None if reset else (command.day or False),
        checkin_time=None if reset else (command.time or False),
    )
    _audit(
        ctx,
        row.id,
        "prompts_set",
        {"checkin_day": row.checkin_day, "checkin_time": row.checkin_time},
    )
    if reset:
        return ctx.render("broadcast_note", text=ctx.t("schedule.prompts.reset"))
    day = (
        ctx.t(f"schedule.day.{row.checkin_day}")
        if row.checkin_day
        else ctx.t("schedule.day.default")
    )
    text = ctx.t(
        "schedule.prompts.set", day=day, time=row.checkin_time or ctx.t("schedule.day.default")
    )
    return ctx.render("broadcast_note", text=text)


def _audit(ctx: Context, row_id: int | None, action: str, after: dict[str, Any]) -> None:
    audit.record(
        session=ctx.session,
        workspace_id=ctx.workspace_id,
        actor_id=ctx.person_id,
        platform=ctx.platform,
        action=action,
        entity_type="schedule_preference",
        entity_id=row_id,
        after=after,
    )
