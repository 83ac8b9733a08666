"""Alembic, driven from code: upgrade, downgrade, and the schema-is-current check."""

from __future__ import annotations

from pathlib import Path

from alembic import command
from alembic.config import Config
from alembic.runtime.migration import MigrationContext
from alembic.script import ScriptDirectory
from sqlalchemy.engine import Engine

MIGRATIONS_DIR = Path(__file__).parent / "migrations"


class SchemaError(Exception):
    """The database schema is missing or not at the version this okrbot expects."""

    def __init__(self, message: str, *, current: str | None, head: str) -> None:
        super().__init__(message)
        self.current = current
        self.head = head


def alembic_config(engine: Engine) -> Config:
    """An Alembic config that runs the bundled migrations on `engine`."""
    config = Config()
    config.set_main_option("script_location", str(MIGRATIONS_DIR))
    config.attributes["engine"] = engine
    return config


def head_revision() -> str:
    """The newest migration this code knows."""
    script = ScriptDirectory.from_config(alembic_config_for_script())
    head = script.get_current_head()
    assert head is not None
    return head


def alembic_config_for_script() -> Config:
    config = Config()
    config.set_main_option("script_location", str(MIGRATIONS_DIR))
    return config


def current_revision(engine: Engine) -> str | None:
    """The migration the database is at, or None when it has no okrbot schema."""
    with engine.connect() as connection:
        return MigrationContext.configure(connection).get_current_revision()


def upgrade(engine: Engine, revision: str = "head") -> None:
    """Apply migrations up to `revision`."""
    command.upgrade(alembic_config(engine), revision)


def downgrade(engine: Engine, revision: str) -> None:
    """Revert migrations down to `revision` ("base" removes everything)."""
    command.downgrade(alembic_config(engine), revision)


def ensure_current(engine: Engine) -> None:
    """Raise SchemaError unless the database is migrated to exactly this code's head."""
    head = head_revision()
    current = current_revision(engine)
    if current == head:
        return
    if current is None:
        message = "The database has no okrbot schema yet. Run `okrbot db upgrade` first."
    else:
        known = ScriptDirectory.from_config(alembic_config_for_script())
        try:
            known.get_revision(current)
        except Exception:
            message = (
                f"The database schema ({current}) is newer than this okrbot knows ({head}). "
                "Upgrade okrbot."
            )
        else:
            message = (
                f"The database schema is out of date ({current}, expected {head}). "
                "Run `okrbot db upgrade`."
            )
    raise SchemaError(message, current=current, head=head)
