"""OAuth `state` values for "Add to Slack": each expires after a few minutes and is purged.

`GET /slack/install` needs no sign-in, so anyone can ask for a state; every issue therefore
first deletes the expired ones, which keeps the table to the states of the last few minutes
however often the page is hit. Times come from okrbot's clock, not the SDK's wall clock.
"""

from __future__ import annotations

from datetime import datetime, timedelta
from uuid import uuid4

from slack_sdk.oauth.state_store.sqlalchemy import SQLAlchemyOAuthStateStore

from storage import clock


def _naive_utc_now() -> datetime:
    return clock.now().replace(tzinfo=None)  # the SDK's table has TIMESTAMP WITHOUT TIME ZONE


class ExpiringOAuthStateStore(SQLAlchemyOAuthStateStore):
    """The SDK's SQLAlchemy state store with expired states purged on every issue."""

    def issue(self, *args: object, **kwargs: object) -> str:
        state = str(uuid4())
        now = _naive_utc_now()
        states = self.oauth_states
        with self.engine.begin() as connection:
            connection.execute(states.delete().where(states.c.expire_at <= now))
            connection.execute(
                states.insert(),
                {"state": state, "expire_at": now + timedelta(seconds=self.expiration_seconds)},
            )
        return state

    def consume(self, state: str) -> bool:
        states = self.oauth_states
        with self.engine.begin() as connection:
            live = states.c.expire_at > _naive_utc_now()
            deleted = connection.execute(states.delete().where(states.c.state == state, live))
        return bool(deleted.rowcount)

    def purge_expired(self) -> int:
        """Delete the states that can no longer be used; how many."""
        states = self.oauth_states
        with self.engine.begin() as connection:
            expired = states.c.expire_at <= _naive_utc_now()
            result = connection.execute(states.delete().where(expired))
        return int(result.rowcount or 0)
