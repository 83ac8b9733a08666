"""`/okr new` on Slack and Feishu: one form (message inputs, a card form) instead of steps —
the form state of flows.okr_new and its submit button."""

from __future__ import annotations

from typing import Any

from commands import lookups
from commands.actions import Action
from commands.context import Context
from commands.limits import checked_title
from commands.operations import drafts
from commands.types import CommandError
from digests.formatting import number
from digests.message import Message
from flows import engine
from storage.models import Metric
from storage.repos import flows as runs

SUBMIT_ACTION = "okr.new.submit"
FORM_STATE = "form"


def _kr_line(ctx: Context, kr: dict[str, Any]) -> str:
    """A drafted KR as a line of the form, typed back the way it was parsed (`no yes` stays a
    yes/no KR rather than becoming `0 1`)."""
    unit = f" {kr['unit']}" if kr.get("unit") else ""
    weight = f" w={number(kr['weight'])}" if kr.get("weight", 1.0) != 1.0 else ""
    if kr.get("metric") == Metric.BOOLEAN.value:
        values = " ".join(ctx.t("audit.yes" if kr[k] else "audit.no") for k in ("start", "target"))
    else:
        values = f"{number(kr['start'])} {number(kr['target'])}"
    return f"{kr['title']} | {values}{unit}{weight}"


def show_form(ctx: Context, data: dict[str, Any]) -> Message:
    """The form of the run's form state (its run makes a double submit count once)."""
    cycle = drafts.require_cycle(ctx)
    parents = [
        {"value": str(o.id), "label": f"O-{o.number} {o.title}"[:75]}
        for o in drafts.parent_choices(ctx, cycle.id or 0)
    ]
    krs = [_kr_line(ctx, kr) for kr in data.get("krs", [])]
    return ctx.render(
        "flow_new_form",
        token=data["_token"],
        title=data.get("title", ""),
        parent=str(data.get("parent_id") or ""),
        parents=parents,
        krs=krs + [""] * (drafts.MAX_KRS - len(krs)),
        comment=data.get("comment"),
    )


def _parse_kr(line: str) -> dict[str, Any]:
    title, bar, numbers = line.rpartition("|")
    if not bar or not title.strip():
        raise CommandError("flows.new.bad_kr_line", {"text": line})
    return {"title": checked_title(title), **drafts.parse_numbers(numbers)}


def _chosen_parent(ctx: Context, choice: str) -> int | None:
    """The parent a form names by row id: one of the choices the form offered (a company or
    department objective of this cycle the speaker may see); anything else is unknown."""
    found = lookups.objective_by_id(ctx, choice)
    offered = {o.id for o in drafts.parent_choices(ctx, drafts.require_cycle(ctx).id or 0)}
    if found.id not in offered:
        raise CommandError("error.unknown_objective", {"ref": choice})
    return found.id


def submit_form(action: Action, ctx: Context) -> Message:
    """The form's submit button: validate, save, send for approval, close the run once."""
    run = engine.run_of_token(ctx, action.value)
    data = runs.data_of(run)
    title = checked_title(action.form.get("title", ""))
    lines = [action.form.get(f"kr{i}", "").strip() for i in range(1, drafts.MAX_KRS + 1)]
    krs = [_parse_kr(line) for line in lines if line]
    if not krs:
        raise CommandError("flows.new.need_one_kr")
    parent = action.form.get("parent", "").strip()
    parent_id = _chosen_parent(ctx, parent) if parent else None
    data |= {"title": title, "krs": krs, "parent_id": parent_id}
    reply = drafts.submit(ctx, data)
    if not runs.finish(session=ctx.session, run=run):
        raise CommandError("flows.stale")
    return reply
