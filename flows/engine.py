"""Durable conversations: a flow is a declared table of entry points and states; its place
lives in the database.

As in python-telegram-bot's ConversationHandler, a flow declares what starts it — the commands
and buttons (`commands`, `actions`) whose handlers return `Begin` (or a plain reply, when they
refuse or finish at once) — and its states. Each state has a prompt (what to ask) and a handler
(what an answer does, and which state comes next); a form state has no text handler (its own
submit button answers it). A run is keyed by workspace + person + flow and moved with a
compare-and-set on its version, so a double click or two replicas answering at once advance it
once: the loser's transaction is rolled back with a polite "already done".

Flows are found by name through the explicit wiring (bot/wiring.py), passed in as `FlowLookup`.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from datetime import timedelta
from typing import Any

from commands import lookups
from commands.context import Context
from commands.types import CommandError
from commands.words import CANCEL_WORDS
from digests.message import Message
from storage.models import FlowRun
from storage.repos import flows as runs


@dataclass(frozen=True)
class Step:
    """What an answer did: the next state (None when the flow is over), the answers so far,
    and an optional reply shown before the next prompt."""

    next: str | None
    data: dict[str, Any]
    reply: Message | None = None


@dataclass(frozen=True)
class Begin:
    """What an entry point returns to start its flow: the first answers, and the state to
    start in (the flow's start state when None)."""

    data: dict[str, Any] = field(default_factory=dict)
    state: str | None = None


Prompt = Callable[[Context, dict[str, Any]], Message]
Handle = Callable[[Context, dict[str, Any], str], Step]
Entry = Callable[[Any, Context], "Begin | Message"]


@dataclass(frozen=True)
class State:
    """A question and what its answer does; `handle` None: a form, answered by its own button
    (free text then leaves the flow, and the text is read as a command)."""

    prompt: Prompt
    handle: Handle | None = None


@dataclass(frozen=True)
class Flow:
    """A declared flow: its name (also the catalog key of its title), its entry points (command
    types and button action ids), its start state and states."""

    name: str
    start: str
    states: Mapping[str, State]
    commands: Mapping[type[Any], Entry] = field(default_factory=dict)
    actions: Mapping[str, Entry] = field(default_factory=dict)
    own_idle: timedelta | None = None

    def idle(self, ctx: Context) -> timedelta:
        """How long a run waits for an answer: the flow's own time, else the configured one."""
        return self.own_idle or ctx.settings.flow_idle


FlowLookup = Callable[[str], "Flow | None"]


class UnknownFlow(LookupError):
    """A run names a flow the wiring does not know (renamed, or never wired)."""


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
    """Start (or restart) `flow` for the requester and ask its first question (a form state
    is shown as it is, without the "started" note)."""
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
        expires_at=ctx.now + flow.idle(ctx),
    )
    prompt = flow.states[start].prompt(ctx, _with_run(answers, run))
    if flow.states[start].handle is None:
        return prompt
    return combine(ctx.render("flow_started", flow=flow.name, minutes=_minutes(ctx, flow)), prompt)


def enter(ctx: Context, flow: Flow, entry: Entry, payload: Any) -> Message:
    """Run one of the flow's entry points; a `Begin` it returns starts the flow."""
    started = entry(payload, ctx)
    if isinstance(started, Begin):
        return begin(ctx, flow, started.data, state=started.state)
    return started


def current(ctx: Context) -> FlowRun | None:
    """The requester's live run, if any (expired runs included: the caller says so)."""
    return runs.active(session=ctx.session, workspace_id=ctx.workspace_id, person_id=ctx.person_id)


def answer(ctx: Context, text: str, flows: FlowLookup) -> Message | None:
    """Feed a free-text answer to the requester's flow; None when no flow is waiting (or it
    waits on a form). `UnknownFlow` when the run names a flow or state nobody declares: the
    run is finished first, so the caller can report it and the person is not stuck."""
    run = current(ctx)
    if run is None:
        return None
    flow = flows(run.flow)
    if flow is None or run.state not in flow.states:
        runs.finish(session=ctx.session, run=run)
        raise UnknownFlow(f"{run.flow}:{run.state}")
    handle = flow.states[run.state].handle
    if handle is None:
        runs.finish(session=ctx.session, run=run)
        return None
    if run.expires_at <= ctx.now:
        runs.finish(session=ctx.session, run=run)
        return ctx.render("flow_expired", flow=flow.name, minutes=_minutes(ctx, flow))
    if text.strip().lower() in CANCEL_WORDS:
        return cancel(ctx, run)
    data = runs.data_of(run)
    step = handle(ctx, _with_run(data, run), text.strip())
    return apply(ctx, flow, run, step)


def still_waiting(ctx: Context, flows: FlowLookup, before: FlowRun | None) -> Message | None:
    """The requester's waiting flow, said again after a command typed in the middle of it:
    that it waits, and its question; None when no flow waits on a typed answer, or when the
    command replaced the run `before` by a new one (which has asked its own question). The
    same row is the same object in one session; a replacement is a new row, a new object."""
    run = current(ctx)
    if run is None or run is not before or run.expires_at <= ctx.now:
        return None
    flow = flows(run.flow)
    if flow is None or run.state not in flow.states or flow.states[run.state].handle is None:
        return None
    question = flow.states[run.state].prompt(ctx, _with_run(runs.data_of(run), run))
    return combine(ctx.render("flow_still_waiting", flow=flow.name), question)


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
        expires_at=ctx.now + flow.idle(ctx),
    )
    if not moved:
        raise CommandError("flows.stale")
    run.version += 1
    return combine(step.reply, flow.states[step.next].prompt(ctx, _with_run(data, run)))


def cancel_command(command: Any, ctx: Context) -> Message:
    """`/okr cancel`: leave the current flow."""
    return cancel(ctx)


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


def _minutes(ctx: Context, flow: Flow) -> int:
    return int(flow.idle(ctx).total_seconds() // 60)
