"""What `/okr show` says about adjusted KRs: "KR-1: target changed from 5 to 8 (reason)"."""

from __future__ import annotations

from collections.abc import Sequence

from sqlmodel import col, select

from commands.context import Context
from commands.views import format_kr_value
from storage.models import KeyResult, KeyResultVersion


def adjustment_notes(ctx: Context, krs: Sequence[KeyResult]) -> list[str]:
    """One line per KR whose definition was adjusted: its latest change and the reason."""
    ids = [kr.id for kr in krs if kr.id is not None]
    if not ids:
        return []
    query = (
        select(KeyResultVersion)
        .where(
            KeyResultVersion.workspace_id == ctx.workspace_id,
            col(KeyResultVersion.key_result_id).in_(ids),
        )
        .order_by(col(KeyResultVersion.key_result_id), col(KeyResultVersion.version))
    )
    by_kr: dict[int, list[KeyResultVersion]] = {}
    for version in ctx.session.exec(query):
        by_kr.setdefault(version.key_result_id, []).append(version)
    notes = []
    for kr in krs:
        versions = by_kr.get(kr.id or 0, [])
        if len(versions) < 2:
            continue
        before, now = versions[-2], versions[-1]
        ref, reason = f"KR-{kr.number}", now.reason or "—"
        day = now.created_at.astimezone(ctx.timezone).strftime("%m-%d")
        if before.title != now.title:
            notes.append(
                ctx.t("adjust.show.replaced", ref=ref, old=before.title, reason=reason, date=day)
            )
        elif before.target_value != now.target_value:
            old = format_kr_value(kr, before.target_value)
            new = format_kr_value(kr, now.target_value)
            notes.append(
                ctx.t("adjust.show.target", ref=ref, old=old, new=new, reason=reason, date=day)
            )
    return notes
