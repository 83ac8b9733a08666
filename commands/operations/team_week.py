"""A manager's week: which direct reports have checked in since Monday (the manager's own
Monday), who has KRs due and has not, and the one reminder a manager may send each of them
per week (the *Nudge* button of `/okr team`)."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import UTC, datetime, time, timedelta

from sqlmodel import col, select

from commands import lookups
from commands.context import Context
from commands.notify import notify
from commands.types import CommandError
from digests.i18n import reader_locale
from digests.render import render
from storage.models import CheckIn, OutboxMessage, Person
from storage.repos import schedule

NUDGE_ACTION = "team.nudge"


@dataclass(frozen=True)
class Week:
    """An ISO week in the manager's time zone: its key (`2026-W48`) and when it started."""

    key: str
    start: datetime


@dataclass(frozen=True)
class ReportWeek:
    """One direct report's week: KRs due, a check-in since Monday, a reminder already sent."""

    due: list[str]
    checked_in: bool
    nudged: bool


def this_week(ctx: Context) -> Week:
    today = ctx.today
    monday = today - timedelta(days=today.weekday())
    year, week, _ = today.isocalendar()
    start = datetime.combine(monday, time(0, 0), tzinfo=ctx.timezone).astimezone(UTC)
    return Week(f"{year}-W{week:02d}", start)


def nudge_key(week: Week, person_id: int) -> str:
    return f"team_nudge:{week.key}:{person_id}"


def team_week(ctx: Context, reports: Sequence[Person]) -> dict[int, ReportWeek]:
    """Each report's week, in three set queries."""
    ids = [p.id for p in reports if p.id is not None]
    if not ids:
        return {}
    week = this_week(ctx)
    due = schedule.due_key_results(
        session=ctx.session, workspace_id=ctx.workspace_id, owner_ids=ids
    )
    checked = set(
        ctx.session.exec(
            select(CheckIn.person_id).where(
                CheckIn.workspace_id == ctx.workspace_id,
                col(CheckIn.person_id).in_(ids),
                col(CheckIn.created_at) >= week.start,
            )
        )
    )
    keys = {nudge_key(week, person_id): person_id for person_id in ids}
    nudged = {
        keys[key]
        for key in ctx.session.exec(
            select(OutboxMessage.dedupe_key).where(
                OutboxMessage.workspace_id == ctx.workspace_id,
                col(OutboxMessage.dedupe_key).in_(list(keys)),
            )
        )
    }
    return {
        person_id: ReportWeek(
            [f"KR-{kr.number}" for kr in due.get(person_id, [])],
            person_id in checked,
            person_id in nudged,
        )
        for person_id in ids
    }


def _report(ctx: Context, value: str) -> Person:
    """The direct report a Nudge button names (its value: the person's id)."""
    person = lookups.person(ctx, value, unknown="team.nudge.unknown")
    if person.manager_id != ctx.person_id:
        raise CommandError("team.nudge.not_yours", {"name": person.name})
    return person


def nudge(ctx: Context, value: str) -> tuple[Person, bool]:
    """Remind a direct report to check in; False when they were reminded this week already
    (one reminder per person per week, whoever clicks and however often)."""
    person = _report(ctx, value)
    assert person.id is not None
    state = team_week(ctx, [person])[person.id]
    if not state.due:
        raise CommandError("team.nudge.nothing_due", {"name": person.name})
    message = render(
        "team_nudge",
        locale=reader_locale(person, ctx.workspace),
        manager=ctx.person.name,
        name=person.name,
        refs=state.due,
    )
    key = nudge_key(this_week(ctx), person.id)
    return person, notify(
        ctx, person_id=person.id, message=message, dedupe_key=key, kind="team_nudge"
    )
