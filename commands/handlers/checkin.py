"""The check-in prompt's "Update" buttons: a small form per KR, and its submission recorded
by the check-in operation, exactly as `/okr update` records a typed check-in. The answer keeps
the buttons of the prompt's other KRs, so the prompt updated in place still offers them."""

from __future__ import annotations

from commands import lookups, refs
from commands.actions import Action
from commands.context import Context
from commands.handlers.okr import update_reply
from commands.operations import checkins
from commands.types import CommandError
from commands.values import parse_value
from digests.formatting import number
from digests.message import Actions, Button, Message
from storage.models.enums import Confidence

OPEN_ACTION = "checkin.open"
SUBMIT_ACTION = "checkin.submit"


def _kr_number(value: str) -> int:
    number = refs.kr_number(value)
    if number is None:
        raise CommandError("error.unknown_action")
    return number


def _refs(value: str) -> tuple[int, list[str]]:
    """A button's value `KR-3 KR-5 KR-8`: this KR, then the prompt's KRs still to update."""
    refs = value.split()
    if not refs:
        raise CommandError("error.unknown_action")
    return _kr_number(refs[0]), refs[1:]


def _still_to_update(ctx: Context, rest: list[str]) -> list[Button]:
    """An "Update" button for each KR of the prompt not updated yet (each carries the others)."""
    return [
        Button(
            action_id=OPEN_ACTION,
            label=ctx.t("checkin.button", ref=ref),
            value=" ".join([ref, *(other for other in rest if other != ref)]),
        )
        for ref in rest
    ]


def open_checkin(action: Action, ctx: Context) -> Message:
    """The "Update KR-n" button: a form with the KR's value, confidence and a note."""
    kr_number, rest = _refs(action.value)
    key_result, _ = lookups.key_result(ctx, kr_number)
    unit = (key_result.unit or "").strip()
    return ctx.render(
        "checkin_form",
        ref=f"KR-{key_result.number}",
        value=" ".join([f"KR-{key_result.number}", *rest]),
        title=key_result.title,
        current=number(key_result.current_value),
        target=number(key_result.target_value, unit or None),
        confidence=key_result.confidence.value,
        confidences=[c.value for c in Confidence],
    )


def submit_checkin(action: Action, ctx: Context) -> Message:
    """The form's submission: parsed and validated like `/okr update KR-n VALUE ...`."""
    kr_number, rest = _refs(action.value)
    text = action.form.get("value", "").strip()
    if not text:
        raise CommandError("error.missing_value", {"ref": f"KR-{kr_number}"}, usage="okr.update")
    try:
        value = parse_value(text)
    except CommandError as error:
        error.usage = "okr.update"
        raise
    chosen = action.form.get("confidence", "")
    confidence = Confidence(chosen) if chosen in set(Confidence) else None
    note = action.form.get("note", "").strip() or None
    reply = update_reply(ctx, checkins.record(ctx, kr_number, value, confidence, note), note)
    buttons = _still_to_update(ctx, rest)
    if not buttons:
        return reply
    return reply.model_copy(update={"blocks": [*reply.blocks, Actions(buttons=buttons)]})
