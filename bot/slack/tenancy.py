"""Who is speaking: a Slack team -> okrbot workspace, a Slack user -> person (users.info)."""

from __future__ import annotations

import logging
from functools import partial
from typing import Any

from sqlalchemy.engine import Engine
from sqlmodel import Session

from bot.config import AppConfig
from bot.identity import PlatformProfile, Speaker, Stranger, resolve_person
from bot.tenancy import link_workspace
from digests.i18n import normalise_locale, reader_locale
from storage.db import session_scope
from storage.models import Platform, Workspace
from storage.repos import workspaces

log = logging.getLogger("okrbot.slack")


def workspace_for_team(*, session: Session, config: AppConfig, team_id: str) -> Workspace | None:
    """The workspace linked to this Slack team; else the configured company workspace when it
    is not linked to another Slack team (a single-workspace install with a bot token)."""
    linked = workspaces.get_by_platform(
        session=session, platform=Platform.SLACK, external_id=team_id
    )
    if linked is not None:
        return linked
    company = workspaces.get_by_slug(session=session, slug=config.company.workspace)
    return company if company is not None and company.platform != Platform.SLACK else None


def link_team(*, session: Session, config: AppConfig, team_id: str, team_name: str) -> Workspace:
    """The workspace of a newly installed Slack team: the company workspace on the first
    install, a new workspace (tenant) for every other team."""
    return link_workspace(
        session=session,
        config=config,
        platform=Platform.SLACK,
        external_id=team_id,
        name=team_name or team_id,
        language=config.company.language,
    )


def fetch_profile(client: Any, user_id: str) -> PlatformProfile | None:
    """A Slack user's email, name, time zone and locale (users.info), None when unavailable."""
    try:
        user = client.users_info(user=user_id, include_locale=True).get("user") or {}
    except Exception:
        log.warning("users.info failed", extra={"user": user_id}, exc_info=True)
        return None
    profile = user.get("profile") or {}
    return PlatformProfile(
        email=profile.get("email"),
        name=profile.get("real_name") or user.get("real_name"),
        timezone=user.get("tz"),
        locale=user.get("locale"),
    )


def identify(
    *, engine: Engine, config: AppConfig, client: Any, team_id: str, user_id: str
) -> Speaker | Stranger:
    """Speaker for a known person (remembered after the first lookup), else Stranger."""
    fetched: list[PlatformProfile | None] = []

    def fetch() -> PlatformProfile | None:
        fetched.append(fetch_profile(client, user_id))
        return fetched[-1]

    with session_scope(engine) as session:
        workspace = workspace_for_team(session=session, config=config, team_id=team_id)
        if workspace is None or workspace.id is None:
            return Stranger("slack.unknown_workspace", normalise_locale(config.company.language))
        person = resolve_person(
            session=session,
            workspace=workspace,
            platform=Platform.SLACK,
            external_id=user_id,
            fetch_profile=fetch,
        )
        if person is None or person.id is None or not person.active:
            slack_locale = fetched[-1].locale if fetched and fetched[-1] else None
            fallback = reader_locale(None, workspace)
            return Stranger("slack.unknown_user", normalise_locale(slack_locale, fallback))
        return Speaker(workspace.id, person.id, reader_locale(person, workspace))


def link_mentioned(
    *, engine: Engine, client: Any, workspace_id: int, user_ids: list[str]
) -> set[str]:
    """The mentioned Slack users okrbot knows in this workspace; one never seen before is
    looked up (users.info) and matched to a person by email, and remembered."""
    known: set[str] = set()
    if not user_ids:
        return known
    with session_scope(engine) as session:
        workspace = session.get(Workspace, workspace_id)
        if workspace is None:
            return known
        for user_id in user_ids:
            person = resolve_person(
                session=session,
                workspace=workspace,
                platform=Platform.SLACK,
                external_id=user_id,
                fetch_profile=partial(fetch_profile, client, user_id),
            )
            if person is not None:
                known.add(user_id)
    return known
