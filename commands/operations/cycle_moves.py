"""Cycles moved on by the calendar: the ones a cadence calls for are set up, a planned cycle
starts on its first day, and an active one goes into review after its last — its owners invited
to score, HR told. Closing a cycle stays a person's decision (`/okr cycle close`).

Every step is idempotent: run it as often as you like, on any replica, it does each thing once.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

from sqlmodel import Session, col, func, select

from commands.operations import review_invite
from digests.i18n import reader_locale
from digests.render import render
from storage.cycle_calendar import Cadence, CycleWindow, following, moved_on, window
from storage.models import (
    Cycle,
    CycleState,
    Objective,
    ObjectiveStatus,
    OwnerType,
    Platform,
    Workspace,
)
from storage.repos import audit, outbox, people

HR_NOTICE_KIND = "cycle_review_started"


@dataclass(frozen=True)
class CadenceRule:
    """Cycles by the calendar (app.yaml `cycles: {cadence: …}`)."""

    cadence: Cadence
    first_month: int = 1
    plan_ahead: int = 1

    def windows(self, today: date) -> list[CycleWindow]:
        """The cycle containing `today` and the next `plan_ahead` ones."""
        found = [window(today, self.cadence, self.first_month)]
        for _ in range(self.plan_ahead):
            found.append(following(found[-1], self.cadence, self.first_month))
        return found


@dataclass(frozen=True)
class Moved:
    """A cycle the calendar created or moved on, and its state before (None: created)."""

    name: str
    before: CycleState | None
    after: CycleState


def set_up(*, session: Session, workspace_id: int, rule: CadenceRule, today: date) -> list[Moved]:
    """Create the cycles `rule` calls for on `today` that do not exist yet, each in the state
    its dates give (the current one active, later ones planning). Existing cycles are kept as
    they are, whatever they are called."""
    existing = set(session.exec(select(Cycle.name).where(Cycle.workspace_id == workspace_id)))
    created: list[Moved] = []
    for wanted in rule.windows(today):
        if wanted.name in existing:
            continue
        state = wanted.state_on(today)
        session.add(
            Cycle(
                workspace_id=workspace_id,
                name=wanted.name,
                start_date=wanted.start,
                end_date=wanted.end,
                state=state,
            )
        )
        created.append(Moved(wanted.name, None, state))
    session.flush()
    return created


def move_on(*, session: Session, workspace: Workspace, today: date) -> list[Moved]:
    """Move the workspace's planned and active cycles on as their dates say (`today` in the
    workspace's time zone); a cycle entering review invites its owners and tells HR."""
    assert workspace.id is not None
    cycles = session.exec(
        select(Cycle)
        .where(
            Cycle.workspace_id == workspace.id,
            col(Cycle.state).in_([CycleState.PLANNING, CycleState.ACTIVE]),
        )
        .order_by(col(Cycle.start_date))
    ).all()
    moved: list[Moved] = []
    for cycle in cycles:
        before = cycle.state
        after = moved_on(before, cycle.start_date, cycle.end_date, today)
        if after is before:
            continue
        cycle.state = after
        session.add(cycle)
        audit.record(
            session=session,
            workspace_id=workspace.id,
            actor_id=None,
            platform=Platform.SCHEDULER,
            action="cycle_review" if after is CycleState.REVIEW else "cycle_start",
            entity_type="cycle",
            entity_id=cycle.id,
            entity_ref=cycle.name,
            before={"state": before.value},
            after={"state": after.value},
        )
        if after is CycleState.REVIEW:
            review_invite.invite_owners(session=session, workspace=workspace, cycle=cycle)
            tell_hr(session=session, workspace=workspace, cycle=cycle)
        moved.append(Moved(cycle.name, before, after))
    return moved


def tell_hr(*, session: Session, workspace: Workspace, cycle: Cycle) -> int:
    """One notice to each HR admin and admin that `cycle` is in review; how many were new."""
    assert workspace.id is not None
    waiting = session.exec(
        select(func.count())
        .select_from(Objective)
        .where(
            Objective.workspace_id == workspace.id,
            Objective.cycle_id == cycle.id,
            Objective.owner_type == OwnerType.PERSON,
            Objective.status == ObjectiveStatus.APPROVED,
        )
    ).one()
    hr = people.hr_admins(session=session, workspace_id=workspace.id)
    queued = 0
    for person in hr:
        assert person.id is not None
        message = render(
            HR_NOTICE_KIND,
            locale=reader_locale(person, workspace),
            name=cycle.name,
            end=cycle.end_date.isoformat(),
            objectives=int(waiting),
        )
        queued += outbox.enqueue(
            session=session,
            workspace_id=workspace.id,
            person_id=person.id,
            dedupe_key=f"cycle-review:{cycle.id}:{person.id}",
            kind=HR_NOTICE_KIND,
            payload=message.model_dump_json(),
        )
    return queued
