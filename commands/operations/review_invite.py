"""When a cycle enters review: ask each owner of an approved personal objective to score it.

One outbox message per person (key `review-invite:<cycle id>:<person id>`, so a repeated call
queues nothing new), listing their objectives with a "Score O-n" button each. The cycle's state
change itself belongs to `/okr cycle close`; it (or a job) calls `invite_owners`.
"""

from __future__ import annotations

from collections import defaultdict

from sqlmodel import Session, col, select

from digests.i18n import reader_locale
from digests.render import render
from storage.models import Cycle, Objective, ObjectiveStatus, OwnerType, Person, Workspace
from storage.repos import outbox


def invite_owners(*, session: Session, workspace: Workspace, cycle: Cycle) -> int:
    """Queue the invitations in the caller's transaction; returns how many were new."""
    assert workspace.id is not None
    objectives = session.exec(
        select(Objective)
        .where(
            Objective.workspace_id == workspace.id,
            Objective.cycle_id == cycle.id,
            Objective.owner_type == OwnerType.PERSON,
            Objective.status == ObjectiveStatus.APPROVED,
        )
        .order_by(col(Objective.number))
    )
    by_owner: dict[int, list[Objective]] = defaultdict(list)
    for objective in objectives:
        if objective.owner_person_id is not None:
            by_owner[objective.owner_person_id].append(objective)
    if not by_owner:
        return 0
    owners = session.exec(
        select(Person).where(
            Person.workspace_id == workspace.id,
            col(Person.id).in_(list(by_owner)),
            col(Person.active).is_(True),
        )
    )
    queued = 0
    for person in owners:
        assert person.id is not None
        locale = reader_locale(person, workspace)
        message = render(
            "review_invite",
            locale=locale,
            cycle=cycle.name,
            objectives=[
                {"ref": f"O-{o.number}", "number": o.number, "title": o.title}
                for o in by_owner[person.id]
            ],
        )
        queued += outbox.enqueue(
            session=session,
            workspace_id=workspace.id,
            person_id=person.id,
            dedupe_key=f"review-invite:{cycle.id}:{person.id}",
            kind="review_invite",
            payload=message.model_dump_json(),
        )
    return queued
