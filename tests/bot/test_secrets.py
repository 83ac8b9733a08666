"""Secrets at rest: Slack OAuth tokens encrypted with $OKRBOT_ENCRYPTION_KEY; KPI API tokens
kept only as a hash."""

from __future__ import annotations

import logging
import os
import shutil
import subprocess
import sys
from datetime import UTC, datetime
from pathlib import Path

import pytest
import sqlalchemy as sa
from slack_sdk.oauth.installation_store import Installation
from sqlalchemy.engine import Engine
from sqlmodel import Session, select

from bot.config import AppConfig, ConfigError, SlackConfig
from bot.runtime import Runtime
from bot.slack.installation_store import EncryptedInstallationStore
from bot.token_crypto import (
    KEY_ENV,
    PREFIX,
    SecretKeyError,
    TokenBox,
    generate_key,
    reencrypt_all,
)
from bot.token_crypto import warn_if_unencrypted as check_key
from storage.models import KpiApiToken
from storage.repos import kpi_tokens
from tests import factories

OKRBOT = shutil.which("okrbot", path=str(Path(sys.executable).parent))

# Shaped like real rotating Slack tokens (the longest kind), so the column width is tested too.
BOT_TOKEN = "xoxe.xoxb-1-" + "MS0yLTEyMzQ1Njc4OTAxMi0xMjM0NTY3ODkwMTIzLTEyMzQ1Njc4OTAxMjM0" * 2
USER_TOKEN = "xoxp-1234567890123-1234567890123-1234567890123-0123456789abcdef0123456789abcdef"
REFRESH_TOKEN = "xoxe-1-" + "My0xLTEyMzQ1Njc4OTAxMi0xMjM0NTY3ODkwMTIzLTEyMzQ1Njc4OTAxMjM0" * 2


def _install(store: EncryptedInstallationStore) -> None:
    store.save(
        Installation(
            app_id="A1",
            team_id="T1",
            team_name="Acme",
            bot_token=BOT_TOKEN,
            bot_refresh_token=REFRESH_TOKEN,
            bot_id="B1",
            bot_user_id="UBOT",
            user_id="U1",
            user_token=USER_TOKEN,
            installed_at=datetime(2026, 11, 23, tzinfo=UTC).timestamp(),
        )
    )


def _stored_text(engine: Engine) -> str:
    """Every value of both Slack token tables, as one string."""
    with engine.connect() as connection:
        rows = [
            *connection.execute(sa.text("SELECT * FROM slack_installations")).all(),
            *connection.execute(sa.text("SELECT * FROM slack_bots")).all(),
        ]
    assert rows
    return " ".join(str(value) for row in rows for value in row)


def test_tokens_are_encrypted_in_the_database_and_read_back_plain(engine: Engine) -> None:
    box = TokenBox(generate_key())
    store = EncryptedInstallationStore(client_id="C1", engine=engine, box=box)
    _install(store)

    stored = _stored_text(engine)
    for token in (BOT_TOKEN, USER_TOKEN, REFRESH_TOKEN, "xoxb-", "xoxp-", "xoxe-"):
        assert token not in stored
    assert stored.count(PREFIX) == 5  # installation: bot, refresh, user; bot row: bot, refresh

    bot = store.find_bot(enterprise_id=None, team_id="T1")
    assert bot is not None
    assert (bot.bot_token, bot.bot_refresh_token) == (BOT_TOKEN, REFRESH_TOKEN)
    installation = store.find_installation(enterprise_id=None, team_id="T1", user_id="U1")
    assert installation is not None
    assert (installation.bot_token, installation.user_token) == (BOT_TOKEN, USER_TOKEN)


def test_the_wrong_key_is_a_clear_error(engine: Engine) -> None:
    _install(
        EncryptedInstallationStore(client_id="C1", engine=engine, box=TokenBox(generate_key()))
    )
    other = EncryptedInstallationStore(client_id="C1", engine=engine, box=TokenBox(generate_key()))
    with pytest.raises(SecretKeyError, match=f"\\${KEY_ENV} is not the key"):
        other.find_bot(enterprise_id=None, team_id="T1")
    keyless = EncryptedInstallationStore(client_id="C1", engine=engine, box=TokenBox(None))
    with pytest.raises(SecretKeyError, match=f"encrypted but \\${KEY_ENV} is not set"):
        keyless.find_bot(enterprise_id=None, team_id="T1")


def test_a_rotated_key_still_reads_old_tokens() -> None:
    old, new = generate_key(), generate_key()
    stored = TokenBox(old).encrypt(BOT_TOKEN)
    rotated = TokenBox(f"{new},{old}")
    assert rotated.decrypt(stored) == BOT_TOKEN
    fresh = rotated.encrypt(BOT_TOKEN)
    assert TokenBox(new).decrypt(fresh) == BOT_TOKEN
    with pytest.raises(SecretKeyError):
        TokenBox(old).decrypt(fresh)


def test_without_a_key_tokens_stay_plain_and_later_encrypted_ones_coexist(engine: Engine) -> None:
    _install(EncryptedInstallationStore(client_id="C1", engine=engine, box=TokenBox(None)))
    assert BOT_TOKEN in _stored_text(engine)
    keyed = EncryptedInstallationStore(client_id="C1", engine=engine, box=TokenBox(generate_key()))
    bot = keyed.find_bot(enterprise_id=None, team_id="T1")
    assert bot is not None
    assert bot.bot_token == BOT_TOKEN  # plaintext from before the key reads as it is


def test_rotate_encrypts_plain_tokens_and_moves_old_ones_to_the_new_key(
    engine: Engine, database_url: str, tmp_path: Path
) -> None:
    _install(EncryptedInstallationStore(client_id="C1", engine=engine, box=TokenBox(None)))
    old, new = generate_key(), generate_key()
    assert reencrypt_all(engine, TokenBox(old)) == 5  # every plaintext token, both tables
    assert BOT_TOKEN not in _stored_text(engine)
    assert reencrypt_all(engine, TokenBox(old)) == 0  # already under that key

    assert OKRBOT is not None
    env = {k: v for k, v in os.environ.items() if k != "OKRBOT_CONFIG"}
    env |= {"OKRBOT_DATABASE_URL": database_url, KEY_ENV: f"{new},{old}"}
    done = subprocess.run(
        [OKRBOT, "secrets", "rotate"], env=env, cwd=tmp_path, capture_output=True, text=True
    )
    assert done.returncode == 0, done.stderr
    assert "Re-encrypted 5 stored tokens" in done.stdout
    store = EncryptedInstallationStore(client_id="C1", engine=engine, box=TokenBox(new))
    bot = store.find_bot(enterprise_id=None, team_id="T1")
    assert bot is not None
    assert bot.bot_token == BOT_TOKEN  # readable with the new key alone

    env[KEY_ENV] = generate_key()  # a key that opens nothing: refused, nothing written
    refused = subprocess.run(
        [OKRBOT, "secrets", "rotate"], env=env, cwd=tmp_path, capture_output=True, text=True
    )
    assert refused.returncode == 2
    assert "is not the key" in refused.stderr
    assert store.find_bot(enterprise_id=None, team_id="T1") is not None


def test_a_malformed_key_stops_serve_with_a_clear_message(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv(KEY_ENV, "not-a-key")
    runtime = Runtime(config=AppConfig(), engine=sa.create_engine("sqlite://"))
    with pytest.raises(ConfigError, match="okrbot secrets keygen"):
        check_key(runtime)


def test_serve_warns_when_oauth_tokens_would_be_stored_in_plaintext(
    monkeypatch: pytest.MonkeyPatch, caplog: pytest.LogCaptureFixture
) -> None:
    monkeypatch.setenv("SLACK_CLIENT_ID", "111.222")
    monkeypatch.delenv(KEY_ENV, raising=False)
    config = AppConfig(slack=SlackConfig(enabled=True))
    runtime = Runtime(config=config, engine=sa.create_engine("sqlite://"))
    with caplog.at_level(logging.WARNING, logger="okrbot.secrets"):
        check_key(runtime)
    assert "unencrypted" in caplog.text
    caplog.clear()
    monkeypatch.setenv(KEY_ENV, generate_key())
    with caplog.at_level(logging.WARNING, logger="okrbot.secrets"):
        check_key(runtime)
    assert caplog.text == ""


def test_kpi_api_tokens_are_stored_only_as_a_hash(session: Session) -> None:
    workspace = factories.workspace(session)
    assert workspace.id is not None
    _row, token = kpi_tokens.create(session=session, workspace_id=workspace.id, name="mes")
    session.commit()
    stored = session.exec(select(KpiApiToken)).one()
    values = " ".join(str(v) for v in stored.model_dump().values())
    assert token not in values
    assert stored.token_hash == kpi_tokens.digest(token)
    assert kpi_tokens.workspace_of(session=session, token=token) == workspace.id
