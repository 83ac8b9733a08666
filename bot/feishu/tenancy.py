"""Who is speaking: a Feishu tenant -> okrbot workspace, an open_id -> person."""

from __future__ import annotations

from collections.abc import Callable

from sqlalchemy.engine import Engine
from sqlmodel import Session

from bot.config import AppConfig
from bot.identity import PlatformProfile, Speaker, Stranger, resolve_person
from bot.tenancy import link_workspace
from digests.i18n import reader_locale
from storage.db import session_scope
from storage.models import Platform, Workspace

FEISHU_LANGUAGE = "zh-CN"  # Chinese first: the default for a new Feishu tenant


def workspace_for_tenant(*, session: Session, config: AppConfig, tenant_key: str) -> Workspace:
    """The workspace of a tenant: the one linked to it; else the configured company
    workspace while it belongs to no platform yet; else a new workspace (Chinese first)."""
    return link_workspace(
        session=session,
        config=config,
        platform=Platform.FEISHU,
        external_id=tenant_key,
        name=tenant_key,
        language=FEISHU_LANGUAGE,
    )


def identify(
    *,
    engine: Engine,
    config: AppConfig,
    tenant_key: str,
    open_id: str,
    fetch_profile: Callable[[], PlatformProfile | None],
) -> Speaker | Stranger:
    """Speaker for a known, active person (the open_id is remembered), else Stranger."""
    with session_scope(engine) as session:
        workspace = workspace_for_tenant(session=session, config=config, tenant_key=tenant_key)
        assert workspace.id is not None
        person = resolve_person(
            session=session,
            workspace=workspace,
            platform=Platform.FEISHU,
            external_id=open_id,
            fetch_profile=fetch_profile,
        )
        if person is None or person.id is None or not person.active:
            return Stranger("feishu.unknown_user", reader_locale(None, workspace, FEISHU_LANGUAGE))
        return Speaker(workspace.id, person.id, reader_locale(person, workspace, FEISHU_LANGUAGE))
