"""A reading of a closed KPI period changes only with HR's approval: a change typed in chat
becomes a correction request HR approves or rejects (buttons, or `/kpi correction approve N`);
approving writes the reading through the one intake, audit-logged, and the requester is told."""

from __future__ import annotations

from commands.context import Context
from commands.notify import notify
from commands.operations import kpi_alerts, kpi_intake
from commands.types import CommandError
from digests.formatting import number
from digests.i18n import reader_locale, translate
from digests.message import Message
from digests.render import render
from storage.models import (
    CorrectionStatus,
    KpiCorrection,
    KpiDefinition,
    KpiTarget,
    Person,
    ReadingSource,
)
from storage.repos import audit, kpi_corrections, people

KIND = "kpi_correction"


def request(
    ctx: Context,
    *,
    kpi: KpiDefinition,
    target: KpiTarget,
    period: str,
    old: float | None,
    new: float,
) -> Message:
    """File the change for HR (once, however often it is typed) and tell each HR admin."""
    assert kpi.id is not None
    row = KpiCorrection(
        workspace_id=ctx.workspace_id,
        kpi_id=kpi.id,
        scope=target.scope,
        department_id=target.department_id,
        person_id=target.person_id,
        period=period,
        old_value=old,
        new_value=new,
        requested_by_id=ctx.person_id,
    )
    repeat = kpi_corrections.pending_same(session=ctx.session, row=row)
    if repeat is None:
        ctx.session.add(row)
        ctx.session.flush()
        _audit(ctx, row, kpi, "kpi_correction_request")
    else:
        row = repeat
    assert row.id is not None
    for hr in _hr_people(ctx):
        assert hr.id is not None
        locale = reader_locale(hr, ctx.workspace)
        notify(
            ctx,
            person_id=hr.id,
            message=render(
                "kpi_correction_request",
                locale=locale,
                ref=row.id,
                person=ctx.person.name,
                code=kpi.code,
                name=kpi.name_zh if locale == "zh-CN" and kpi.name_zh else kpi.name,
                **_figures(ctx, row, kpi, locale),
            ),
            dedupe_key=f"{KIND}:{row.id}:{hr.id}",
            kind=KIND,
        )
    text = ctx.t(
        "kpi.correction.requested", ref=row.id, code=kpi.code, **_figures(ctx, row, kpi, ctx.locale)
    )
    return ctx.render("broadcast_note", text=text)


def decide(ctx: Context, correction_id: int, *, approve: bool) -> Message:
    """HR approves (the reading is written) or rejects; the requester is told either way."""
    if not ctx.access.sees_all():
        raise CommandError("kpi.correction.not_allowed")
    row = kpi_corrections.get(
        session=ctx.session, workspace_id=ctx.workspace_id, correction_id=correction_id
    )
    kpi = ctx.session.get(KpiDefinition, row.kpi_id) if row is not None else None
    if row is None or kpi is None:
        raise CommandError("kpi.correction.unknown", {"ref": correction_id}, usage="kpi.correction")
    status = CorrectionStatus.APPROVED if approve else CorrectionStatus.REJECTED
    if not kpi_corrections.decide(
        session=ctx.session, row=row, status=status, by=ctx.person_id, now=ctx.now
    ):
        decider = ctx.session.get(Person, row.decided_by_id) if row.decided_by_id else None
        return ctx.render(
            "broadcast_note",
            text=ctx.t(
                "kpi.correction.already",
                ref=row.id,
                status=ctx.t(f"kpi.correction.status.{row.status.value}"),
                decider=decider.name if decider else "?",
            ),
        )
    if approve:
        _write(ctx, row, kpi)
    _audit(ctx, row, kpi, f"kpi_correction_{'approve' if approve else 'reject'}")
    requester = people.get(
        session=ctx.session, workspace_id=ctx.workspace_id, person_id=row.requested_by_id
    )
    outcome = "approved" if approve else "rejected"
    if requester is not None and requester.id is not None:
        locale = reader_locale(requester, ctx.workspace)
        told = translate(
            locale,
            f"kpi.correction.told_{outcome}",
            decider=ctx.person.name,
            ref=row.id,
            code=kpi.code,
            **_figures(ctx, row, kpi, locale),
        )
        notify(
            ctx,
            person_id=requester.id,
            message=render("broadcast_note", locale=locale, text=told),
            dedupe_key=f"{KIND}-decided:{row.id}",
            kind=KIND,
        )
    text = ctx.t(
        f"kpi.correction.{outcome}",
        ref=row.id,
        code=kpi.code,
        person=requester.name if requester else "?",
        **_figures(ctx, row, kpi, ctx.locale),
    )
    return ctx.render("broadcast_note", text=text)


def _write(ctx: Context, row: KpiCorrection, kpi: KpiDefinition) -> None:
    scope = kpi_intake.scope_ref(ctx.session, row.scope, row.department_id, row.person_id)
    report = kpi_intake.ingest(
        [{"kpi": kpi.code, "scope": scope, "period": row.period, "value": row.new_value}],
        session=ctx.session,
        workspace=ctx.workspace,
        source=ReadingSource.CHAT,
        recorded_by_id=row.requested_by_id,
        alert_channel=ctx.settings.kpi.alert_channel,
        may_change_closed=True,
    )
    if report.rejected:  # the KPI's bounds or targets changed since the request
        raise CommandError(
            "error.kpi_reading",
            {"reason": kpi_intake.in_words(report.rejected[0], ctx.locale)},
        )


def _figures(ctx: Context, row: KpiCorrection, kpi: KpiDefinition, locale: str) -> dict[str, str]:
    old = (
        number(row.old_value, kpi.unit)
        if row.old_value is not None
        else translate(locale, "kpi.correction.none_yet")
    )
    return {
        "scope": kpi_alerts.scope_name(
            ctx.session, row.scope, row.department_id, row.person_id, locale
        ),
        "period": row.period,
        "old": old,
        "new": number(row.new_value, kpi.unit),
    }


def _hr_people(ctx: Context) -> list[Person]:
    found = people.hr_admins(session=ctx.session, workspace_id=ctx.workspace_id)
    return [p for p in found if p.id != ctx.person_id]


def _audit(ctx: Context, row: KpiCorrection, kpi: KpiDefinition, action: str) -> None:
    audit.record(
        session=ctx.session,
        workspace_id=ctx.workspace_id,
        actor_id=ctx.person_id,
        platform=ctx.platform,
        action=action,
        entity_type="kpi_correction",
        entity_id=row.id,
        entity_ref=kpi.code,
        before={"value": row.old_value},
        after={"period": row.period, "value": row.new_value, "scope": row.scope},
    )
