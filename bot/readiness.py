"""`GET /readyz`: ready when the database answers and its schema is exactly this code's."""

from __future__ import annotations

from typing import Any

import sqlalchemy as sa
from sqlalchemy.engine import Engine

from storage import migrate


def readiness(engine: Engine) -> tuple[bool, dict[str, Any]]:
    """(ready, a JSON-able body saying why not)."""
    try:
        with engine.connect() as connection:
            connection.execute(sa.text("SELECT 1"))
        migrate.ensure_current(engine)
    except migrate.SchemaError as error:
        return False, {
            "status": "not_ready",
            "reason": "schema",
            "message": str(error),
            "schema": error.current,
            "expected": error.head,
        }
    except sa.exc.SQLAlchemyError:
        return False, {"status": "not_ready", "reason": "database", "message": "unreachable"}
    return True, {"status": "ready", "schema": migrate.head_revision()}
