"""Who else hears about a KPI alert changing hands: its owner, when someone else assigned it,
and the previous assignee, when it was taken from them — each once per change, in their
own language, through the outbox."""

from __future__ import annotations

from commands import alert_views
from commands.context import Context
from commands.notify import notify
from digests.i18n import reader_locale, translate
from storage.models import KpiAlert, KpiDefinition, Person

KIND = "kpi_alert_reassigned"


def tell_others(
    ctx: Context, alert: KpiAlert, *, assignee: Person, previous_id: int | None
) -> None:
    """Tell the owner (unless they did it or now hold it) and the previous assignee (unless
    they did it or are the owner, who is told already) who now holds the alert."""
    kpi = ctx.session.get(KpiDefinition, alert.kpi_id)
    code = kpi.code if kpi else "?"
    change = f"{alert.id}:{previous_id or 0}:{assignee.id}"
    skip = {ctx.person_id, assignee.id}
    if alert.owner_id is not None and alert.owner_id not in skip:
        _tell(ctx, alert, alert.owner_id, "owner", f"kpi_alert_owner:{change}", code, assignee)
    if previous_id is not None and previous_id not in skip | {alert.owner_id}:
        _tell(ctx, alert, previous_id, "previous", f"kpi_alert_taken:{change}", code, assignee)


def _tell(
    ctx: Context,
    alert: KpiAlert,
    person_id: int,
    role: str,
    dedupe_key: str,
    code: str,
    assignee: Person,
) -> None:
    reader = ctx.session.get(Person, person_id)
    if reader is None or reader.workspace_id != ctx.workspace_id:
        return
    note = translate(
        reader_locale(reader, ctx.workspace),
        f"kpi_alert_notice.{role}",
        by=ctx.person.name,
        code=code,
        ref=alert.id,
        person=assignee.name,
    )
    message = alert_views.alert_view(
        ctx.session, workspace=ctx.workspace, viewer=reader, alert=alert, note=note
    )
    notify(ctx, person_id=person_id, message=message, dedupe_key=dedupe_key, kind=KIND)
