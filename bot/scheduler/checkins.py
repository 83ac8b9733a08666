"""Check-in jobs: the weekly prompt, the nudge, and the escalation to the manager.

Every message is keyed by the person's own ISO week, so a job run twice, a catch-up run after
a restart, or `okrbot jobs run` never queues a second copy.
"""

from __future__ import annotations

from datetime import timedelta
from typing import Any

from sqlmodel import Session

from bot.scheduler.context import JobRun, checkin_slot, paused, zone_of
from bot.scheduler.slots import Slot, week_key
from commands import checkin_forms
from commands.views import kr_view
from digests.i18n import reader_locale
from digests.insights.prompt import prompt_flags_many
from digests.render import render
from storage.db import session_scope
from storage.models import KeyResult, Person, Platform, Workspace
from storage.repos import outbox, schedule, workspaces

Pending = tuple[Person, str, str, str, dict[str, Any]]  # person, key, kind, template, data


def _queue_all(session: Session, workspace: Workspace, pending: list[Pending]) -> int:
    """Queue many messages: keys already queued are skipped before anything is drawn, the
    rest go in as one insert a thousand; how many were new."""
    assert workspace.id is not None
    fresh = set(
        outbox.keys_not_queued(
            session=session, workspace_id=workspace.id, keys=[p[1] for p in pending]
        )
    )
    messages = [
        outbox.Queued(
            person.id or 0,
            key,
            kind,
            render(template, locale=reader_locale(person, workspace), **data).model_dump_json(),
        )
        for person, key, kind, template, data in pending
        if key in fresh
    ]
    queued = 0
    for start in range(0, len(messages), 1000):
        queued += outbox.enqueue_many(
            session=session, workspace_id=workspace.id, messages=messages[start : start + 1000]
        )
    return queued


def prompt_krs(workspace: Workspace, krs: list[KeyResult], stamp: int) -> dict[str, Any]:
    """The prompt's KRs, and how it asks: on Feishu the card is the check-in form itself (its
    first page), elsewhere one *Check in* button opens it."""
    if workspace.platform is not Platform.FEISHU:
        return {"krs": [kr_view(kr) for kr in krs], "style": "button"}
    views, state = checkin_forms.first_page(krs, stamp=stamp)
    pages = -(-len(krs) // checkin_forms.PAGE)
    form = {"value": state.encode(), "page": 1, "pages": pages}
    return {"krs": views, "style": "form", "form": form}


def checkin_prompts(run: JobRun) -> int:
    """Prompt each due person about their active KRs not updated in the last N days.

    Set-based: who is due is decided in memory from three queries a workspace, prompts already
    queued this week are skipped before anything is drawn, forecasts are read for all of them
    at once, and the prompts go in as one insert a thousand.
    """
    queued = 0
    stale_before = run.now - timedelta(days=run.config.checkins.skip_if_updated_within_days)
    with session_scope(run.engine) as session:
        for workspace in workspaces.list_all(session=session):
            assert workspace.id is not None
            prefs = schedule.preferences(session=session, workspace_id=workspace.id)
            krs = schedule.due_key_results(session=session, workspace_id=workspace.id)
            due: dict[str, tuple[Person, list[KeyResult]]] = {}
            for person in schedule.active_people(session=session, workspace_id=workspace.id):
                assert person.id is not None
                todo = [kr for kr in krs.get(person.id, []) if kr.updated_at < stale_before]
                pref = prefs.get(person.id)
                if not todo or paused(run, person, workspace, pref):
                    continue
                if not run.due(checkin_slot(run, person, workspace, pref)):
                    continue
                week = week_key(run.now, zone_of(person, workspace))
                due[f"checkin:{week}:{person.id}"] = (person, todo)
            fresh = outbox.keys_not_queued(
                session=session, workspace_id=workspace.id, keys=list(due)
            )
            if not fresh:
                continue
            stamp = checkin_forms.latest_check_in_id(session=session, workspace_id=workspace.id)
            flags = prompt_flags_many(
                session=session,
                workspace_id=workspace.id,
                wanted={
                    due[key][0].id or 0: [kr.id for kr in due[key][1] if kr.id is not None]
                    for key in fresh
                },
            )
            messages = []
            for key in fresh:
                person, todo = due[key]
                message = render(
                    "checkin_prompt",
                    locale=reader_locale(person, workspace),
                    name=person.name,
                    **prompt_krs(workspace, todo, stamp),
                    forecasts=flags.get(person.id or 0, []),
                )
                messages.append(
                    outbox.Queued(person.id or 0, key, "checkin_prompt", message.model_dump_json())
                )
            for start in range(0, len(messages), 1000):
                queued += outbox.enqueue_many(
                    session=session,
                    workspace_id=workspace.id,
                    messages=messages[start : start + 1000],
                )
    return queued


def nudges(run: JobRun) -> int:
    """Nudge people prompted this week who have not checked in since."""
    day = run.config.checkins.nudge_day
    if day is None:
        return 0
    queued = 0
    with session_scope(run.engine) as session:
        for workspace in workspaces.list_all(session=session):
            assert workspace.id is not None
            prompted = schedule.prompts_since(
                session=session, workspace_id=workspace.id, since=run.now - timedelta(days=7)
            )
            last = schedule.last_check_in(session=session, workspace_id=workspace.id)
            prefs = schedule.preferences(session=session, workspace_id=workspace.id)
            pending: list[Pending] = []
            for person in schedule.active_people(session=session, workspace_id=workspace.id):
                assert person.id is not None
                if person.id not in prompted or paused(
                    run, person, workspace, prefs.get(person.id)
                ):
                    continue
                at = run.config.checkins.time
                if not run.due(Slot(day=day, at=at, zone=zone_of(person, workspace))):
                    continue
                checked = last.get(person.id)
                if checked is not None and checked >= prompted[person.id][0]:
                    continue
                week = week_key(run.now, zone_of(person, workspace))
                key = f"nudge:{week}:{person.id}"
                pending.append(
                    (person, key, "checkin_nudge", "checkin_prompt_nudge", {"name": person.name})
                )
            queued += _queue_all(session, workspace, pending)
    return queued


def escalations(run: JobRun) -> int:
    """Tell a manager when one of their people missed the last N prompts in a row."""
    missed_needed = run.config.checkins.escalate_after_missed
    if missed_needed <= 0:
        return 0
    queued = 0
    with session_scope(run.engine) as session:
        for workspace in workspaces.list_all(session=session):
            assert workspace.id is not None
            since = run.now - timedelta(days=7 * missed_needed + 7)
            prompted = schedule.prompts_since(
                session=session, workspace_id=workspace.id, since=since
            )
            last = schedule.last_check_in(session=session, workspace_id=workspace.id)
            people = {
                p.id: p for p in schedule.active_people(session=session, workspace_id=workspace.id)
            }
            pending: list[Pending] = []
            for person_id, prompts in prompted.items():
                person = people.get(person_id)
                if (
                    person is None
                    or person.manager_id not in people
                    or len(prompts) < missed_needed
                ):
                    continue
                checked = last.get(person_id)
                if checked is not None and checked >= prompts[missed_needed - 1]:
                    continue
                manager = people[person.manager_id]
                slot = Slot(
                    day=run.config.checkins.escalation_day,
                    at=run.config.checkins.time,
                    zone=zone_of(manager, workspace),
                )
                if not run.due(slot):
                    continue
                week = week_key(run.now, zone_of(manager, workspace))
                data = {"name": person.name, "missed": len(prompts)}
                pending.append(
                    (
                        manager,
                        f"escalation:{week}:{person_id}",
                        "checkin_escalation",
                        "checkin_prompt_escalation",
                        data,
                    )
                )
            queued += _queue_all(session, workspace, pending)
    return queued
