"""`/okr new` (and `/okr edit O-n`, the "Rework it" button): a new objective drafted step by
step — title, alignment, 1-5 KRs, submit — or, on Slack and Feishu, in one form (okr_form).
Saving and sending for approval is the drafts operation."""

from __future__ import annotations

from typing import Any

from commands import lookups
from commands.actions import Action
from commands.context import Context
from commands.limits import checked_title
from commands.operations import approvals, draft_edit, drafts
from commands.types import CommandError, OkrEdit, OkrNew
from commands.words import DONE_WORDS, KEEP_WORDS, NO_PARENT_WORDS, SUBMIT_WORDS
from digests.message import Message
from flows import engine, okr_form
from flows.engine import Begin, Flow, State, Step
from storage.models import Objective, OwnerType, Platform

FORM_PLATFORMS = {Platform.SLACK, Platform.FEISHU}


def ask(ctx: Context, key: str, hint: str | None = None, **params: Any) -> Message:
    """One question of a flow (with an optional hint line)."""
    return ctx.render(
        "flow_prompt", question=ctx.t(key, **params), hint=ctx.t(hint, **params) if hint else None
    )


def _kr_index(data: dict[str, Any]) -> int:
    return int(data.get("index", 0))


def _old_kr(data: dict[str, Any]) -> dict[str, Any] | None:
    old = data.get("old_krs", [])
    index = _kr_index(data)
    return old[index] if index < len(old) else None


def prompt_title(ctx: Context, data: dict[str, Any]) -> Message:
    hint = "flows.new.keep_hint" if data.get("title") else None
    question = ask(ctx, "flows.new.ask_title", hint, current=data.get("title", ""))
    if not data.get("comment"):
        return question
    comment = ctx.render("flow_note", text=ctx.t("flows.new.comment", comment=data["comment"]))
    return engine.combine(comment, question)


def handle_title(ctx: Context, data: dict[str, Any], text: str) -> Step:
    if text.lower() in KEEP_WORDS and data.get("title"):
        text = data["title"]
    text = checked_title(text)
    nxt = "parent" if data.get("owner_type", "person") != OwnerType.COMPANY.value else "kr_title"
    return Step(nxt, {**data, "title": text})


def prompt_parent(ctx: Context, data: dict[str, Any]) -> Message:
    cycle = drafts.require_cycle(ctx)
    choices = [f"O-{o.number} {o.title}" for o in drafts.parent_choices(ctx, cycle.id or 0)]
    return ctx.render(
        "flow_prompt_choices",
        question=ctx.t("flows.new.ask_parent"),
        choices=choices[:15],
        hint=ctx.t("flows.new.parent_hint"),
    )


def handle_parent(ctx: Context, data: dict[str, Any], text: str) -> Step:
    if text.lower() in NO_PARENT_WORDS:
        return Step("kr_title", {**data, "parent_id": None})
    if text.lower() in KEEP_WORDS and "objective_id" in data:
        return Step("kr_title", data)
    cycle = drafts.require_cycle(ctx)
    found = [
        o
        for o in drafts.search_parents(ctx, cycle.id or 0, text)
        if ctx.access.can_view_objective(o)
    ]
    if len(found) != 1:
        names = ", ".join(f"O-{o.number} {o.title}" for o in found[:8])
        key = "flows.new.parent_ambiguous" if found else "flows.new.parent_not_found"
        raise CommandError(key, {"query": text, "names": names})
    parent = found[0]
    reply = ctx.render("flow_note", text=ctx.t("flows.new.parent_chosen", ref=f"O-{parent.number}"))
    return Step("kr_title", {**data, "parent_id": parent.id}, reply)


def prompt_kr_title(ctx: Context, data: dict[str, Any]) -> Message:
    old = _old_kr(data)
    hint = "flows.new.kr_done_hint" if data.get("krs") else None
    if old is not None:
        hint = "flows.new.keep_hint"
    return ask(
        ctx,
        "flows.new.ask_kr_title",
        hint,
        n=_kr_index(data) + 1,
        current=old["title"] if old else "",
    )


def handle_kr_title(ctx: Context, data: dict[str, Any], text: str) -> Step:
    krs = list(data.get("krs", []))
    if text.lower() in DONE_WORDS:
        if not krs:
            raise CommandError("flows.new.need_one_kr")
        return Step("confirm", data)
    old = _old_kr(data)
    if text.lower() in KEEP_WORDS and old is not None:
        text = old["title"]
    text = checked_title(text)
    return Step("kr_numbers", {**data, "kr_title": text})


def prompt_kr_numbers(ctx: Context, data: dict[str, Any]) -> Message:
    hint = "flows.new.keep_hint" if _old_kr(data) else None
    return ask(ctx, "flows.new.ask_kr_numbers", hint, n=_kr_index(data) + 1, current="")


def handle_kr_numbers(ctx: Context, data: dict[str, Any], text: str) -> Step:
    old = _old_kr(data)
    if text.lower() in KEEP_WORDS and old is not None:
        numbers = {k: v for k, v in old.items() if k != "title"}
    else:
        numbers = drafts.parse_numbers(text)
    krs = [*data.get("krs", []), {"title": data["kr_title"], **numbers}]
    rest = {k: v for k, v in data.items() if k != "kr_title"}
    following = {**rest, "krs": krs, "index": len(krs)}
    return Step("confirm" if len(krs) >= drafts.MAX_KRS else "kr_title", following)


def prompt_confirm(ctx: Context, data: dict[str, Any]) -> Message:
    parent = ctx.session.get(Objective, data["parent_id"]) if data.get("parent_id") else None
    return ctx.render(
        "flow_draft",
        title=data["title"],
        parent=f"O-{parent.number} {parent.title}" if parent else None,
        krs=data.get("krs", []),
        needs_approval=data.get("owner_type", "person") == OwnerType.PERSON.value
        and ctx.person.manager_id is not None,
    )


def handle_confirm(ctx: Context, data: dict[str, Any], text: str) -> Step:
    if text.lower() not in SUBMIT_WORDS:
        raise CommandError("flows.new.confirm_hint")
    return Step(None, data, drafts.submit(ctx, data))


def _begin(ctx: Context, data: dict[str, object]) -> Begin:
    """Slack and Feishu get the form; other chats the questions one by one."""
    if ctx.platform in FORM_PLATFORMS:
        return Begin(dict(data), state=okr_form.FORM_STATE)
    return Begin(dict(data))


def okr_new(command: OkrNew, ctx: Context) -> Begin:
    """Draft a new objective: a form on Slack/Feishu, questions one by one elsewhere."""
    owner_type = OwnerType(command.scope)
    if not ctx.access.can_create_objective(owner_type):
        raise CommandError(f"flows.new.not_allowed.{owner_type.value}", usage="okr.new")
    drafts.require_cycle(ctx)
    return _begin(ctx, {"owner_type": owner_type.value})


def okr_edit(command: OkrEdit, ctx: Context) -> Begin:
    """Reopen one's draft (after "request changes") with the manager's comment shown."""
    objective = draft_edit.reworkable(ctx, command.objective_number)
    data = drafts.draft_of(ctx, objective)
    data["comment"] = approvals.latest_comment(ctx, objective)
    data["old_krs"], data["krs"] = data["krs"], []
    if ctx.platform in FORM_PLATFORMS:
        data["krs"] = data.pop("old_krs")
    return _begin(ctx, data)


def on_edit_click(action: Action, ctx: Context) -> Begin:
    """The "Rework it" button of a changes-requested notice."""
    number = lookups.parse_id(action.value)
    if number is None:
        raise CommandError("flows.approval.unknown")
    return okr_edit(OkrEdit(number), ctx)


NEW_OKR = Flow(
    name="okr_new",
    start="title",
    states={
        "title": State(prompt_title, handle_title),
        "parent": State(prompt_parent, handle_parent),
        "kr_title": State(prompt_kr_title, handle_kr_title),
        "kr_numbers": State(prompt_kr_numbers, handle_kr_numbers),
        "confirm": State(prompt_confirm, handle_confirm),
        okr_form.FORM_STATE: State(okr_form.show_form),  # answered by its submit button
    },
    commands={OkrNew: okr_new, OkrEdit: okr_edit},
    actions={"okr.edit": on_edit_click, okr_form.SUBMIT_ACTION: okr_form.submit_form},
)
