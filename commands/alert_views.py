"""A KPI alert as one person sees it after someone acted on it (who acknowledged it and when,
its assignee), who may assign it, and the forms its Assign and Send feedback buttons open."""

from __future__ import annotations

from zoneinfo import ZoneInfo

from sqlalchemy import or_
from sqlmodel import Session, col, select

from commands.context import Context
from commands.operations import kpi_alerts
from digests.formatting import number
from digests.i18n import reader_locale
from digests.message import Message
from storage.access import Access
from storage.models import KpiAlert, KpiDefinition, KpiTarget, Person, Workspace

MAX_CHOICES = 100  # Slack's limit for a static select


def _sees_feedback(session: Session, viewer: Person, alert: KpiAlert) -> bool:
    """The Send feedback button is for the owner's management chain and HR."""
    if alert.owner_id is None or viewer.id == alert.owner_id or viewer.id is None:
        return False
    return Access(session, viewer).can_send_alert_feedback(alert)


def alert_view(
    session: Session, *, workspace: Workspace, viewer: Person, alert: KpiAlert, note: str = ""
) -> Message:
    """The alert with its state, in the viewer's language and time zone, `note` on top."""
    kpi = session.get(KpiDefinition, alert.kpi_id)
    target = session.get(KpiTarget, alert.target_id)
    assert kpi is not None
    assert target is not None
    status: dict[str, str] = {"note": note} if note else {}
    if alert.acknowledged_by_id is not None and alert.acknowledged_at is not None:
        acker = session.get(Person, alert.acknowledged_by_id)
        zone = ZoneInfo(viewer.timezone or workspace.timezone)
        status["acknowledged_by"] = acker.name if acker else "?"
        status["acknowledged_at"] = alert.acknowledged_at.astimezone(zone).strftime(
            "%Y-%m-%d %H:%M"
        )
    if alert.assigned_to_id is not None:
        assignee = session.get(Person, alert.assigned_to_id)
        status["assignee"] = assignee.name if assignee else "?"
    return kpi_alerts.alert_message(
        alert,
        kpi,
        target,
        session=session,
        locale=reader_locale(viewer, workspace),
        for_manager=_sees_feedback(session, viewer, alert),
        status=status,
    )


def candidates(session: Session, alert: KpiAlert) -> list[Person]:
    """The owner's team: the owner, their manager's reports, their own reports, and the
    people of the owner's department; by name, at most MAX_CHOICES."""
    owner = session.get(Person, alert.owner_id) if alert.owner_id else None
    if owner is None:
        return []
    same_team = [col(Person.manager_id) == owner.id, col(Person.id) == owner.id]
    if owner.manager_id is not None:
        same_team.append(col(Person.manager_id) == owner.manager_id)
    if owner.department_id is not None:
        same_team.append(col(Person.department_id) == owner.department_id)
    query = (
        select(Person)
        .where(Person.workspace_id == alert.workspace_id, col(Person.active), or_(*same_team))
        .order_by(col(Person.name), col(Person.id))
        .limit(MAX_CHOICES)
    )
    return list(session.exec(query))


def assign_form(ctx: Context, alert: KpiAlert) -> Message:
    """Pick someone from the owner's team, or name anyone else (email, name or @mention)."""
    kpi = ctx.session.get(KpiDefinition, alert.kpi_id)
    assert kpi is not None
    chosen = ctx.session.get(Person, alert.assigned_to_id) if alert.assigned_to_id else None
    return ctx.render(
        "kpi_alert_assign_form",
        alert_id=alert.id,
        code=kpi.code,
        scope=kpi_alerts.scope_name(
            ctx.session, alert.scope, alert.department_id, alert.person_id, ctx.locale
        ),
        value=number(alert.value, kpi.unit),
        period=alert.period,
        current=chosen.email if chosen else "",
        people=[{"value": p.email, "label": p.name} for p in candidates(ctx.session, alert)],
    )


def feedback_form(ctx: Context, alert: KpiAlert) -> Message:
    """A text box for the manager's note to the alert's owner."""
    kpi = ctx.session.get(KpiDefinition, alert.kpi_id)
    target = ctx.session.get(KpiTarget, alert.target_id)
    owner = ctx.session.get(Person, alert.owner_id) if alert.owner_id else None
    assert kpi is not None
    assert target is not None
    return ctx.render(
        "kpi_alert_feedback_form",
        alert_id=alert.id,
        code=kpi.code,
        owner=owner.name if owner else "?",
        email=owner.email if owner else "",
        value=number(alert.value, kpi.unit),
        target=number(target.target, kpi.unit),
        period=alert.period,
    )
