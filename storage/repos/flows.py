"""Flow runs: find, start, advance with a version check, finish."""

from __future__ import annotations

import json
from datetime import datetime
from typing import Any

import sqlalchemy as sa
from sqlmodel import Session, col, select

from storage.models import FlowRun


def active(*, session: Session, workspace_id: int, person_id: int) -> FlowRun | None:
    """The person's most recently touched flow run, expired or not."""
    query = (
        select(FlowRun)
        .where(FlowRun.workspace_id == workspace_id, FlowRun.person_id == person_id)
        .order_by(col(FlowRun.updated_at).desc(), col(FlowRun.id).desc())
    )
    return session.exec(query).first()


def start(
    *,
    session: Session,
    workspace_id: int,
    person_id: int,
    flow: str,
    state: str,
    data: dict[str, Any],
    now: datetime,
    expires_at: datetime,
) -> FlowRun:
    """A fresh run of `flow` for the person, replacing any earlier run of the same flow."""
    session.execute(
        sa.delete(FlowRun).where(
            col(FlowRun.workspace_id) == workspace_id,
            col(FlowRun.person_id) == person_id,
            col(FlowRun.flow) == flow,
        )
    )
    run = FlowRun(
        workspace_id=workspace_id,
        person_id=person_id,
        flow=flow,
        state=state,
        data=json.dumps(data, ensure_ascii=False),
        started_at=now,
        updated_at=now,
        expires_at=expires_at,
    )
    session.add(run)
    session.flush()
    return run


def advance(
    *,
    session: Session,
    run: FlowRun,
    state: str,
    data: dict[str, Any],
    now: datetime,
    expires_at: datetime,
) -> bool:
    """Move the run on, only if nobody else did since it was read (compare-and-set on version)."""
    result = session.execute(
        sa.update(FlowRun)
        .where(col(FlowRun.id) == run.id, col(FlowRun.version) == run.version)
        .values(
            state=state,
            data=json.dumps(data, ensure_ascii=False),
            version=run.version + 1,
            updated_at=now,
            expires_at=expires_at,
        )
    )
    return bool(result.rowcount)  # type: ignore[attr-defined]


def finish(*, session: Session, run: FlowRun) -> bool:
    """Remove the run, only if it is still at the version that was read."""
    result = session.execute(
        sa.delete(FlowRun).where(col(FlowRun.id) == run.id, col(FlowRun.version) == run.version)
    )
    return bool(result.rowcount)  # type: ignore[attr-defined]


def expired(*, session: Session, now: datetime, limit: int = 500) -> list[FlowRun]:
    """Runs idle past their expiry, oldest first."""
    query = (
        select(FlowRun)
        .where(col(FlowRun.expires_at) <= now)
        .order_by(col(FlowRun.expires_at))
        .limit(limit)
    )
    return list(session.exec(query))


def data_of(run: FlowRun) -> dict[str, Any]:
    """The run's stored answers."""
    loaded = json.loads(run.data or "{}")
    return loaded if isinstance(loaded, dict) else {}
