"""Buttons on KPI alerts: Acknowledge, Assign, Send feedback; and Reply on feedback.

Assign, Send feedback and Reply follow the form pattern of the digest's "Feedback on KR-n":
the first click (no form fields yet) returns a small form, its submit (same action id and
value, with the fields) does the work. Each answer is the alert as it now stands, so a
platform that updates the clicked message in place shows who acknowledged it, when, and its
assignee.
"""

from __future__ import annotations

from sqlmodel import col, select

from commands import alert_views, lookups, mentions
from commands.actions import Action
from commands.context import Context
from commands.handlers import kpi_feedback
from commands.operations import alerts
from commands.types import CommandError, KpiAlertAct
from digests.message import Message
from storage.models import KpiAlert, KpiDefinition, KpiFeedback, Person

ASSIGN_FIELDS = ("person", "other")


def _alert(ctx: Context, action: Action) -> KpiAlert:
    """The alert a button names: for the people it was sent to, its assignee, the owner's
    management chain (the manager digest lists their reports' alerts) and HR only."""
    return lookups.alert(ctx, action.value)


def _view(ctx: Context, alert: KpiAlert, note: str) -> Message:
    return alert_views.alert_view(
        ctx.session, workspace=ctx.workspace, viewer=ctx.person, alert=alert, note=note
    )


def _when(ctx: Context, alert: KpiAlert) -> str:
    assert alert.acknowledged_at is not None
    return alert.acknowledged_at.astimezone(ctx.timezone).strftime("%Y-%m-%d %H:%M")


def acknowledge(action: Action, ctx: Context) -> Message:
    """Record who acknowledged the alert and when (the first click counts)."""
    alert = _alert(ctx, action)
    done = alerts.acknowledge(ctx, alert)
    key = "kpi.alert.acknowledged" if done else "kpi.alert.already_acknowledged"
    who = ctx.session.get(Person, alert.acknowledged_by_id) if alert.acknowledged_by_id else None
    note = ctx.t(key, ref=alert.id, person=who.name if who else "?", when=_when(ctx, alert))
    return _view(ctx, alert, note)


def _assignee(ctx: Context, alert: KpiAlert, action: Action, usage: str) -> Person:
    """The person the submitted form names: the typed name wins over the picked one."""
    query = (action.form.get("other") or "").strip() or (action.form.get("person") or "").strip()
    if not query:
        raise CommandError("kpi.alert.assign_needs_person", {"ref": alert.id}, usage=usage)
    found = mentions.candidates(ctx, query)
    if len(found) != 1:
        key = "kpi.alert_actions.assign_ambiguous" if found else "kpi.alert_actions.assign_unknown"
        raise CommandError(key, {"query": query, "names": mentions.listing(found)}, usage=usage)
    return found[0]


def assign(action: Action, ctx: Context) -> Message:
    """First click: the picker form. Submit: hand the alert to that person, who is told."""
    return _assign(action, ctx, usage="kpi.alert_assign")


def _assign(action: Action, ctx: Context, *, usage: str) -> Message:
    # Only those who may see the alert learn it exists; the refusal then names who may assign.
    alert = lookups.alert(ctx, action.value)
    if not ctx.access.can_assign_alert(alert):
        owner = ctx.session.get(Person, alert.owner_id) if alert.owner_id else None
        raise CommandError(
            "kpi.alert_actions.assign_not_allowed",
            {"ref": alert.id, "owner": owner.name if owner else "?"},
        )
    if not any(name in action.form for name in ASSIGN_FIELDS):
        return alert_views.assign_form(ctx, alert)
    assignee = _assignee(ctx, alert, action, usage)
    if not alerts.assign(ctx, alert, assignee):  # a double click or a re-submitted form
        return _view(
            ctx,
            alert,
            ctx.t("kpi.alert_actions.already_assigned", ref=alert.id, person=assignee.name),
        )
    return _view(ctx, alert, ctx.t("kpi.alert.assigned", ref=alert.id, person=assignee.name))


def typed(command: KpiAlertAct, ctx: Context) -> Message:
    """`/kpi ack N` and `/kpi assign N @person`: the buttons, for chats without them."""
    value = str(command.alert_id)
    if command.act == "assign":
        action = Action("kpi_alert.assign", value, {"other": command.person})
        return _assign(action, ctx, usage="kpi.assign")
    return acknowledge(Action("kpi_alert.ack", value), ctx)


def _same_note(
    ctx: Context, text: str, *, alert_id: int | None = None, reply_to_id: int | None = None
) -> KpiFeedback | None:
    """This person's earlier identical note on the alert (or reply to the note), if any."""
    body = text.strip()
    if not body:
        return None
    query = select(KpiFeedback).where(
        KpiFeedback.workspace_id == ctx.workspace_id,
        KpiFeedback.author_id == ctx.person_id,
        KpiFeedback.text == body,
    )
    if reply_to_id is not None:
        query = query.where(KpiFeedback.reply_to_id == reply_to_id)
    else:
        query = query.where(
            KpiFeedback.alert_id == alert_id, col(KpiFeedback.reply_to_id).is_(None)
        )
    return ctx.session.exec(query.limit(1)).first()


def send_feedback(action: Action, ctx: Context) -> Message:
    """First click: a text box. Submit (form field `text`): the manager's feedback on the
    alert's KPI to its owner, stored and sent with a Reply button."""
    alert = _alert(ctx, action)
    if alert.owner_id is None:
        raise CommandError("kpi.alert.unknown", {"ref": alert.id})
    if not (ctx.access.manages(alert.owner_id) or ctx.access.sees_all()):
        raise CommandError("kpi.feedback.not_your_report", usage="kpi.feedback")
    if "text" not in action.form:
        return alert_views.feedback_form(ctx, alert)
    earlier = _same_note(ctx, action.form["text"], alert_id=alert.id)
    if earlier is not None:  # a double click or a re-submitted form
        owner = ctx.session.get(Person, alert.owner_id)
        kpi = ctx.session.get(KpiDefinition, alert.kpi_id)
        already = ctx.t(
            "kpi.alert_actions.feedback_already_sent",
            ref=earlier.id,
            subject=kpi.code if kpi else "",
            person=owner.name if owner else "?",
        )
        return _view(ctx, alert, already)
    sent = kpi_feedback.send(
        ctx,
        recipient_id=alert.owner_id,
        kpi_id=alert.kpi_id,
        alert_id=alert.id,
        text=action.form["text"],
    )
    return _view(ctx, alert, sent.summary)


def reply_feedback(action: Action, ctx: Context) -> Message:
    """First click: a text box under the note. Submit (form field `text`): the employee's
    reply, kept with the note and sent to its author."""
    note = lookups.feedback(ctx, action.value, usage="kpi.reply")
    if note.recipient_id != ctx.person_id or note.id is None:  # the author may not reply
        raise CommandError("kpi.feedback.unknown", {"ref": action.value}, usage="kpi.reply")
    author = ctx.session.get(Person, note.author_id)
    if "text" in action.form:
        if _same_note(ctx, action.form["text"], reply_to_id=note.id) is not None:
            text = ctx.t(
                "kpi.alert_actions.reply_already_sent",
                ref=note.id,
                person=author.name if author else "?",
            )
            return ctx.render("kpi_note", text=text)
        return kpi_feedback.reply(ctx, feedback_id=note.id, text=action.form["text"])
    kpi = ctx.session.get(KpiDefinition, note.kpi_id) if note.kpi_id else None
    return ctx.render(
        "kpi_feedback_reply_form",
        ref=note.id,
        author=author.name if author else "?",
        subject=kpi.code if kpi else "",
        text=note.text,
    )
