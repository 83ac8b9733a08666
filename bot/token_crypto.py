"""Secrets at rest: platform tokens encrypted with a key from `$OKRBOT_ENCRYPTION_KEY`.

Stored form: `enc:v1:` + a Fernet token (AES-128-CBC + HMAC-SHA256, from `cryptography`).
The variable holds one Fernet key (`okrbot secrets keygen` prints one), or several separated
by commas to rotate: the first encrypts, any of them decrypts. A value without the prefix is
plaintext from before a key was set and reads back as it is; without a key, new values are
stored in plaintext and `okrbot serve` warns at start-up.
"""

from __future__ import annotations

import logging
import os
from typing import TYPE_CHECKING

import sqlalchemy as sa

if TYPE_CHECKING:
    from cryptography.fernet import Fernet, MultiFernet
    from sqlalchemy.engine import Engine

    from bot.runtime import Runtime

log = logging.getLogger("okrbot.secrets")

KEY_ENV = "OKRBOT_ENCRYPTION_KEY"
PREFIX = "enc:v1:"


class SecretKeyError(Exception):
    """The encryption key is missing, malformed or not the one a value was encrypted with."""


def generate_key() -> str:
    """A new random key for `$OKRBOT_ENCRYPTION_KEY`."""
    from cryptography.fernet import Fernet

    return Fernet.generate_key().decode("ascii")


class TokenBox:
    """Encrypts and decrypts stored secrets; a no-op for encryption when no key is set."""

    def __init__(self, keys: str | None) -> None:
        self._fernet: MultiFernet | None = None
        self._primary: Fernet | None = None
        parts = [k.strip() for k in (keys or "").split(",") if k.strip()]
        if parts:
            from cryptography.fernet import Fernet, MultiFernet

            try:
                fernets = [Fernet(k.encode("ascii")) for k in parts]
                self._fernet, self._primary = MultiFernet(fernets), fernets[0]
            except (ValueError, UnicodeEncodeError) as error:
                raise SecretKeyError(
                    f"${KEY_ENV} is not a valid key (32 url-safe base64-encoded bytes; "
                    "generate one with `okrbot secrets keygen`)"
                ) from error

    @property
    def enabled(self) -> bool:
        """Whether new values are encrypted."""
        return self._fernet is not None

    def encrypt(self, value: str | None) -> str | None:
        """The stored form of `value` (unchanged when empty, already encrypted, or no key)."""
        if not value or value.startswith(PREFIX) or self._fernet is None:
            return value
        return PREFIX + self._fernet.encrypt(value.encode("utf-8")).decode("ascii")

    def rotate(self, value: str) -> str:
        """The value encrypted with the first key, whatever key (or none) it had before;
        unchanged when the first key already opens it."""
        if value.startswith(PREFIX) and self._primary is not None:
            from cryptography.fernet import InvalidToken

            try:
                self._primary.decrypt(value[len(PREFIX) :].encode("ascii"))
                return value
            except (InvalidToken, UnicodeEncodeError):
                pass
        plain = self.decrypt(value)
        assert plain is not None
        return self.encrypt(plain) or value

    def decrypt(self, value: str | None) -> str | None:
        """The plain value of a stored one; plaintext values pass through."""
        if not value or not value.startswith(PREFIX):
            return value
        if self._fernet is None:
            raise SecretKeyError(
                f"a stored token is encrypted but ${KEY_ENV} is not set: set it to the key "
                "the token was encrypted with"
            )
        from cryptography.fernet import InvalidToken

        try:
            return self._fernet.decrypt(value[len(PREFIX) :].encode("ascii")).decode("utf-8")
        except (InvalidToken, UnicodeEncodeError) as error:
            raise SecretKeyError(
                f"cannot decrypt a stored token: ${KEY_ENV} is not the key it was encrypted "
                "with (keep the old key after the new one, comma-separated, while rotating)"
            ) from error


TOKEN_COLUMNS: dict[str, tuple[str, ...]] = {
    "slack_installations": ("bot_token", "bot_refresh_token", "user_token", "user_refresh_token"),
    "slack_bots": ("bot_token", "bot_refresh_token"),
}


def reencrypt_all(engine: Engine, box: TokenBox) -> int:
    """Rewrite every stored token with the box's first key (plaintext ones get encrypted);
    how many values changed. One transaction; raises SecretKeyError before writing anything
    when a token cannot be decrypted with the box's keys."""
    if not box.enabled:
        raise SecretKeyError(f"${KEY_ENV} is not set: there is no key to encrypt with")
    changed = 0
    with engine.begin() as connection:
        for table_name, columns in TOKEN_COLUMNS.items():
            table = sa.table(table_name, sa.column("id"), *(sa.column(c) for c in columns))
            for row in connection.execute(sa.select(table)).mappings().all():
                values = {}
                for column in columns:
                    stored = row[column]
                    if stored:
                        fresh = box.rotate(stored)
                        if fresh != stored:
                            values[column] = fresh
                if values:
                    connection.execute(
                        sa.update(table).where(table.c.id == row["id"]).values(**values)
                    )
                    changed += len(values)
    return changed


def box_from_env() -> TokenBox:
    """The box for `$OKRBOT_ENCRYPTION_KEY` (raises SecretKeyError on a malformed key)."""
    return TokenBox(os.environ.get(KEY_ENV))


def warn_if_unencrypted(runtime: Runtime) -> None:
    """At `serve` start-up: check the key (ConfigError when malformed), and warn when OAuth
    tokens would be stored in plaintext."""
    from bot.config import ConfigError

    try:
        box = box_from_env()
    except SecretKeyError as error:
        raise ConfigError(str(error)) from error
    slack = runtime.config.slack
    if slack.enabled and os.environ.get(slack.client_id_env) and not box.enabled:
        log.warning(
            "Slack OAuth installs will store their tokens unencrypted: set $%s "
            "(generate a key with `okrbot secrets keygen`)",
            KEY_ENV,
        )
