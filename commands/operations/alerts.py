"""Acting on a KPI alert: acknowledge it, hand it to someone. The buttons, `/kpi ack N` and
`/kpi assign N @person` all come here; the caller has checked the right to act."""

from __future__ import annotations

from commands import alert_views
from commands.context import Context
from commands.notify import notify
from commands.operations import alert_notices
from digests.i18n import reader_locale, translate
from storage.models import KpiAlert, Person

ASSIGNED_KIND = "kpi_alert_assigned"


def acknowledge(ctx: Context, alert: KpiAlert) -> bool:
    """Record who acknowledged the alert and when; False when it already was (the first
    click counts)."""
    if alert.acknowledged_at is not None:
        return False
    alert.acknowledged_by_id, alert.acknowledged_at = ctx.person_id, ctx.now
    ctx.session.add(alert)
    return True


def assign(ctx: Context, alert: KpiAlert, assignee: Person) -> bool:
    """Hand the alert to `assignee`, who is told (and the owner and the previous assignee,
    each once per change); False when it already is theirs (a double click)."""
    assert assignee.id is not None
    if alert.assigned_to_id == assignee.id:
        return False
    # keyed by the previous assignee too, so handing it back (A -> B -> A) tells A again
    previous_id = alert.assigned_to_id
    dedupe_key = f"kpi_alert_assign:{alert.id}:{assignee.id}:{previous_id or 0}"
    alert.assigned_to_id = assignee.id
    ctx.session.add(alert)
    ctx.session.flush()
    told = alert_views.alert_view(
        ctx.session,
        workspace=ctx.workspace,
        viewer=assignee,
        alert=alert,
        note=translate(
            reader_locale(assignee, ctx.workspace),
            "kpi.alert_actions.assigned_to_you",
            person=ctx.person.name,
        ),
    )
    notify(ctx, person_id=assignee.id, message=told, dedupe_key=dedupe_key, kind=ASSIGNED_KIND)
    alert_notices.tell_others(ctx, alert, assignee=assignee, previous_id=previous_id)
    return True
