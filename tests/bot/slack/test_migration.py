"""Migration 0003: bolt's OAuth store tables, exactly as slack_sdk defines them, and no drift."""

from __future__ import annotations

from datetime import UTC, datetime

import sqlalchemy as sa
from alembic import command
from alembic.autogenerate import compare_metadata
from alembic.runtime.migration import MigrationContext
from slack_sdk.oauth.installation_store import Installation
from slack_sdk.oauth.installation_store.sqlalchemy import SQLAlchemyInstallationStore
from slack_sdk.oauth.state_store.sqlalchemy import SQLAlchemyOAuthStateStore
from sqlalchemy.engine import Engine

from bot.slack.installation_store import EncryptedInstallationStore
from storage import migrate

SLACK_TABLES = {"slack_installations", "slack_bots", "slack_oauth_states"}


def test_alembic_check_finds_no_drift(engine: Engine) -> None:
    command.check(migrate.alembic_config(engine))


def test_tables_match_slack_sdks_own_definitions(engine: Engine) -> None:
    # okrbot's store: slack_sdk's tables with token columns widened for encryption (0008).
    installations = EncryptedInstallationStore(client_id="C1", engine=engine)
    states = SQLAlchemyOAuthStateStore(expiration_seconds=60, engine=engine)
    metadata = sa.MetaData()
    for table in [*installations.metadata.tables.values(), *states.metadata.tables.values()]:
        table.to_metadata(metadata)
    assert set(metadata.tables) == SLACK_TABLES
    with engine.connect() as connection:
        context = MigrationContext.configure(
            connection,
            opts={
                "compare_type": True,
                "include_name": lambda name, type_, parent: (
                    type_ != "table" or name in SLACK_TABLES
                ),
            },
        )
        diffs = compare_metadata(context, metadata)
    assert diffs == []


def test_the_stores_work_on_okrbots_engine(engine: Engine) -> None:
    store = SQLAlchemyInstallationStore(client_id="C1", engine=engine)
    store.save(
        Installation(
            app_id="A1",
            team_id="T1",
            team_name="Acme",
            bot_token="xoxb-1",
            bot_id="B1",
            bot_user_id="UBOT",
            user_id="U1",
            installed_at=datetime(2026, 11, 23, tzinfo=UTC).timestamp(),
        )
    )
    bot = store.find_bot(enterprise_id=None, team_id="T1")
    assert bot is not None
    assert bot.bot_token == "xoxb-1"
    states = SQLAlchemyOAuthStateStore(expiration_seconds=60, engine=engine)
    state = states.issue()
    assert states.consume(state)
    assert not states.consume(state)


def test_downgrade_removes_the_tables_and_upgrade_restores_them(engine: Engine) -> None:
    migrate.downgrade(engine, "0002")
    assert SLACK_TABLES.isdisjoint(sa.inspect(engine).get_table_names())
    migrate.upgrade(engine)
    assert set(sa.inspect(engine).get_table_names()) >= SLACK_TABLES
