"""The Feishu app's credentials, read from the environment variables app.yaml names."""

from __future__ import annotations

import os
from collections.abc import Mapping
from dataclasses import dataclass

from bot.config import FeishuConfig


@dataclass(frozen=True, repr=False)
class FeishuCredentials:
    """App id and secret (outgoing calls), verification token and encrypt key (events)."""

    app_id: str
    app_secret: str
    verification_token: str
    encrypt_key: str


def credentials_from_env(
    config: FeishuConfig, environ: Mapping[str, str] | None = None
) -> FeishuCredentials:
    """The credentials from `$FEISHU_APP_ID` etc. (or the names configured in app.yaml)."""
    env = os.environ if environ is None else environ
    return FeishuCredentials(
        app_id=env.get(config.app_id_env, ""),
        app_secret=env.get(config.app_secret_env, ""),
        verification_token=env.get(config.verification_token_env, ""),
        encrypt_key=env.get(config.encrypt_key_env, ""),
    )
