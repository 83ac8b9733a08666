"""Reaching people on Slack before they write: the bot token's team is linked at start
(auth.test), and a person never seen on Slack is found by email (users.lookupByEmail)."""

from __future__ import annotations

import logging

from slack_sdk import WebClient
from slack_sdk.errors import SlackApiError

from bot.delivery.outcome import Found, Lookup, NotFound, Retry
from bot.runtime import Runtime
from bot.slack.credentials import credentials_from_env
from bot.tenancy import link_company_workspace
from storage.db import session_scope
from storage.models import Platform

log = logging.getLogger("okrbot.slack")

# users.lookupByEmail: the address belongs to nobody in this team (or to a deactivated user).
NOT_FOUND_ERRORS = frozenset({"users_not_found", "user_not_found", "account_inactive"})


def link_token_team(runtime: Runtime) -> str | None:
    """With a single bot token, link the company workspace to the token's team; the team id,
    None when OAuth installs decide (no bot token) or Slack cannot be asked."""
    credentials = credentials_from_env(runtime.config.slack)
    if not credentials.bot_token:
        return None
    client = WebClient(token=credentials.bot_token, base_url=runtime.config.slack.api_base_url)
    try:
        answer = client.auth_test()
    except (SlackApiError, OSError):
        log.warning("slack: auth.test failed; the team is linked on its first event", exc_info=True)
        return None
    team_id = str(answer.get("team_id") or "")
    if not team_id:
        return None
    with session_scope(runtime.engine) as session:
        workspace = link_company_workspace(
            session=session,
            config=runtime.config,
            platform=Platform.SLACK,
            external_id=team_id,
            name=str(answer.get("team") or team_id),
            language=runtime.config.company.language,
        )
        log.info("slack: team linked", extra={"team": team_id, "workspace": workspace.slug})
    return team_id


def lookup_by_email(client: WebClient, email: str) -> Lookup:
    """The Slack user id of the person with this email (users.lookupByEmail)."""
    try:
        answer = client.users_lookupByEmail(email=email)
    except SlackApiError as error:
        code = str(error.response.get("error", "")) if error.response is not None else ""
        if code in NOT_FOUND_ERRORS:
            return NotFound(f"slack: {code}")
        return Retry(f"slack: {code or 'lookup failed'}")
    except OSError as error:
        return Retry(f"slack: {type(error).__name__}")
    user = answer.get("user") or {}
    if user.get("deleted") or user.get("is_bot") or not user.get("id"):
        return NotFound("slack: users_not_found")
    return Found(str(user["id"]))
