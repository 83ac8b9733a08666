"""`/kpi define CODE [Name] [key=value …]`: admins add or change an indicator of the library."""

from __future__ import annotations

from typing import Any

from commands.context import Context
from commands.handlers.kpi import kpi_name
from commands.types import CommandError, KpiDefine
from digests.i18n import Phrase
from digests.message import Message
from storage.models import KpiDefinition
from storage.repos import audit, kpis

_FIELDS = ("name", "name_zh", "unit", "direction", "frequency", "aggregation")
_MAX_LENGTH = {"name": 200, "name_zh": 200, "unit": 32}


def _snapshot(kpi: KpiDefinition) -> dict[str, Any]:
    return {field: getattr(kpi, field) for field in _FIELDS}


def kpi_define(command: KpiDefine, ctx: Context) -> Message:
    """Upsert a KPI definition by code; HR admins and admins only, audit-logged."""
    if not ctx.access.sees_all():
        raise CommandError("kpi.define.not_allowed")
    given = {f: getattr(command, f) for f in _FIELDS if getattr(command, f) is not None}
    for field, limit in _MAX_LENGTH.items():
        if len(given.get(field) or "") > limit:
            said = Phrase.of(f"audit.field.{field}")
            raise CommandError(
                "kpi.define.too_long", {"field": said, "max": limit}, usage="kpi.define"
            )
    kpi = kpis.by_code(session=ctx.session, workspace_id=ctx.workspace_id, code=command.code)
    before = _snapshot(kpi) if kpi is not None else None
    if kpi is None:
        missing = [f for f in ("name", "direction") if f not in given]
        if missing:
            raise CommandError(
                "kpi.define.missing",
                {
                    "code": command.code,
                    "fields": Phrase.of("kpi.define.fields." + "_".join(missing)),
                },
                usage="kpi.define",
            )
        kpi = KpiDefinition(workspace_id=ctx.workspace_id, code=command.code, **given)
    else:
        for field, value in given.items():
            setattr(kpi, field, value)
    ctx.session.add(kpi)
    ctx.session.flush()
    after = _snapshot(kpi)
    if before == after:
        return _reply(ctx, kpi, "kpi.define.unchanged")
    audit.record(
        session=ctx.session,
        workspace_id=ctx.workspace_id,
        actor_id=ctx.person_id,
        platform=ctx.platform,
        action="kpi_defined" if before is None else "kpi_redefined",
        entity_type="kpi_definition",
        entity_id=kpi.id,
        entity_ref=kpi.code,
        before=before,
        after=after,
    )
    return _reply(ctx, kpi, "kpi.define.created" if before is None else "kpi.define.updated")


def _reply(ctx: Context, kpi: KpiDefinition, key: str) -> Message:
    lines = [
        ctx.t(key, code=kpi.code, name=kpi_name(ctx, kpi)),
        ctx.t(
            "kpi.define.summary",
            name_zh=kpi.name_zh or "—",
            unit=kpi.unit or "—",
            direction=ctx.t(f"kpi.direction.{kpi.direction.value}"),
            frequency=ctx.t(f"kpi.frequency.{kpi.frequency.value}"),
            aggregation=ctx.t(f"kpi.define.aggregation.{kpi.aggregation.value}"),
        ),
    ]
    return ctx.render("kpi_note", text="\n".join(lines))
