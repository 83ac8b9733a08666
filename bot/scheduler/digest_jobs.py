"""Digest jobs: a weekly digest to each manager and to each HR admin, in their own zone."""

from __future__ import annotations

from bot.scheduler.context import JobRun, zone_of
from bot.scheduler.slots import Slot, week_key
from digests.digest_hr import department_completion
from digests.digest_manager import load_facts, sections_for
from digests.i18n import reader_locale
from digests.render import render
from digests.team_facts import Roster
from storage.db import session_scope
from storage.models import Role
from storage.repos import outbox, reach, schedule, workspaces

BATCH = 200


def manager_digests(run: JobRun) -> int:
    """One digest per manager (a person with active reports), built in batches."""
    plan = run.config.digests.manager
    if not plan.enabled:
        return 0
    queued = 0
    with session_scope(run.engine) as session:
        for workspace in workspaces.list_all(session=session):
            assert workspace.id is not None
            roster = Roster.load(session=session, workspace_id=workspace.id)
            managers = [
                p
                for p in roster.by_id.values()
                if p.id in roster.teams
                and run.due(Slot(day=plan.day, at=plan.time, zone=zone_of(p, workspace)))
            ]
            for start in range(0, len(managers), BATCH):
                batch = managers[start : start + BATCH]
                facts = load_facts(
                    session=session,
                    workspace_id=workspace.id,
                    manager_ids=[m.id for m in batch],
                    now=run.now,
                    roster=roster,
                )
                queue: list[outbox.Queued] = []
                for manager in batch:
                    assert manager.id is not None
                    week = week_key(run.now, zone_of(manager, workspace))
                    message = render(
                        "digest_manager",
                        locale=reader_locale(manager, workspace),
                        sections=sections_for(facts, manager.id),
                    )
                    key = f"digest:{week}:{manager.id}"
                    queue.append(
                        outbox.Queued(manager.id, key, "manager_digest", message.model_dump_json())
                    )
                # one statement a batch: the reads and this write stay a fixed number per batch
                queued += outbox.enqueue_many(
                    session=session, workspace_id=workspace.id, messages=queue
                )
    return queued


def hr_digests(run: JobRun) -> int:
    """Check-in completion by department, to each HR admin."""
    plan = run.config.digests.hr
    if not plan.enabled:
        return 0
    queued = 0
    with session_scope(run.engine) as session:
        for workspace in workspaces.list_all(session=session):
            assert workspace.id is not None
            people = schedule.active_people(session=session, workspace_id=workspace.id)
            hr = [
                p
                for p in people
                if p.role == Role.HR_ADMIN
                and run.due(Slot(day=plan.day, at=plan.time, zone=zone_of(p, workspace)))
            ]
            if not hr:
                continue
            departments = department_completion(
                session=session, workspace_id=workspace.id, now=run.now
            )
            unreachable = [
                (p.name, p.email)
                for p, _ in reach.unreachable(session=session, workspace_id=workspace.id)
            ]
            for person in hr:
                assert person.id is not None
                week = week_key(run.now, zone_of(person, workspace))
                message = render(
                    "digest_hr",
                    locale=reader_locale(person, workspace),
                    departments=departments,
                    unreachable=unreachable,
                )
                queued += outbox.enqueue(
                    session=session,
                    workspace_id=workspace.id,
                    person_id=person.id,
                    dedupe_key=f"hrdigest:{week}:{person.id}",
                    kind="hr_digest",
                    payload=message.model_dump_json(),
                )
    return queued
