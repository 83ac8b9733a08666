"""Closing flows left idle: each run past its expiry is removed (with the version check, so an
answer arriving at the same moment wins) and its person gets the polite "expired" message once,
through the outbox (keyed by the run, so a second pass or a second replica sends nothing)."""

from __future__ import annotations

from datetime import datetime

from sqlmodel import Session

from digests.i18n import normalise_locale
from digests.render import render
from flows.engine import FLOWS
from storage.models import FlowRun, Person, Workspace
from storage.repos import flows as runs
from storage.repos import outbox

BATCH = 500


def dedupe_key(run: FlowRun) -> str:
    """One key per run: its id and start (SQLite may reuse the id of a deleted row)."""
    return f"flow_expired:{run.id}:{int(run.started_at.timestamp())}"


def _notify(session: Session, run: FlowRun) -> bool:
    flow = FLOWS.get(run.flow)
    person = session.get(Person, run.person_id)
    workspace = session.get(Workspace, run.workspace_id)
    if flow is None or run.state not in flow.states or person is None or workspace is None:
        return False  # a form left open (Slack modal, Feishu card) just closes, quietly
    minutes = max(1, round((run.expires_at - run.updated_at).total_seconds() / 60))
    locale = normalise_locale(person.locale, normalise_locale(workspace.language))
    message = render("flow_expired", locale=locale, flow=flow.name, minutes=minutes)
    return outbox.enqueue(
        session=session,
        workspace_id=run.workspace_id,
        person_id=run.person_id,
        dedupe_key=dedupe_key(run),
        kind="flow_expired",
        payload=message.model_dump_json(),
    )


def expire_idle(*, session: Session, now: datetime) -> int:
    """Close every run idle past its expiry; how many people were told."""
    told = 0
    while True:
        batch = runs.expired(session=session, now=now, limit=BATCH)
        for run in batch:
            if runs.finish(session=session, run=run):
                told += _notify(session, run)
        session.flush()
        if len(batch) < BATCH:
            return told
