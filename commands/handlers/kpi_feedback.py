"""Feedback: a manager's note to a person on a KPI or KR; the person's reply. Both are kept."""

from __future__ import annotations

from commands import mentions
from commands.context import Context
from commands.limits import checked
from commands.notify import notify
from commands.types import CommandError, KpiFeedbackReply, KpiFeedbackSend
from digests.i18n import reader_locale, translate
from digests.message import Message
from digests.render import render
from storage.models import KpiDefinition, KpiFeedback, Person
from storage.repos import kpi_alerts, kpis, okrs


def _text(text: str, usage: str) -> str:
    cleaned = text.strip()
    if not cleaned:
        raise CommandError("kpi.feedback.empty", usage=usage)
    return checked(cleaned, "feedback", usage=usage)


def send(
    ctx: Context,
    *,
    recipient_id: int,
    text: str,
    kpi_id: int | None = None,
    key_result_id: int | None = None,
    alert_id: int | None = None,
    subject: str = "",
) -> Message:
    """Store the note and send it to the person with a Reply button."""
    body = _text(text, "kpi.feedback")
    recipient = ctx.session.get(Person, recipient_id)
    if recipient is None or not (ctx.access.manages(recipient_id) or ctx.access.sees_all()):
        raise CommandError("kpi.feedback.not_your_report", usage="kpi.feedback")
    if not subject and kpi_id is not None:
        kpi = ctx.session.get(KpiDefinition, kpi_id)
        subject = kpi.code if kpi else ""
    note = KpiFeedback(
        workspace_id=ctx.workspace_id,
        author_id=ctx.person_id,
        recipient_id=recipient_id,
        kpi_id=kpi_id,
        key_result_id=key_result_id,
        alert_id=alert_id,
        text=body,
    )
    ctx.session.add(note)
    ctx.session.flush()
    notify(
        ctx,
        person_id=recipient_id,
        message=render(
            "kpi_feedback",
            locale=reader_locale(recipient, ctx.workspace),
            ref=note.id,
            author=ctx.person.name,
            subject=subject,
            text=body,
        ),
        dedupe_key=f"kpi_feedback:{note.id}",
        kind="kpi_feedback",
    )
    return ctx.render(
        "kpi_note",
        text=ctx.t("kpi.feedback.sent", ref=note.id, person=recipient.name, subject=subject),
    )


def reply(ctx: Context, *, feedback_id: int, text: str) -> Message:
    """The recipient answers a note; the author is told."""
    body = _text(text, "kpi.reply")
    note = kpi_alerts.feedback(
        session=ctx.session, workspace_id=ctx.workspace_id, feedback_id=feedback_id
    )
    if note is None or note.recipient_id != ctx.person_id:
        raise CommandError("kpi.feedback.unknown", {"ref": feedback_id}, usage="kpi.reply")
    answer = KpiFeedback(
        workspace_id=ctx.workspace_id,
        author_id=ctx.person_id,
        recipient_id=note.author_id,
        kpi_id=note.kpi_id,
        key_result_id=note.key_result_id,
        alert_id=note.alert_id,
        reply_to_id=note.id,
        text=body,
    )
    ctx.session.add(answer)
    ctx.session.flush()
    author = ctx.session.get(Person, note.author_id)
    locale = reader_locale(author, ctx.workspace) if author else ctx.locale
    notify(
        ctx,
        person_id=note.author_id,
        message=render(
            "kpi_note",
            locale=locale,
            text=translate(
                locale, "kpi.feedback.replied", person=ctx.person.name, ref=note.id, text=body
            ),
        ),
        dedupe_key=f"kpi_feedback:{answer.id}",
        kind="kpi_feedback_reply",
    )
    return ctx.render(
        "kpi_note",
        text=ctx.t("kpi.feedback.reply_sent", ref=note.id, person=author.name if author else "?"),
    )


def feedback_command(command: KpiFeedbackSend, ctx: Context) -> Message:
    """`/kpi feedback CODE|KR-n @person TEXT`."""
    recipient, text = mentions.leading_person(ctx, command.person_and_text, usage="kpi.feedback")
    assert recipient.id is not None
    if command.kr_number is not None:
        kr = okrs.key_result_by_number(
            session=ctx.session, workspace_id=ctx.workspace_id, number=command.kr_number
        )
        if kr is None:
            raise CommandError("error.unknown_kr", {"ref": f"KR-{command.kr_number}"})
        return send(
            ctx,
            recipient_id=recipient.id,
            text=text,
            key_result_id=kr.id,
            subject=f"KR-{kr.number}",
        )
    kpi = kpis.by_code(session=ctx.session, workspace_id=ctx.workspace_id, code=command.code)
    if kpi is None:
        raise CommandError("error.unknown_kpi", {"code": command.code}, usage="kpi.feedback")
    return send(ctx, recipient_id=recipient.id, text=text, kpi_id=kpi.id)


def reply_command(command: KpiFeedbackReply, ctx: Context) -> Message:
    """`/kpi reply N TEXT`."""
    return reply(ctx, feedback_id=command.feedback_id, text=command.text)
