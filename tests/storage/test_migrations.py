"""Migrations: they match the models, go down and up again, and the schema check is right."""

from __future__ import annotations

import pytest
import sqlalchemy as sa
from alembic import command
from alembic.script import ScriptDirectory
from sqlalchemy.engine import Engine

from storage import migrate
from storage.db import make_engine


def test_head_read_from_files_matches_alembic() -> None:
    config = migrate.alembic_config(make_engine("sqlite://"))
    assert migrate.head_revision() == ScriptDirectory.from_config(config).get_current_head()


def test_models_and_migrations_agree(engine: Engine) -> None:
    command.check(migrate.alembic_config(engine))


def test_every_migration_goes_down_and_up_again(engine: Engine) -> None:
    migrate.downgrade(engine, "base")
    assert migrate.current_revision(engine) is None
    migrate.upgrade(engine)
    migrate.ensure_current(engine)


def test_schema_check_says_what_to_run(database_url: str) -> None:
    engine = make_engine(database_url)
    try:
        with pytest.raises(migrate.SchemaError, match="Run `okrbot db upgrade` first"):
            migrate.ensure_current(engine)
        first = sorted(migrate.known_revisions())[0]
        migrate.upgrade(engine, first)
        if first != migrate.head_revision():
            with pytest.raises(migrate.SchemaError, match="out of date"):
                migrate.ensure_current(engine)
        migrate.upgrade(engine)
        with engine.begin() as connection:
            connection.execute(sa.text("UPDATE alembic_version SET version_num = '9999'"))
        with pytest.raises(migrate.SchemaError, match="newer than this okrbot knows"):
            migrate.ensure_current(engine)
    finally:
        engine.dispose()
