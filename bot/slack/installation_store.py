"""slack_sdk's SQLAlchemy installation store with the tokens encrypted at rest.

Every token column (bot and user tokens, refresh tokens) is written through `TokenBox.encrypt`
and read back through `TokenBox.decrypt` (bot/token_crypto.py), so bolt's OAuth flow and the
outbox sender see plain tokens while the database holds `enc:v1:…`.
"""

from __future__ import annotations

import copy
from collections.abc import Callable
from typing import Any, TypeVar

from slack_sdk.oauth.installation_store import Bot, Installation
from slack_sdk.oauth.installation_store.sqlalchemy import SQLAlchemyInstallationStore
from sqlalchemy import MetaData, String, Table

from bot.token_crypto import TokenBox, box_from_env

INSTALLATION_TOKENS = ("bot_token", "bot_refresh_token", "user_token", "user_refresh_token")
BOT_TOKENS = ("bot_token", "bot_refresh_token")
TOKEN_COLUMN_LENGTH = 1000


E = TypeVar("E", Installation, Bot)


def _apply(entity: E, fields: tuple[str, ...], transform: Callable[[str | None], str | None]) -> E:
    changed = copy.copy(entity)
    for name in fields:
        setattr(changed, name, transform(getattr(entity, name, None)))
    return changed


def _widen(table: Table) -> Table:
    """Token columns as migration 0008 made them: room for the encrypted form."""
    for name in INSTALLATION_TOKENS:
        if name in table.c:
            table.c[name].type = String(TOKEN_COLUMN_LENGTH)
    return table


class EncryptedInstallationStore(SQLAlchemyInstallationStore):
    """The okrbot installation store: same tables (migration 0003), encrypted tokens."""

    def __init__(self, *, client_id: str, engine: Any, box: TokenBox | None = None) -> None:
        super().__init__(client_id=client_id, engine=engine)
        self.box = box if box is not None else box_from_env()

    @classmethod
    def build_installations_table(cls, metadata: MetaData, table_name: str) -> Table:
        return _widen(super().build_installations_table(metadata, table_name))

    @classmethod
    def build_bots_table(cls, metadata: MetaData, table_name: str) -> Table:
        return _widen(super().build_bots_table(metadata, table_name))

    def save(self, installation: Installation) -> None:
        super().save(_apply(installation, INSTALLATION_TOKENS, self.box.encrypt))

    def save_bot(self, bot: Bot) -> None:
        super().save_bot(_apply(bot, BOT_TOKENS, self.box.encrypt))

    def find_bot(
        self,
        *,
        enterprise_id: str | None,
        team_id: str | None,
        is_enterprise_install: bool | None = False,
    ) -> Bot | None:
        found = super().find_bot(
            enterprise_id=enterprise_id,
            team_id=team_id,
            is_enterprise_install=is_enterprise_install,
        )
        return None if found is None else _apply(found, BOT_TOKENS, self.box.decrypt)

    def find_installation(
        self,
        *,
        enterprise_id: str | None,
        team_id: str | None,
        user_id: str | None = None,
        is_enterprise_install: bool | None = False,
    ) -> Installation | None:
        found = super().find_installation(
            enterprise_id=enterprise_id,
            team_id=team_id,
            user_id=user_id,
            is_enterprise_install=is_enterprise_install,
        )
        return None if found is None else _apply(found, INSTALLATION_TOKENS, self.box.decrypt)
