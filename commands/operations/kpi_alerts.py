"""预警: a reading crossing a threshold in the bad direction alerts the scope's owner and their
manager, once per crossing; the first good reading after it is announced as a recovery."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass

from sqlmodel import Session

from digests.formatting import number
from digests.i18n import normalise_locale, reader_locale, translate
from digests.message import Message
from digests.render import render
from storage import kpi_math
from storage.models import (
    AlertState,
    Department,
    KpiAlert,
    KpiDefinition,
    KpiReading,
    KpiScope,
    KpiTarget,
    Person,
    Workspace,
)
from storage.outbox_targets import channel_key
from storage.repos import kpi_alerts, kpis, outbox
from storage.types import utcnow

ALERT_KIND = "kpi_alert"
RECOVERY_KIND = "kpi_recovery"
CHANNEL_KIND = "kpi_alert_channel"  # to kpi_alerts.channel (see storage.outbox_targets)


@dataclass
class AlertCounts:
    alerts: int = 0
    recoveries: int = 0


def evaluate(
    readings: Sequence[KpiReading], *, session: Session, workspace: Workspace, channel: str | None
) -> AlertCounts:
    """Check the newest new reading of each scope against its target's thresholds."""
    newest: dict[tuple[int, KpiScope, int | None, int | None], KpiReading] = {}
    for reading in readings:
        key = (reading.kpi_id, reading.scope, reading.department_id, reading.person_id)
        if key not in newest or (reading.period, reading.id or 0) >= (
            newest[key].period,
            newest[key].id or 0,
        ):
            newest[key] = reading
    counts = AlertCounts()
    for reading in newest.values():
        if kpi_alerts.has_later_reading(session=session, reading=reading):
            continue  # a back-fill says nothing about the present
        _check(reading, session=session, workspace=workspace, channel=channel, counts=counts)
    return counts


def scope_target(session: Session, reading: KpiReading) -> KpiTarget | None:
    """The target of the reading's scope that covers its period."""
    candidates = kpis.scope_targets(
        session=session,
        workspace_id=reading.workspace_id,
        kpi_id=reading.kpi_id,
        scope=reading.scope,
        department_id=reading.department_id,
        person_id=reading.person_id,
    )
    return kpis.target_for_period(candidates, reading.period)


def owner_of(session: Session, kpi: KpiDefinition, target: KpiTarget) -> int | None:
    """Who answers for a target: the person, the department head, else the KPI's owner."""
    if target.scope is KpiScope.PERSON and target.person_id is not None:
        return target.person_id
    if target.scope is KpiScope.DEPARTMENT and target.department_id is not None:
        department = session.get(Department, target.department_id)
        if department is not None and department.head_person_id is not None:
            return department.head_person_id
    return kpi.owner_id


def _check(
    reading: KpiReading,
    *,
    session: Session,
    workspace: Workspace,
    channel: str | None,
    counts: AlertCounts,
) -> None:
    target = scope_target(session, reading)
    kpi = session.get(KpiDefinition, reading.kpi_id)
    if target is None or kpi is None or target.id is None or reading.id is None:
        return
    status = kpi_math.status(kpi.direction, reading.value, target.warning, target.critical)
    is_bad = status in {kpi_math.KpiStatus.WARNING, kpi_math.KpiStatus.CRITICAL}
    alert = kpi_alerts.open_alert(
        session=session,
        workspace_id=reading.workspace_id,
        kpi_id=reading.kpi_id,
        scope=reading.scope,
        department_id=reading.department_id,
        person_id=reading.person_id,
    )
    if is_bad and alert is None:
        critical = status is kpi_math.KpiStatus.CRITICAL
        alert = KpiAlert(
            workspace_id=reading.workspace_id,
            kpi_id=reading.kpi_id,
            target_id=target.id,
            scope=reading.scope,
            department_id=reading.department_id,
            person_id=reading.person_id,
            owner_id=owner_of(session, kpi, target),
            level=status.value,
            period=reading.period,
            value=reading.value,
            threshold=(target.critical if critical else target.warning) or 0.0,
            reading_id=reading.id,
        )
        session.add(alert)
        session.flush()
        _announce(alert, kpi, target, session=session, workspace=workspace, channel=channel)
        counts.alerts += 1
    elif not is_bad and alert is not None:
        alert.state, alert.recovered_at = AlertState.RECOVERED, utcnow()
        alert.recovery_reading_id = reading.id
        session.add(alert)
        session.flush()
        _announce(
            alert, kpi, target, session=session, workspace=workspace, channel=channel, value=reading
        )
        counts.recoveries += 1


def recipients(session: Session, alert: KpiAlert) -> list[Person]:
    """The owner and the owner's manager (each once)."""
    owner = session.get(Person, alert.owner_id) if alert.owner_id else None
    if owner is None:
        return []
    manager = session.get(Person, owner.manager_id) if owner.manager_id else None
    return [owner] + ([manager] if manager is not None and manager.id != owner.id else [])


def alert_message(
    alert: KpiAlert,
    kpi: KpiDefinition,
    target: KpiTarget,
    *,
    session: Session,
    locale: str,
    for_manager: bool,
    recovery: KpiReading | None = None,
    status: Mapping[str, str] | None = None,
) -> Message:
    """The alert (or recovery) as a person reads it, with its buttons; `status` (who
    acknowledged it and when, the assignee, a note) once someone acted on it."""
    owner = session.get(Person, alert.owner_id) if alert.owner_id else None
    return render(
        "kpi_recovery" if recovery is not None else "kpi_alert",
        locale=locale,
        alert_id=alert.id,
        code=kpi.code,
        name=kpi.name_zh if locale == "zh-CN" and kpi.name_zh else kpi.name,
        scope=scope_name(session, alert.scope, alert.department_id, alert.person_id, locale),
        owner=owner.name if owner else "—",
        level=alert.level,
        period=recovery.period if recovery is not None else alert.period,
        value=number(recovery.value if recovery is not None else alert.value, kpi.unit),
        threshold=number(alert.threshold, kpi.unit),
        target=number(target.target, kpi.unit),
        direction=kpi.direction.value,
        for_manager=for_manager,
        status=dict(status or {}),
    )


def scope_name(
    session: Session,
    scope: KpiScope,
    department_id: int | None,
    person_id: int | None,
    locale: str,
) -> str:
    """Company, a department's name or a person's name."""
    if scope is KpiScope.COMPANY:
        return translate(locale, "kpi.scope.company")
    if scope is KpiScope.DEPARTMENT and department_id is not None:
        department = session.get(Department, department_id)
        return department.name if department else "?"
    person = session.get(Person, person_id) if person_id else None
    return person.name if person else "?"


def _announce(
    alert: KpiAlert,
    kpi: KpiDefinition,
    target: KpiTarget,
    *,
    session: Session,
    workspace: Workspace,
    channel: str | None,
    value: KpiReading | None = None,
) -> None:
    kind = RECOVERY_KIND if value is not None else ALERT_KIND
    people = recipients(session, alert)
    for position, person in enumerate(people):
        locale = reader_locale(person, workspace)
        message = alert_message(
            alert,
            kpi,
            target,
            session=session,
            locale=locale,
            for_manager=position > 0,
            recovery=value,
        )
        outbox.enqueue(
            session=session,
            workspace_id=alert.workspace_id,
            person_id=person.id or 0,
            dedupe_key=f"{kind}:{alert.id}:{person.id}",
            kind=kind,
            payload=message.model_dump_json(),
        )
    if channel and people:
        locale = normalise_locale(workspace.language)
        message = alert_message(
            alert, kpi, target, session=session, locale=locale, for_manager=False, recovery=value
        )
        outbox.enqueue(
            session=session,
            workspace_id=alert.workspace_id,
            person_id=people[0].id or 0,
            dedupe_key=channel_key(f"{CHANNEL_KIND}:{kind}:{alert.id}", channel),
            kind=CHANNEL_KIND,
            payload=message.model_dump_json(),
        )
