"""`/okr link KR-n CODE` (关联), `/okr unlink KR-n CODE` (取消关联), `/okr link KR-n` (list):
an explicit KR ↔ KPI link, so the review report compares their weekly changes even across
departments. The KR's owner, their managers and HR admins may change its links."""

from __future__ import annotations

from commands import lookups
from commands.context import Context
from commands.types import CommandError, OkrLink
from digests.message import Message
from storage.repos import audit, kpis, kr_kpi_links


def okr_link(command: OkrLink, ctx: Context) -> Message:
    """Link, unlink, or list a KR's KPI links."""
    usage = "okr.unlink" if command.remove else "okr.link"
    kr, _ = lookups.key_result(ctx, command.kr_number, usage)
    assert kr.id is not None
    ref = f"KR-{kr.number}"
    if command.code is None:
        linked = kr_kpi_links.linked_kpis(
            session=ctx.session, workspace_id=ctx.workspace_id, key_result_id=kr.id
        )
        if not linked:
            return ctx.render("okr_link", text=ctx.t("insights.link.none", ref=ref))
        codes = ", ".join(k.code for k in linked)
        return ctx.render(
            "okr_link", text=ctx.t("insights.link.list", ref=ref, title=kr.title, codes=codes)
        )
    allowed = kr.owner_id == ctx.person_id or ctx.access.sees_all()
    if not (allowed or ctx.access.manages(kr.owner_id)):
        raise CommandError("insights.link.not_allowed", {"ref": ref})
    kpi = kpis.by_code(session=ctx.session, workspace_id=ctx.workspace_id, code=command.code)
    if kpi is None or kpi.id is None:
        raise CommandError("error.unknown_kpi", {"code": command.code}, usage=usage)
    params = {"ref": ref, "title": kr.title, "code": kpi.code, "name": kpi.name}
    if command.remove:
        changed = kr_kpi_links.unlink(
            session=ctx.session, workspace_id=ctx.workspace_id, key_result_id=kr.id, kpi_id=kpi.id
        )
        key = "insights.link.unlinked" if changed else "insights.link.not_linked"
    else:
        changed = kr_kpi_links.link(
            session=ctx.session,
            workspace_id=ctx.workspace_id,
            key_result_id=kr.id,
            kpi_id=kpi.id,
            by=ctx.person_id,
        )
        key = "insights.link.linked" if changed else "insights.link.already"
    if changed:
        audit.record(
            session=ctx.session,
            workspace_id=ctx.workspace_id,
            actor_id=ctx.person_id,
            platform=ctx.platform,
            action="kr_kpi_unlinked" if command.remove else "kr_kpi_linked",
            entity_type="key_result",
            entity_id=kr.id,
            entity_ref=ref,
            after={"kpi": kpi.code},
        )
    return ctx.render("okr_link", text=ctx.t(key, **params))
