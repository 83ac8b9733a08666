"""Buttons on KPI alerts: Acknowledge, Assign, Send feedback; and Reply on feedback."""

from __future__ import annotations

from commands import permissions
from commands.actions import Action, register
from commands.context import Context
from commands.handlers import kpi_alerts, kpi_feedback
from commands.notify import notify
from commands.types import CommandError
from digests.formatting import number
from digests.message import Message
from storage.models import KpiAlert, KpiDefinition, Person
from storage.repos import kpi_alerts as alert_repo
from storage.repos import people


def _alert(ctx: Context, action: Action) -> KpiAlert:
    alert = (
        alert_repo.get(
            session=ctx.session, workspace_id=ctx.workspace_id, alert_id=int(action.value)
        )
        if action.value.isdigit()
        else None
    )
    if alert is None:
        raise CommandError("kpi.alert.unknown", {"ref": action.value})
    allowed = {p.id for p in kpi_alerts.recipients(ctx.session, alert)} | {alert.assigned_to_id}
    if ctx.person_id not in allowed and not permissions.is_hr(ctx.person):
        raise CommandError("kpi.alert.not_yours", {"ref": alert.id})
    return alert


def _when(ctx: Context, alert: KpiAlert) -> str:
    assert alert.acknowledged_at is not None
    return alert.acknowledged_at.astimezone(ctx.timezone).strftime("%Y-%m-%d %H:%M")


@register("kpi_alert.ack")
def acknowledge(action: Action, ctx: Context) -> Message:
    """Record who acknowledged the alert and when (the first click counts)."""
    alert = _alert(ctx, action)
    key = "kpi.alert.already_acknowledged"
    if alert.acknowledged_at is None:
        alert.acknowledged_by_id, alert.acknowledged_at = ctx.person_id, ctx.now
        ctx.session.add(alert)
        key = "kpi.alert.acknowledged"
    who = ctx.session.get(Person, alert.acknowledged_by_id) if alert.acknowledged_by_id else None
    text = ctx.t(key, ref=alert.id, person=who.name if who else "?", when=_when(ctx, alert))
    return ctx.render("kpi_note", text=text)


@register("kpi_alert.assign")
def assign(action: Action, ctx: Context) -> Message:
    """Hand the alert to someone (form field `person`: email or name); they are told."""
    alert = _alert(ctx, action)
    query = (action.form.get("person") or "").strip()
    found = people.find(session=ctx.session, workspace_id=ctx.workspace_id, query=query)
    if not query or len(found) != 1:
        raise CommandError("kpi.alert.assign_needs_person", {"ref": alert.id})
    assignee = found[0]
    alert.assigned_to_id = assignee.id
    ctx.session.add(alert)
    kpi = ctx.session.get(KpiDefinition, alert.kpi_id)
    assert kpi is not None
    assert assignee.id is not None
    scope = kpi_alerts.scope_name(
        ctx.session, alert.scope, alert.department_id, alert.person_id, ctx.locale
    )
    told = ctx.t(
        "kpi.alert.assigned_to_you",
        person=ctx.person.name,
        ref=alert.id,
        code=kpi.code,
        scope=scope,
        value=number(alert.value, kpi.unit),
        period=alert.period,
    )
    notify(
        ctx,
        person_id=assignee.id,
        message=ctx.render("kpi_note", text=told),
        dedupe_key=f"kpi_alert_assign:{alert.id}:{assignee.id}",
        kind="kpi_alert_assigned",
    )
    return ctx.render(
        "kpi_note", text=ctx.t("kpi.alert.assigned", ref=alert.id, person=assignee.name)
    )


@register("kpi_feedback.send")
def send_feedback(action: Action, ctx: Context) -> Message:
    """A manager's feedback on the alert's KPI to its owner (form field `text`)."""
    alert = _alert(ctx, action)
    if alert.owner_id is None:
        raise CommandError("kpi.alert.unknown", {"ref": alert.id})
    return kpi_feedback.send(
        ctx,
        recipient_id=alert.owner_id,
        kpi_id=alert.kpi_id,
        alert_id=alert.id,
        text=action.form.get("text", ""),
    )


@register("kpi_feedback.reply")
def reply_feedback(action: Action, ctx: Context) -> Message:
    """The employee's reply (form field `text`) to a feedback note."""
    if not action.value.isdigit():
        raise CommandError("kpi.feedback.unknown", {"ref": action.value})
    return kpi_feedback.reply(ctx, feedback_id=int(action.value), text=action.form.get("text", ""))
