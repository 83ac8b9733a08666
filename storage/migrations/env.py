"""Alembic environment: runs on the engine handed over by storage.migrate."""

from __future__ import annotations

from alembic import context
from sqlmodel import SQLModel

import storage.models  # noqa: F401  (registers the tables)

config = context.config
target_metadata = SQLModel.metadata
# Tables created by migrations but defined by a library (slack_sdk's OAuth stores), not SQLModel.
EXTERNAL_TABLES = frozenset({"slack_installations", "slack_bots", "slack_oauth_states"})


def include_object(
    obj: object, name: str | None, type_: str, reflected: bool, compare_to: object
) -> bool:
    """Leave the library-defined tables (and their indexes) out of autogenerate."""
    table = name if type_ == "table" else getattr(getattr(obj, "table", None), "name", None)
    return table not in EXTERNAL_TABLES


def run_migrations() -> None:
    engine = config.attributes["engine"]
    with engine.begin() as connection:
        context.configure(
            connection=connection,
            target_metadata=target_metadata,
            render_as_batch=connection.dialect.name == "sqlite",
            compare_type=True,
            include_object=include_object,
        )
        context.run_migrations()


run_migrations()
