"""`/kpi list`, `/kpi show CODE`, `/kpi record CODE VALUE [PERIOD]`."""

from __future__ import annotations

from typing import Any

from commands.context import Context
from commands.handlers import kpi_chart
from commands.notify import notify
from commands.operations import kpi_alerts, kpi_corrections, kpi_intake
from commands.types import CommandError, KpiList, KpiRecord, KpiShow, Value, ValueKind
from digests.formatting import number
from digests.i18n import reader_locale, translate
from digests.message import Message
from digests.render import render
from storage import kpi_ingest, kpi_math, periods
from storage.models import (
    KpiDefinition,
    KpiReading,
    KpiScope,
    KpiTarget,
    ReadingSource,
    Role,
)
from storage.repos import audit, kpi_periods, kpis, people


def kpi_name(ctx: Context, kpi: KpiDefinition) -> str:
    """The KPI's name in the person's language."""
    return kpi.name_zh if ctx.locale == "zh-CN" and kpi.name_zh else kpi.name


def scope_label(ctx: Context, target: KpiTarget) -> str:
    """The company's, a department's or a person's name, as the target's scope."""
    return kpi_alerts.scope_name(
        ctx.session, target.scope, target.department_id, target.person_id, ctx.locale
    )


def _latest(ctx: Context, kpi: KpiDefinition, target: KpiTarget) -> KpiReading | None:
    readings = kpis.readings_for_scope(
        session=ctx.session,
        workspace_id=ctx.workspace_id,
        kpi_id=kpi.id or 0,
        scope=target.scope,
        department_id=target.department_id,
        person_id=target.person_id,
        limit=1,
    )
    return readings[0] if readings else None


def _target_view(ctx: Context, kpi: KpiDefinition, target: KpiTarget, depth: int) -> dict[str, Any]:
    latest = _latest(ctx, kpi, target)
    value = latest.value if latest else None
    return {
        "scope": scope_label(ctx, target),
        "depth": depth,
        "target": number(target.target, kpi.unit),
        "value": number(value, kpi.unit) if value is not None else None,
        "period": latest.period if latest else None,
        "status": kpi_math.status(kpi.direction, value, target.warning, target.critical).value,
    }


def kpi_list(command: KpiList, ctx: Context) -> Message:
    """The indicator library, with the requester's own targets and latest values."""
    mine = {
        t.kpi_id: t
        for t in kpis.person_targets(
            session=ctx.session, workspace_id=ctx.workspace_id, person_id=ctx.person_id
        )
    }
    rows = []
    for kpi in kpis.list_definitions(session=ctx.session, workspace_id=ctx.workspace_id):
        target = mine.get(kpi.id or 0)
        rows.append(
            {
                "code": kpi.code,
                "name": kpi_name(ctx, kpi),
                "direction": kpi.direction.value,
                "frequency": kpi.frequency.value,
                "unit": kpi.unit or "",
                "mine": _target_view(ctx, kpi, target, 0) if target else None,
            }
        )
    return ctx.render("kpi_list", kpis=rows)


def _known_kpi(ctx: Context, code: str, usage: str) -> KpiDefinition:
    kpi = kpis.by_code(session=ctx.session, workspace_id=ctx.workspace_id, code=code)
    if kpi is None:
        raise CommandError("error.unknown_kpi", {"code": code}, usage=usage)
    return kpi


def kpi_show(command: KpiShow, ctx: Context) -> Message:
    """A KPI's definition and its cascade of targets with the latest values."""
    kpi = _known_kpi(ctx, command.code, "kpi.show")
    targets = _in_force(
        kpis.targets(session=ctx.session, workspace_id=ctx.workspace_id, kpi_id=kpi.id or 0),
        periods.current(kpi.frequency, ctx.today),
    )
    children: dict[int | None, list[KpiTarget]] = {}
    for target in targets:
        children.setdefault(target.parent_id, []).append(target)
    ids = {t.id for t in targets}
    roots = [t for t in targets if t.parent_id is None or t.parent_id not in ids]
    rows: list[dict[str, Any]] = []

    def walk(target: KpiTarget, depth: int) -> None:
        hidden = target.scope is KpiScope.PERSON and not ctx.access.can_view_person_kpis(
            target.person_id or 0
        )
        if not hidden:
            rows.append(_target_view(ctx, kpi, target, depth))
        for child in children.get(target.id, []):
            walk(child, depth + 1)

    for root in roots:
        walk(root, 0)
    own = [t for t in targets if t.scope is KpiScope.PERSON and t.person_id == ctx.person_id]
    chart_target: KpiTarget | None = own[-1] if own else (roots[0] if roots else None)
    chart = None
    if chart_target is not None:
        title = f"{kpi.code} · {kpi_name(ctx, kpi)} · {scope_label(ctx, chart_target)}"
        chart = kpi_chart.trend_chart(ctx, kpi, chart_target, title)
    return ctx.render(
        "kpi_show",
        code=kpi.code,
        name=kpi_name(ctx, kpi),
        unit=kpi.unit or "",
        direction=kpi.direction.value,
        frequency=kpi.frequency.value,
        targets=rows,
        chart=str(chart) if chart else None,
        chart_alt=ctx.t(
            "kpi.chart.alt",
            code=kpi.code,
            scope=scope_label(ctx, chart_target) if chart_target else "",
        ),
    )


def _in_force(targets: list[KpiTarget], period: str) -> list[KpiTarget]:
    """The targets set for a period containing `period` (this month, say); when none is, those
    of the latest period targets were set for — never last year's and this year's mixed."""
    valid = [t for t in targets if t.period == periods.EVERY or periods.is_valid(t.period)]
    current = [t for t in valid if periods.contains(t.period, period)]
    if current or not valid:
        return kpis.narrowest_per_scope(current)
    latest = max(periods.bounds(t.period)[1] for t in valid)
    return [t for t in valid if periods.bounds(t.period)[1] == latest]


def _recordable_targets(ctx: Context, kpi: KpiDefinition) -> list[KpiTarget]:
    """The targets this person records for: their own, a department they head, the company."""
    result = []
    for target in kpis.targets(
        session=ctx.session, workspace_id=ctx.workspace_id, kpi_id=kpi.id or 0
    ):
        if target.scope is KpiScope.PERSON and target.person_id == ctx.person_id:
            result.append(target)
        elif target.scope is KpiScope.DEPARTMENT and target.department_id is not None:
            department = people.department(
                session=ctx.session,
                workspace_id=ctx.workspace_id,
                department_id=target.department_id,
            )
            if department is not None and department.head_person_id == ctx.person_id:
                result.append(target)
        elif target.scope is KpiScope.COMPANY and ctx.person.role is Role.ADMIN:
            result.append(target)
    return result


def _scope_ref(ctx: Context, target: KpiTarget) -> str:
    """The `scope` text of the write path for a target's owner."""
    return kpi_intake.scope_ref(ctx.session, target.scope, target.department_id, target.person_id)


def _reading_amount(kpi: KpiDefinition, value: Value) -> float:
    unit = (kpi.unit or "").strip()
    accepted = {ValueKind.PLAIN}
    if unit == "%":
        accepted.add(ValueKind.PERCENT)
    if value.kind is ValueKind.CURRENCY and value.currency == unit:
        accepted.add(ValueKind.CURRENCY)
    if value.kind not in accepted:
        raise CommandError(
            "error.wrong_kind.kpi",
            {"code": kpi.code, "value": value.text, "unit": unit or "-"},
            usage="kpi.record",
        )
    return value.amount


def kpi_record(command: KpiRecord, ctx: Context) -> Message:
    """Record a reading for the scope the requester answers for."""
    kpi = _known_kpi(ctx, command.code, "kpi.record")
    amount = _reading_amount(kpi, command.value)
    period = command.period or periods.current(kpi.frequency, ctx.today)
    if periods.current(kpi.frequency, periods.bounds(period)[0]) != period:
        raise CommandError(
            "error.period_frequency",
            {
                "code": kpi.code,
                "period": period,
                "frequency": ctx.t(f"kpi.frequency.{kpi.frequency.value}"),
            },
            usage="kpi.record",
        )
    candidates = [t for t in _recordable_targets(ctx, kpi) if periods.contains(t.period, period)]
    if not candidates:
        raise CommandError("error.no_target_to_record", {"code": kpi.code, "period": period})
    order = {KpiScope.PERSON: 0, KpiScope.DEPARTMENT: 1, KpiScope.COMPANY: 2}
    target = min(candidates, key=lambda t: order[t.scope])
    earlier = _reading_of(ctx, kpi, target, period)
    if command.value.added:  # `+50k`: more on top of the period's reading so far
        amount += earlier.value if earlier is not None else 0.0
    closed = kpi_periods.closing(
        kpi_periods.closed_labels(session=ctx.session, workspace_id=ctx.workspace_id), period
    )
    row = {"kpi": kpi.code, "scope": _scope_ref(ctx, target), "period": period, "value": amount}
    if closed is not None and not ctx.access.sees_all():
        # A change of a closed period waits for HR, once it is a reading the KPI could have.
        checked = kpi_ingest.validate(
            [row], session=ctx.session, workspace_id=ctx.workspace_id, need_id=False
        )
        if checked.rejected:
            reason = kpi_intake.in_words(checked.rejected[0], ctx.locale)
            raise CommandError("error.kpi_reading", {"reason": reason}, usage="kpi.record")
        return kpi_corrections.request(
            ctx,
            kpi=kpi,
            target=target,
            period=period,
            old=earlier.value if earlier is not None else None,
            new=amount,
        )
    report = kpi_intake.ingest(
        [row],
        session=ctx.session,
        workspace=ctx.workspace,
        source=ReadingSource.CHAT,
        recorded_by_id=ctx.person_id,
        alert_channel=ctx.settings.kpi.alert_channel,
        may_change_closed=ctx.access.sees_all(),
    )
    if report.rejected:
        rejection = report.rejected[0]
        raise CommandError(
            "error.kpi_reading",
            {"reason": kpi_intake.in_words(rejection, ctx.locale)},
            usage="kpi.record",
        )
    reading = report.written[0]
    audit.record(
        session=ctx.session,
        workspace_id=ctx.workspace_id,
        actor_id=ctx.person_id,
        platform=ctx.platform,
        action="kpi_reading",
        entity_type="kpi_reading",
        entity_id=reading.id,
        entity_ref=kpi.code,
        before={"value": earlier.value} if earlier is not None else None,
        after={"period": period, "value": amount, "scope": target.scope},
    )
    changed_from = None
    if earlier is not None and earlier.value != amount:
        changed_from = number(earlier.value, kpi.unit)
        _tell_manager(ctx, kpi, period, changed_from, number(amount, kpi.unit))
    return ctx.render(
        "kpi_record",
        code=kpi.code,
        name=kpi_name(ctx, kpi),
        period=period,
        scope=scope_label(ctx, target),
        value=number(amount, kpi.unit),
        target=number(target.target, kpi.unit),
        direction=kpi.direction.value,
        status=kpi_math.status(kpi.direction, amount, target.warning, target.critical).value,
        changed_from=changed_from,
    )


def _reading_of(
    ctx: Context, kpi: KpiDefinition, target: KpiTarget, period: str
) -> KpiReading | None:
    """The reading already recorded for this scope and period, if any (a change, not a new one)."""
    found = [
        r
        for r in kpis.readings_for_scope(
            session=ctx.session,
            workspace_id=ctx.workspace_id,
            kpi_id=kpi.id or 0,
            scope=target.scope,
            department_id=target.department_id,
            person_id=target.person_id,
            limit=50,
        )
        if r.period == period
    ]
    return found[0] if found else None


def _tell_manager(ctx: Context, kpi: KpiDefinition, period: str, old: str, new: str) -> None:
    """A changed reading decides pay: the recorder's manager hears of it, old → new."""
    manager = (
        people.get(
            session=ctx.session, workspace_id=ctx.workspace_id, person_id=ctx.person.manager_id
        )
        if ctx.person.manager_id
        else None
    )
    if manager is None or manager.id is None:
        return
    text = translate(
        reader_locale(manager, ctx.workspace),
        "kpi.record.notice",
        name=ctx.person.name,
        code=kpi.code,
        period=period,
        old=old,
        new=new,
    )
    notify(
        ctx,
        person_id=manager.id,
        message=render("broadcast_note", locale=reader_locale(manager, ctx.workspace), text=text),
        dedupe_key=f"kpi_change:{kpi.code}:{period}:{ctx.person_id}:{ctx.now.isoformat()}",
        kind="kpi_reading_changed",
    )
