"""Slack credentials, read from the environment variables app.yaml names."""

from __future__ import annotations

import os
from collections.abc import Mapping
from dataclasses import dataclass

from bot.config import ConfigError, SlackConfig


@dataclass(frozen=True)
class SlackCredentials:
    """What okrbot needs to talk to Slack; OAuth when a client id and secret are given."""

    signing_secret: str
    bot_token: str | None = None
    app_token: str | None = None
    client_id: str | None = None
    client_secret: str | None = None

    @property
    def oauth(self) -> bool:
        """Multi-workspace installs (tokens in the installation store, not the environment)."""
        return bool(self.client_id and self.client_secret)


def credentials_from_env(
    config: SlackConfig, environ: Mapping[str, str] | None = None
) -> SlackCredentials:
    """Read the credentials; a ConfigError names the variables that are missing."""
    env = os.environ if environ is None else environ
    found = SlackCredentials(
        signing_secret=env.get(config.signing_secret_env, ""),
        bot_token=env.get(config.bot_token_env) or None,
        app_token=env.get(config.app_token_env) or None,
        client_id=env.get(config.client_id_env) or None,
        client_secret=env.get(config.client_secret_env) or None,
    )
    if not found.signing_secret and not found.app_token:
        raise ConfigError(
            f"Slack is enabled but ${config.signing_secret_env} is not set "
            f"(or set ${config.app_token_env} for Socket Mode)."
        )
    if not found.bot_token and not found.oauth:
        raise ConfigError(
            f"Slack is enabled but neither ${config.bot_token_env} nor "
            f"${config.client_id_env} and ${config.client_secret_env} (OAuth) are set."
        )
    return found
