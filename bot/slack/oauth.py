"""Multi-workspace installs: bolt's OAuth flow on okrbot's own database (migration 0003).

A successful install stores the installation and links the Slack team to an okrbot workspace
(one Slack team = one tenant).
"""

from __future__ import annotations

from slack_bolt.oauth.callback_options import CallbackOptions, FailureArgs, SuccessArgs
from slack_bolt.oauth.oauth_settings import OAuthSettings
from slack_bolt.response import BoltResponse
from slack_sdk import WebClient
from slack_sdk.oauth.installation_store import Installation

from bot.identity import PlatformProfile
from bot.installer import installer_becomes_admin
from bot.runtime import Runtime
from bot.slack.credentials import SlackCredentials
from bot.slack.installation_store import EncryptedInstallationStore
from bot.slack.oauth_states import ExpiringOAuthStateStore
from bot.slack.tenancy import fetch_profile, link_team
from storage.db import session_scope
from storage.models import Platform

INSTALL_PATH = "/slack/install"
REDIRECT_PATH = "/slack/oauth_redirect"
STATE_SECONDS = 600
BOT_SCOPES = (
    "app_mentions:read",
    "chat:write",
    "commands",
    "files:write",  # /kpi show charts, uploaded as PNG files
    "im:history",
    "im:read",
    "im:write",
    "users:read",
    "users:read.email",
)


def oauth_settings(runtime: Runtime, credentials: SlackCredentials) -> OAuthSettings:
    """OAuth settings with SQLAlchemy stores on okrbot's engine; /slack/install redirects."""
    assert credentials.client_id
    assert credentials.client_secret

    def success(args: SuccessArgs) -> BoltResponse:
        installation = args.installation
        if installation.team_id:
            profile = _installer_profile(runtime, installation)
            with session_scope(runtime.engine) as session:
                workspace = link_team(
                    session=session,
                    config=runtime.config,
                    team_id=installation.team_id,
                    team_name=installation.team_name or "",
                )
                if installation.user_id:
                    installer_becomes_admin(
                        session=session,
                        workspace=workspace,
                        platform=Platform.SLACK,
                        external_id=installation.user_id,
                        profile=profile,
                    )
        response: BoltResponse = args.default.success(args)
        return response

    def failure(args: FailureArgs) -> BoltResponse:
        response: BoltResponse = args.default.failure(args)
        return response

    return OAuthSettings(
        client_id=credentials.client_id,
        client_secret=credentials.client_secret,
        scopes=list(BOT_SCOPES),
        install_path=INSTALL_PATH,
        redirect_uri_path=REDIRECT_PATH,
        install_page_rendering_enabled=False,
        installation_store_bot_only=True,
        installation_store=EncryptedInstallationStore(
            client_id=credentials.client_id, engine=runtime.engine
        ),
        state_store=ExpiringOAuthStateStore(
            expiration_seconds=STATE_SECONDS, engine=runtime.engine
        ),
        callback_options=CallbackOptions(success=success, failure=failure),
    )


def _installer_profile(runtime: Runtime, installation: Installation) -> PlatformProfile | None:
    """Who installed the app (users.info with the new bot token)."""
    if not installation.user_id or not installation.bot_token:
        return None
    client = WebClient(token=installation.bot_token, base_url=runtime.config.slack.api_base_url)
    return fetch_profile(client, installation.user_id)
