"""Closing flows left idle: each run past its expiry is removed (with the version check, so an
answer arriving at the same moment wins) and its person gets the polite "expired" message once,
through the outbox (keyed by the run, so a second pass or a second replica sends nothing)."""

from __future__ import annotations

import logging
from datetime import datetime

from sqlmodel import Session, col, select

from digests.i18n import reader_locale
from digests.render import render
from flows.engine import FlowLookup
from storage.models import FlowRun, Person, Workspace
from storage.repos import flows as runs
from storage.repos import outbox

BATCH = 500
log = logging.getLogger("okrbot.flows")


def dedupe_key(run: FlowRun) -> str:
    """One key per run: its id and start (SQLite may reuse the id of a deleted row)."""
    return f"flow_expired:{run.id}:{int(run.started_at.timestamp())}"


def _payload(locale: str, flow: str, minutes: int, cache: dict[tuple[str, str, int], str]) -> str:
    """The rendered message (the same for everyone in a language, flow and wait)."""
    key = (locale, flow, minutes)
    if key not in cache:
        message = render("flow_expired", locale=locale, flow=flow, minutes=minutes)
        cache[key] = message.model_dump_json()
    return cache[key]


def _people(session: Session, batch: list[FlowRun]) -> dict[int, Person]:
    """The batch's people, and their workspaces into the session (two queries a batch)."""
    ids = {run.person_id for run in batch}
    found = session.exec(select(Person).where(col(Person.id).in_(ids))).all()
    workspace_ids = {run.workspace_id for run in batch}
    list(session.exec(select(Workspace).where(col(Workspace.id).in_(workspace_ids))))
    return {p.id: p for p in found if p.id is not None}


def _notify(
    session: Session,
    run: FlowRun,
    person: Person | None,
    cache: dict[tuple[str, str, int], str],
    flows: FlowLookup,
) -> bool:
    flow = flows(run.flow)
    workspace = session.get(Workspace, run.workspace_id)  # loaded with the batch
    if flow is None or run.state not in flow.states:
        log.error("expired run of an unknown flow", extra={"flow": run.flow, "state": run.state})
        return False
    if flow.states[run.state].handle is None or person is None or workspace is None:
        return False  # a form left open (Slack modal, Feishu card) just closes, quietly
    minutes = max(1, round((run.expires_at - run.updated_at).total_seconds() / 60))
    locale = reader_locale(person, workspace)
    return outbox.enqueue(
        session=session,
        workspace_id=run.workspace_id,
        person_id=run.person_id,
        dedupe_key=dedupe_key(run),
        kind="flow_expired",
        payload=_payload(locale, flow.name, minutes, cache),
    )


def expire_idle(*, session: Session, now: datetime, flows: FlowLookup) -> int:
    """Close every run idle past its expiry; how many people were told."""
    told = 0
    rendered: dict[tuple[str, str, int], str] = {}
    while True:
        batch = runs.expired(session=session, now=now, limit=BATCH)
        for run in batch:
            # Detached: each delete then skips matching the whole batch in the identity map.
            session.expunge(run)
        people = _people(session, batch) if batch else {}
        for run in batch:
            if runs.finish(session=session, run=run):
                told += _notify(session, run, people.get(run.person_id), rendered, flows)
        session.flush()
        if len(batch) < BATCH:
            return told
