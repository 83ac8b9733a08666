"""The one-form check-in: the *Check in* button (the weekly prompt, App Home, `/okr list`)
answers with one form holding every due KR — value prefilled, confidence, optional note — and
its one submit records them all through the check-in batch, the path of `/okr update`.

Slack shows the form as a modal; on Feishu the prompt card is the form itself. An empty value
leaves that KR out. Beyond a page (commands/checkin_forms.PAGE KRs) each submit records its
page and answers with the next one.
"""

from __future__ import annotations

from collections.abc import Sequence

from commands import checkin_forms, lookups, refs
from commands.actions import Action
from commands.checkin_forms import FormState, field_name
from commands.context import Context
from commands.operations import checkin_batch
from commands.types import CommandError
from commands.values import parse_value
from digests.message import Message
from storage.models import KeyResult
from storage.models.enums import Confidence
from storage.repos import schedule

OPEN_ACTION = "checkin.form"
SUBMIT_ACTION = "checkin.submit_all"


def due(ctx: Context, only: set[int] | None = None) -> list[KeyResult]:
    """The requester's due KRs (only those numbered, when any of them is still due)."""
    krs = schedule.due_key_results(
        session=ctx.session, workspace_id=ctx.workspace_id, owner_ids=[ctx.person_id]
    ).get(ctx.person_id, [])
    return [kr for kr in krs if only is None or kr.number in only] or krs


def form_message(
    ctx: Context, krs: Sequence[KeyResult], *, earlier: int = 0, note: str | None = None
) -> Message:
    """The form for `krs` (its first page when they are more than a page)."""
    stamp = checkin_forms.latest_check_in_id(session=ctx.session, workspace_id=ctx.workspace_id)
    views, state = checkin_forms.first_page(krs, stamp=stamp, earlier=earlier)
    page = earlier // checkin_forms.PAGE + 1
    pages = page - 1 + -(-len(krs) // checkin_forms.PAGE)
    return ctx.render(
        "checkin_all_form", krs=views, value=state.encode(), page=page, pages=pages, note=note
    )


def open_form(action: Action, ctx: Context) -> Message:
    """The *Check in* button: its value names the prompt's KRs (`KR-1 KR-4`); all due KRs
    when it names none (App Home) or none of them is due any more."""
    numbers = {n for ref in action.value.split() if (n := refs.kr_number(ref)) is not None}
    krs = due(ctx, numbers or None)
    if not krs:
        return ctx.render("flow_note", text=ctx.t("guided.nothing"))
    return form_message(ctx, krs)


def _entry(ctx: Context, action: Action, number: int) -> checkin_batch.Entry | None:
    """KR-`number`'s fields as a check-in entry; None when its value was left empty."""
    ref = f"KR-{number}"
    text = action.form.get(field_name(number, "value"), "").strip()
    if not text:
        return None
    try:
        value = parse_value(text)
    except CommandError as error:
        reason = ctx.t(error.key, **error.params)
        raise CommandError("checkin_form.bad_value", {"ref": ref, "reason": reason}) from error
    chosen = action.form.get(field_name(number, "confidence"), "")
    confidence = Confidence(chosen) if chosen in set(Confidence) else None
    note = action.form.get(field_name(number, "note"), "").strip() or None
    return checkin_batch.Entry(number, value, confidence, note)


def _stale(ctx: Context, state: FormState) -> list[str]:
    """The page's KRs checked in since the form was made (refs)."""
    looked_up = [lookups.key_result(ctx, number)[0] for number in state.page]
    ids = [kr.id for kr in looked_up if kr.id is not None]
    newer = checkin_forms.checked_in_since(
        session=ctx.session, workspace_id=ctx.workspace_id, key_result_ids=ids, stamp=state.stamp
    )
    return [f"KR-{kr.number}" for kr in looked_up if kr.id in newer]


def submit_form(action: Action, ctx: Context) -> Message:
    """The form's one submit: the page's KRs recorded together (or, on any problem, none),
    then the next page if there is one."""
    state = checkin_forms.decode(action.value)
    if state is None:
        raise CommandError("error.unknown_action")
    stale = _stale(ctx, state)
    if stale:
        wanted = set(state.page) | set(state.rest)
        krs = [kr for kr in due(ctx) if kr.number in wanted]
        note = ctx.t("checkin_form.stale", refs=", ".join(stale))
        if not krs:
            return ctx.render("flow_note", text=note)
        return form_message(ctx, krs, earlier=state.earlier, note=note)
    entries, skipped = [], []
    for number in state.page:
        entry = _entry(ctx, action, number)
        if entry is None:
            skipped.append(f"KR-{number}")
        else:
            entries.append(entry)
    recorded = (
        checkin_batch.record_all(ctx, entries, skipped=skipped, earlier=state.earlier)
        if entries
        else None
    )
    following = [kr for kr in due(ctx) if kr.number in set(state.rest)] if state.rest else []
    if following:
        earlier = state.earlier + len(state.page)
        note = ctx.t("checkin_form.page_recorded", count=len(entries), page=len(state.page))
        return form_message(ctx, following, earlier=earlier, note=note)
    return recorded or ctx.render("flow_note", text=ctx.t("guided.all_skipped"))
