"""Durable conversations: a flow is a declared table of states; its place lives in the database.

Each state has a prompt (what to ask) and a handler (what an answer does, and which state comes
next). A run is keyed by workspace + person + flow and moved with a compare-and-set on its
version, so a double click or two replicas answering at once advance it once: the loser's
transaction is rolled back with a polite "already done".
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from dataclasses import dataclass
from datetime import timedelta
from typing import Any

from commands import lookups
from commands.context import Context
from commands.types import CommandError
from digests.message import Message
from storage.models import FlowRun
from storage.repos import flows as runs

CANCEL_WORDS = frozenset({"cancel", "/cancel", "stop", "取消", "算了", "退出流程"})
# Answers several flows share: confirm what was summed up; keep the value already there.
SUBMIT_WORDS = frozenset({"submit", "yes", "ok", "send", "提交", "确认", "是"})
KEEP_WORDS = frozenset({"keep", "same", "保持", "不变"})
DEFAULT_IDLE = timedelta(minutes=1440)
_idle = [DEFAULT_IDLE]  # app.yaml `flows.idle_timeout_minutes`, set by `configure`


def configure(*, idle_minutes: int) -> None:
    """How long flows wait for an answer before they expire (called when app.yaml loads)."""
    _idle[0] = timedelta(minutes=idle_minutes)


@dataclass(frozen=True)
class Step:
    """What an answer did: the next state (None when the flow is over), the answers so far,
    and an optional reply shown before the next prompt."""

    next: str | None
    data: dict[str, Any]
    reply: Message | None = None


Prompt = Callable[[Context, dict[str, Any]], Message]
Handle = Callable[[Context, dict[str, Any], str], Step]


@dataclass(frozen=True)
class State:
    prompt: Prompt
    handle: Handle


@dataclass(frozen=True)
class Flow:
    """A declared flow: its name (also the catalog key of its title), start and states."""

    name: str
    start: str
    states: Mapping[str, State]
    own_idle: timedelta | None = None

    @property
    def idle(self) -> timedelta:
        """How long a run waits for an answer: the flow's own time, else the configured one."""
        return self.own_idle or _idle[0]


FLOWS: dict[str, Flow] = {}


def register(flow: Flow) -> Flow:
    """Make a flow known to the text router and to expiry."""
    FLOWS[flow.name] = flow
    return flow


def combine(*messages: Message | None) -> Message:
    """Several messages as one reply (the first summary wins)."""
    present = [m for m in messages if m is not None]
    return Message(
        blocks=[block for m in present for block in m.blocks],
        summary=next((m.summary for m in present if m.summary), ""),
        is_error=any(m.is_error for m in present),
    )


def begin(
    ctx: Context, flow: Flow, data: dict[str, Any] | None = None, *, state: str | None = None
) -> Message:
    """Start (or restart) `flow` for the requester and ask its first question."""
    start = state or flow.start
    answers = dict(data or {})
    run = runs.start(
        session=ctx.session,
        workspace_id=ctx.workspace_id,
        person_id=ctx.person_id,
        flow=flow.name,
        state=start,
        data=answers,
        now=ctx.now,
        expires_at=ctx.now + flow.idle,
    )
    return combine(
        ctx.render("flow_started", flow=flow.name, minutes=_minutes(flow)),
        flow.states[start].prompt(ctx, _with_run(answers, run)),
    )


def current(ctx: Context) -> FlowRun | None:
    """The requester's live run, if any (expired runs included: the caller says so)."""
    return runs.active(session=ctx.session, workspace_id=ctx.workspace_id, person_id=ctx.person_id)


def registered(name: str) -> Flow | None:
    """The flow called `name`; flows register when their handler module is first imported."""
    if name not in FLOWS:
        from commands import dispatch

        dispatch.load_all()
    return FLOWS.get(name)


def answer(ctx: Context, text: str) -> Message | None:
    """Feed a free-text answer to the requester's flow; None when no flow is waiting."""
    run = current(ctx)
    if run is None:
        return None
    flow = registered(run.flow)
    if flow is None or run.state not in flow.states:
        runs.finish(session=ctx.session, run=run)
        return None
    if run.expires_at <= ctx.now:
        runs.finish(session=ctx.session, run=run)
        return ctx.render("flow_expired", flow=flow.name, minutes=_minutes(flow))
    if text.strip().lower() in CANCEL_WORDS:
        return cancel(ctx, run)
    data = runs.data_of(run)
    step = flow.states[run.state].handle(ctx, _with_run(data, run), text.strip())
    return apply(ctx, flow, run, step)


def apply(ctx: Context, flow: Flow, run: FlowRun, step: Step) -> Message:
    """Store the step with a version check and answer with its reply and the next prompt."""
    data = {k: v for k, v in step.data.items() if not k.startswith("_")}
    if step.next is None:
        if not runs.finish(session=ctx.session, run=run):
            raise CommandError("flows.stale")
        return step.reply or ctx.render("flow_done", flow=flow.name)
    moved = runs.advance(
        session=ctx.session,
        run=run,
        state=step.next,
        data=data,
        now=ctx.now,
        expires_at=ctx.now + flow.idle,
    )
    if not moved:
        raise CommandError("flows.stale")
    run.version += 1
    return combine(step.reply, flow.states[step.next].prompt(ctx, _with_run(data, run)))


def cancel(ctx: Context, run: FlowRun | None = None) -> Message:
    """Leave the requester's flow; nothing it collected is kept."""
    run = run or current(ctx)
    if run is None:
        return ctx.render("flow_nothing_to_cancel")
    runs.finish(session=ctx.session, run=run)
    return ctx.render("flow_cancelled", flow=run.flow)


def token(run: FlowRun) -> str:
    """The value a button of this run carries: id and version, so a stale click is refused."""
    return f"{run.id}:{run.version}"


def run_of_token(ctx: Context, value: str) -> FlowRun:
    """The run a button's value names, if it is the requester's and still at that version."""
    return lookups.flow_run(ctx, value)


def _with_run(data: dict[str, Any], run: FlowRun) -> dict[str, Any]:
    return {**data, "_token": token(run)}


def _minutes(flow: Flow) -> int:
    return int(flow.idle.total_seconds() // 60)
