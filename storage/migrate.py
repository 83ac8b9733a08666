"""Alembic, driven from code: upgrade, downgrade, and the schema-is-current check.

The check runs at every CLI start, so it does not import Alembic (a sixth of a second): it
reads the revision ids straight from the migration files and the version from the database.
"""

from __future__ import annotations

import re
from functools import cache
from pathlib import Path
from typing import TYPE_CHECKING

import sqlalchemy as sa
from sqlalchemy.engine import Engine

if TYPE_CHECKING:
    from alembic.config import Config

MIGRATIONS_DIR = Path(__file__).parent / "migrations"
_REVISION = re.compile(r"^revision(?::\s*str)?\s*=\s*['\"]([^'\"]+)['\"]", re.MULTILINE)
_DOWN_REVISION = re.compile(
    r"^down_revision(?::[^=]*)?=\s*(?:['\"]([^'\"]+)['\"]|None)", re.MULTILINE
)


class SchemaError(Exception):
    """The database schema is missing or not at the version this okrbot expects."""

    def __init__(self, message: str, *, current: str | None, head: str) -> None:
        super().__init__(message)
        self.current = current
        self.head = head


@cache
def known_revisions() -> dict[str, str | None]:
    """Every migration this code ships: revision id -> the revision it follows."""
    revisions: dict[str, str | None] = {}
    for path in (MIGRATIONS_DIR / "versions").glob("*.py"):
        text = path.read_text(encoding="utf-8")
        revision, down = _REVISION.search(text), _DOWN_REVISION.search(text)
        if revision is not None and down is not None:
            revisions[revision[1]] = down[1]
    return revisions


def head_revision() -> str:
    """The newest migration this code knows (the one no other migration follows)."""
    revisions = known_revisions()
    followed = set(revisions.values())
    heads = [r for r in revisions if r not in followed]
    if len(heads) != 1:
        raise RuntimeError(f"expected one migration head, found {sorted(heads)}")
    return heads[0]


def alembic_config(engine: Engine) -> Config:
    """An Alembic config that runs the bundled migrations on `engine`."""
    from alembic.config import Config

    config = Config()
    config.set_main_option("script_location", str(MIGRATIONS_DIR))
    config.attributes["engine"] = engine
    return config


def current_revision(engine: Engine) -> str | None:
    """The migration the database is at, or None when it has no okrbot schema."""
    with engine.connect() as connection:
        if not sa.inspect(connection).has_table("alembic_version"):
            return None
        return connection.execute(sa.text("SELECT version_num FROM alembic_version")).scalar()


def upgrade(engine: Engine, revision: str = "head") -> None:
    """Apply migrations up to `revision`."""
    from alembic import command

    command.upgrade(alembic_config(engine), revision)


def downgrade(engine: Engine, revision: str) -> None:
    """Revert migrations down to `revision` ("base" removes everything)."""
    from alembic import command

    command.downgrade(alembic_config(engine), revision)


def ensure_current(engine: Engine) -> None:
    """Raise SchemaError unless the database is migrated to exactly this code's head."""
    head = head_revision()
    current = current_revision(engine)
    if current == head:
        return
    if current is None:
        message = "The database has no okrbot schema yet. Run `okrbot db upgrade` first."
    elif current not in known_revisions():
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
