"""Readings in: the one entry every source uses (chat, API, file import, SQL pull).

Validate, write, then check thresholds, all in the caller's transaction.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any

from sqlmodel import Session, col, select

from commands.operations import kpi_alerts
from digests.i18n import translate
from storage import kpi_ingest
from storage.kpi_ingest import Rejection
from storage.models import (
    Department,
    KpiDefinition,
    KpiReading,
    KpiScope,
    Person,
    Platform,
    ReadingSource,
    Workspace,
)
from storage.repos import audit, kpi_periods


@dataclass
class IntakeReport:
    written: list[KpiReading] = field(default_factory=list)
    duplicates: int = 0
    rejected: list[Rejection] = field(default_factory=list)
    alerts: int = 0
    recoveries: int = 0


def ingest(
    rows: Sequence[Mapping[str, Any]],
    *,
    session: Session,
    workspace: Workspace,
    source: ReadingSource,
    recorded_by_id: int | None = None,
    need_id: bool = False,
    all_or_nothing: bool = False,
    alert_channel: str | None = None,
    may_change_closed: bool = False,
) -> IntakeReport:
    """Store the good readings (none at all when `all_or_nothing` and one is bad) and alert.
    A reading of a period HR has closed is refused unless `may_change_closed` (HR's own)."""
    assert workspace.id is not None
    checked = kpi_ingest.validate(rows, session=session, workspace_id=workspace.id, need_id=need_id)
    if not may_change_closed:
        _refuse_closed(checked, session=session, workspace_id=workspace.id)
    report = IntakeReport(duplicates=checked.duplicates, rejected=checked.rejected)
    if all_or_nothing and checked.rejected:
        return report
    report.written = kpi_ingest.write(
        checked.readings,
        session=session,
        workspace_id=workspace.id,
        source=source,
        recorded_by_id=recorded_by_id,
    )
    report.duplicates += len(checked.readings) - len(report.written)
    if report.written and source is not ReadingSource.CHAT:  # chat audits each reading itself
        _audit_batch(session, workspace.id, source, recorded_by_id, report.written)
    counts = kpi_alerts.evaluate(
        report.written, session=session, workspace=workspace, channel=alert_channel
    )
    report.alerts, report.recoveries = counts.alerts, counts.recoveries
    return report


def scope_ref(
    session: Session, scope: KpiScope, department_id: int | None, person_id: int | None
) -> str:
    """The `scope` text a reading is written with (`company`, `department:NAME`,
    `person:EMAIL`) for a target's or a correction's owner."""
    department = session.get(Department, department_id) if department_id else None
    person = session.get(Person, person_id) if person_id else None
    return kpi_ingest.scope_text(
        scope,
        department=department.name if department else None,
        email=person.email if person else None,
    )


def _refuse_closed(checked: kpi_ingest.Validated, *, session: Session, workspace_id: int) -> None:
    closed = kpi_periods.closed_labels(session=session, workspace_id=workspace_id)
    if not closed:
        return
    kept = []
    for reading in checked.readings:
        label = kpi_periods.closing(closed, reading.period)
        if label is None:
            kept.append(reading)
        else:
            checked.rejected.append(
                kpi_ingest.Rejection(reading.index, "period", "period_closed", {"period": label})
            )
    checked.readings = kept


AUDIT_SAMPLE = 20  # readings listed in a batch's audit row; the count covers the rest
_AUDIT_SOURCE = {ReadingSource.API: Platform.API, ReadingSource.IMPORT: Platform.IMPORT}


def _audit_batch(
    session: Session,
    workspace_id: int,
    source: ReadingSource,
    actor_id: int | None,
    written: list[KpiReading],
) -> None:
    """One audit row per batch (an API call, a file, a pull), listing its first readings."""
    codes = {
        k.id: k.code
        for k in session.exec(
            select(KpiDefinition).where(col(KpiDefinition.id).in_({r.kpi_id for r in written}))
        )
    }
    sample = [
        {
            "kpi": codes.get(r.kpi_id),
            "scope": r.scope,
            "department_id": r.department_id,
            "person_id": r.person_id,
            "period": r.period,
            "value": r.value,
        }
        for r in written[:AUDIT_SAMPLE]
    ]
    audit.record(
        session=session,
        workspace_id=workspace_id,
        actor_id=actor_id,
        platform=_AUDIT_SOURCE.get(source, Platform.IMPORT),
        action="kpi_readings",
        entity_type="kpi_reading",
        entity_id=written[0].id if len(written) == 1 else None,
        entity_ref=", ".join(sorted(set(codes.values())))[:64],
        after={"source": source.value, "count": len(written), "readings": sample},
    )


def explain(rejection: Rejection, locale: str = "en") -> str:
    """A rejection in words: which field and what is wrong with it (files and the API, whose
    users name the fields)."""
    reason = in_words(rejection, locale)
    return translate(locale, "kpi.reject.field", field=rejection.field, reason=reason)


def in_words(rejection: Rejection, locale: str = "en") -> str:
    """What is wrong, without the field's name (chat, where nobody typed a field)."""
    params = {k: getattr(v, "value", v) for k, v in rejection.params.items()}
    if "frequency" in params:
        params["frequency"] = translate(locale, f"kpi.frequency.{params['frequency']}")
    return translate(locale, f"kpi.reject.{rejection.reason}", **params)
