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
from digests.insights.prompt import prompt_flags
from digests.render import render
from storage.db import session_scope
from storage.models import KeyResult, Person, Platform, Workspace
from storage.repos import outbox, schedule, workspaces


def _queue(
    session: Session,
    workspace: Workspace,
    person: Person,
    key: str,
    kind: str,
    template: str,
    **data: Any,
) -> bool:
    assert workspace.id is not None
    assert person.id is not None
    message = render(template, locale=reader_locale(person, workspace), **data)
    return outbox.enqueue(
        session=session,
        workspace_id=workspace.id,
        person_id=person.id,
        dedupe_key=key,
        kind=kind,
        payload=message.model_dump_json(),
    )


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
    """Prompt each due person about their active KRs not updated in the last N days."""
    queued = 0
    stale_before = run.now - timedelta(days=run.config.checkins.skip_if_updated_within_days)
    with session_scope(run.engine) as session:
        for workspace in workspaces.list_all(session=session):
            assert workspace.id is not None
            prefs = schedule.preferences(session=session, workspace_id=workspace.id)
            krs = schedule.due_key_results(session=session, workspace_id=workspace.id)
            stamp = checkin_forms.latest_check_in_id(session=session, workspace_id=workspace.id)
            for person in schedule.active_people(session=session, workspace_id=workspace.id):
                assert person.id is not None
                pref = prefs.get(person.id)
                if paused(run, person, workspace, pref):
                    continue
                if not run.due(checkin_slot(run, person, workspace, pref)):
                    continue
                todo = [kr for kr in krs.get(person.id, []) if kr.updated_at < stale_before]
                if not todo:
                    continue
                week = week_key(run.now, zone_of(person, workspace))
                queued += _queue(
                    session,
                    workspace,
                    person,
                    f"checkin:{week}:{person.id}",
                    "checkin_prompt",
                    "checkin_prompt",
                    name=person.name,
                    **prompt_krs(workspace, todo, stamp),
                    forecasts=prompt_flags(
                        session=session,
                        workspace_id=workspace.id,
                        person_id=person.id,
                        kr_ids=[kr.id for kr in todo if kr.id is not None],
                    ),
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
                queued += _queue(
                    session,
                    workspace,
                    person,
                    f"nudge:{week}:{person.id}",
                    "checkin_nudge",
                    "checkin_prompt_nudge",
                    name=person.name,
                )
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
                queued += _queue(
                    session,
                    workspace,
                    manager,
                    f"escalation:{week}:{person_id}",
                    "checkin_escalation",
                    "checkin_prompt_escalation",
                    name=person.name,
                    missed=len(prompts),
                )
    return queued
