"""HR broadcasts: who an audience is, the draft and its outbox rows, and how it went.

A broadcast's recipients are its outbox rows (`broadcast:<id>:<person_id>`), so nothing else
records who got it; a re-send enqueues the same keys and adds no duplicates.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime, timedelta
from zoneinfo import ZoneInfo

import sqlalchemy as sa
from sqlmodel import Session, col, select

from storage.models import (
    AuditLog,
    Broadcast,
    CheckIn,
    Cycle,
    CycleState,
    Department,
    Objective,
    OutboxMessage,
    OutboxStatus,
    Person,
    Role,
    Workspace,
)
from storage.repos.people import department_and_below
from storage.repos.schedule import CLOSED_OBJECTIVES, active_people

KIND = "broadcast"
REMINDER_KIND = "broadcast_reminder"


class AudienceError(ValueError):
    """An audience spec that names nothing: `key` is a catalog message, `ref` what was wrong."""

    def __init__(self, key: str, ref: str) -> None:
        super().__init__(key)
        self.key, self.ref = key, ref


def resolve(*, session: Session, workspace_id: int, spec: str, now: datetime) -> list[Person]:
    """The active people an audience spec names, by id.

    `everyone`, `managers` (manager role or anyone with a direct report), `role:NAME`,
    `department:NAME[,NAME]`, `no-checkin` (no check-in since Monday 00:00 in the workspace's
    zone), `no-okrs` (own no open objective in an active cycle).
    """
    people = active_people(session=session, workspace_id=workspace_id)
    kind, _, arg = spec.partition(":")
    if kind == "everyone" and not arg:
        return people
    if kind == "managers" and not arg:
        bosses = {p.manager_id for p in people}
        return [p for p in people if p.role is Role.MANAGER or p.id in bosses]
    if kind == "role" and arg:
        try:
            role = Role(arg)
        except ValueError:
            raise AudienceError("hr.audience.bad_role", arg) from None
        return [p for p in people if p.role is role]
    if kind in ("department", "dept") and arg:
        ids = _department_ids(session, workspace_id, arg)
        return [p for p in people if p.department_id in ids]
    if kind == "no-checkin" and not arg:
        since = week_start(session=session, workspace_id=workspace_id, now=now)
        done = set(
            session.exec(
                select(CheckIn.person_id).where(
                    CheckIn.workspace_id == workspace_id, col(CheckIn.created_at) >= since
                )
            )
        )
        return [p for p in people if p.id not in done]
    if kind == "no-okrs" and not arg:
        owners = set(
            session.exec(
                select(Objective.owner_person_id)
                .join(Cycle, col(Cycle.id) == Objective.cycle_id)
                .where(
                    Objective.workspace_id == workspace_id,
                    Cycle.state == CycleState.ACTIVE,
                    col(Objective.status).not_in(CLOSED_OBJECTIVES),
                )
            )
        )
        return [p for p in people if p.id not in owners]
    raise AudienceError("hr.audience.unknown", spec)


def _department_ids(session: Session, workspace_id: int, names: str) -> set[int]:
    wanted = [name.strip() for name in names.split(",") if name.strip()]
    rows = session.exec(select(Department).where(Department.workspace_id == workspace_id))
    by_name = {row.name.casefold(): row.id for row in rows}
    ids: set[int] = set()
    for name in wanted:
        found = by_name.get(name.casefold())
        if found is None:
            raise AudienceError("hr.audience.no_department", name)
        # A department includes its sub-departments (Production → Machining Workshop).
        ids |= department_and_below(session=session, workspace_id=workspace_id, department_id=found)
    if not ids:
        raise AudienceError("hr.audience.unknown", f"department:{names}")
    return ids


def week_start(*, session: Session, workspace_id: int, now: datetime) -> datetime:
    """Monday 00:00 of this week in the workspace's time zone."""
    workspace = session.get(Workspace, workspace_id)
    zone = ZoneInfo((workspace.timezone if workspace else None) or "UTC")
    local = now.astimezone(zone)
    monday = (local - timedelta(days=local.weekday())).date()
    return datetime(monday.year, monday.month, monday.day, tzinfo=zone)


def get(*, session: Session, workspace_id: int, broadcast_id: int) -> Broadcast | None:
    row = session.get(Broadcast, broadcast_id)
    return row if row is not None and row.workspace_id == workspace_id else None


def latest(*, session: Session, workspace_id: int) -> Broadcast | None:
    """The most recently confirmed broadcast."""
    query = (
        select(Broadcast)
        .where(Broadcast.workspace_id == workspace_id, col(Broadcast.confirmed_at).is_not(None))
        .order_by(col(Broadcast.id).desc())
    )
    return session.exec(query).first()


def draft(
    *,
    session: Session,
    workspace_id: int,
    created_by_id: int | None,
    audience: str,
    text: str,
    size: int,
    now: datetime,
    reuse_within: timedelta = timedelta(hours=24),
) -> Broadcast:
    """The author's recent broadcast with this audience and text, else a new draft.

    Reuse is what makes a repeated `… confirm` (or a resend after a crash) a no-op; the
    audience is compared ignoring case, as department names are matched.
    """
    query = (
        select(Broadcast)
        .where(
            Broadcast.workspace_id == workspace_id,
            Broadcast.created_by_id == created_by_id,
            sa.func.lower(Broadcast.audience) == audience.lower(),
            Broadcast.text == text,
            col(Broadcast.created_at) >= now - reuse_within,
        )
        .order_by(col(Broadcast.id).desc())
    )
    row = session.exec(query).first()
    if row is None:
        row = Broadcast(
            workspace_id=workspace_id,
            created_by_id=created_by_id,
            audience=audience,
            text=text,
            created_at=now,
        )
    row.audience_size = size
    session.add(row)
    session.flush()
    return row


def key(broadcast_id: int, person_id: int) -> str:
    return f"broadcast:{broadcast_id}:{person_id}"


def reminder_key(broadcast_id: int, round_: int, person_id: int) -> str:
    return f"broadcast:{broadcast_id}:remind:{round_}:{person_id}"


def rows(*, session: Session, broadcast: Broadcast) -> list[OutboxMessage]:
    """The broadcast's own outbox rows (reminders excluded), one per recipient."""
    query = select(OutboxMessage).where(
        OutboxMessage.workspace_id == broadcast.workspace_id,
        OutboxMessage.kind == KIND,
        col(OutboxMessage.dedupe_key).startswith(f"broadcast:{broadcast.id}:"),
    )
    return list(session.exec(query.order_by(col(OutboxMessage.id))))


def responders(
    *, session: Session, workspace_id: int, person_ids: list[int], since: datetime
) -> set[int]:
    """Who checked in, or did anything recorded in the audit log (other than sending
    broadcasts), since `since`."""
    if not person_ids:
        return set()
    checked = session.exec(
        select(CheckIn.person_id).where(
            CheckIn.workspace_id == workspace_id,
            col(CheckIn.person_id).in_(person_ids),
            col(CheckIn.created_at) >= since,
        )
    )
    acted = session.exec(
        select(AuditLog.actor_id).where(
            AuditLog.workspace_id == workspace_id,
            col(AuditLog.actor_id).in_(person_ids),
            col(AuditLog.created_at) >= since,
            col(AuditLog.action).not_like("broadcast%"),
        )
    )
    return {int(p) for p in checked} | {int(p) for p in acted if p is not None}


@dataclass
class Status:
    """How a broadcast went. `read` counts delivered messages the platform reported read
    (Feishu does, through the read_receipts job); None where the platform never tells."""

    audience: int
    delivered: int
    pending: int
    dead: list[tuple[int, str]] = field(default_factory=list)
    responded: int = 0
    read: int | None = None
    non_responders: list[int] = field(default_factory=list)


def status(*, session: Session, broadcast: Broadcast, reports_reads: bool = False) -> Status:
    """Counts over the broadcast's outbox rows, and who has responded since it went out.
    `reports_reads`: the workspace's platform tells which messages were read."""
    found = rows(session=session, broadcast=broadcast)
    delivered = [row for row in found if row.status is OutboxStatus.SENT]
    people = [row.person_id for row in found]
    since = broadcast.confirmed_at or broadcast.created_at
    answered = responders(
        session=session, workspace_id=broadcast.workspace_id, person_ids=people, since=since
    )
    return Status(
        audience=len(found),
        delivered=len(delivered),
        pending=sum(row.status in (OutboxStatus.PENDING, OutboxStatus.SENDING) for row in found),
        dead=[
            (row.person_id, row.last_error or "")
            for row in found
            if row.status is OutboxStatus.DEAD
        ],
        responded=len(answered),
        read=sum(row.read_at is not None for row in delivered) if reports_reads else None,
        non_responders=[p for p in people if p not in answered],
    )
