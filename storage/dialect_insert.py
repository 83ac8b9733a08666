"""INSERT … ON CONFLICT for the session's engine, importing only that engine's dialect.

`sqlalchemy.dialects.postgresql` takes tens of milliseconds to import; a console chat on SQLite
should not pay for it, so the dialect module is looked up by name when first needed.
"""

from __future__ import annotations

import importlib
from typing import Any

import sqlalchemy as sa
from sqlmodel import Session


def insert_for(session: Session, table: sa.Table) -> Any:
    """The dialect's `insert(table)` (PostgreSQL or SQLite), which has `on_conflict_do_nothing`."""
    dialect = session.get_bind().dialect.name
    if dialect not in ("postgresql", "sqlite"):
        raise ValueError(f"unsupported database engine: {dialect}")
    return importlib.import_module(f"sqlalchemy.dialects.{dialect}").insert(table)
