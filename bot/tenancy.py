"""Which okrbot workspace a platform team (Slack) or tenant (Feishu) belongs to."""

from __future__ import annotations

from sqlmodel import Session

from bot.config import AppConfig
from storage.models import Platform, Workspace
from storage.repos import workspaces


def link_workspace(
    *,
    session: Session,
    config: AppConfig,
    platform: Platform,
    external_id: str,
    name: str,
    language: str,
) -> Workspace:
    """The workspace linked to this team or tenant; else the configured company workspace,
    adopted while it belongs to no platform yet (the first install); else a new workspace."""
    linked = workspaces.get_by_platform(session=session, platform=platform, external_id=external_id)
    if linked is not None:
        return linked
    company = workspaces.get_by_slug(session=session, slug=config.company.workspace)
    if company is not None and company.platform == Platform.CONSOLE:
        company.platform, company.external_id = platform, external_id
        session.add(company)
        session.flush()
        return company
    from bot.company_setup import apply_config

    workspace = workspaces.ensure(
        session=session,
        slug=f"{platform.value}-{external_id.lower()}"[:64],
        name=name,
        platform=platform,
        external_id=external_id,
        timezone=config.company.timezone,
        language=language,
    )
    # Every workspace gets the company's settings: cycles, KPI library (check-in times and
    # digests are read from app.yaml for every workspace as they run).
    apply_config(session=session, workspace=workspace, config=config, own_first=True)
    return workspace


def link_company_workspace(
    *,
    session: Session,
    config: AppConfig,
    platform: Platform,
    external_id: str,
    name: str,
    language: str,
) -> Workspace:
    """At start: the team or tenant a single credential belongs to (a Slack bot token, a
    Feishu self-built app) is the company's. The company workspace is created when missing
    (app.yaml applied) and linked while it belongs to no platform, so proactive messages go
    out before anyone has written to the bot."""
    from bot.company_setup import ensure_company_workspace

    if not workspaces.get_by_platform(session=session, platform=platform, external_id=external_id):
        ensure_company_workspace(session=session, config=config)
    return link_workspace(
        session=session,
        config=config,
        platform=platform,
        external_id=external_id,
        name=name,
        language=language,
    )
