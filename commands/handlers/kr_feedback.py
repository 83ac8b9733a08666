"""The "Feedback on KR-n" button of the manager digest: the first click opens a small form,
its Send (same action, with the text) stores and delivers the note through kpi_feedback."""

from __future__ import annotations

from commands import lookups
from commands.actions import Action
from commands.context import Context
from commands.handlers import kpi_feedback
from commands.types import CommandError
from digests.message import Message
from storage.models import Person

ACTION = "kpi_feedback.kr"


def kr_feedback(action: Action, ctx: Context) -> Message:
    """No text yet: the form; with text: send it to the KR's owner (their manager or HR only)."""
    kr, _ = lookups.key_result_by_id(ctx, action.value)
    if not (ctx.access.manages(kr.owner_id) or ctx.access.sees_all()):
        raise CommandError("kpi.feedback.not_your_report", usage="kpi.feedback")
    text = action.form.get("text", "").strip()
    if text:
        return kpi_feedback.send(
            ctx,
            recipient_id=kr.owner_id,
            text=text,
            key_result_id=kr.id,
            subject=f"KR-{kr.number}",
        )
    owner = ctx.session.get(Person, kr.owner_id)
    return ctx.render(
        "digest_kr_feedback",
        kr_id=kr.id,
        ref=f"KR-{kr.number}",
        title=kr.title,
        owner=owner.name if owner else "?",
    )
